"""``{% carga_timeline edoc %}``: the cargo events of a DAI (manifested, arrived, ingresó al
depósito, novedades, salió) for its page. The DAI's page belongs to ``customs``; it shows the
timeline by adding ``{% load carga %}{% carga_timeline edoc %}`` to its detail template."""

from __future__ import annotations

from django import template

from ..selectors import timeline

register = template.Library()


@register.inclusion_tag("carga/_timeline.html")
def carga_timeline(edoc):
    descargo = getattr(edoc, "descargo_carga", None) if edoc is not None else None
    documento = descargo.documento if descargo is not None else None
    return {
        "documento": documento,
        "timeline": timeline(documento) if documento is not None else [],
    }
