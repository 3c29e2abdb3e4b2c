"""``{% load formato %}``: numbers and dates in the reader's language (``core.formatting``).

{{ liq.total_cif|money }}            47.860,00   /  47,860.00
{{ item.cantidad|num }}              1.234,5     (the value's own decimals)
{{ item.peso|num:3 }}                1.234,500
{{ tarifa|pct }}                     20,00 %     /  20.00%
{{ tarifa|pct:0 }}                   20 %
{{ doc.sent_on|fecha }}              06/12/2026
{{ doc.sent_on|fecha_hora }}         06/12/2026 14:03
{{ doc.sent_on|fecha_hora:"s" }}     06/12/2026 14:03:27
{{ value|money|default:"—" }}        None/"" give "" so ``default`` applies
"""

from __future__ import annotations

from django import template

from ecuapass.core import formatting

register = template.Library()


@register.filter
def money(value, places=2):
    return formatting.money(value, int(places))


@register.filter
def num(value, places=None):
    return formatting.number(value, None if places in (None, "") else int(places))


@register.filter
def pct(value, places=2):
    return formatting.percent(value, int(places))


@register.filter
def fecha(value):
    return formatting.fecha(value)


@register.filter
def fecha_hora(value, seconds=""):
    return formatting.fecha_hora(value, seconds=bool(seconds))


@register.filter
def hora(value):
    return formatting.hora(value)
