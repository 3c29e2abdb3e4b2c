"""On the documents' pages (1.3): ``{% correcciones_dai edoc %}`` on the DAI's, ``{% solicitud_dai edoc
solicitud %}`` on a request's."""

from __future__ import annotations

from django import template
from django.conf import settings

from ecuapass.edocs import registry
from ecuapass.edocs.lifecycle import actor_label
from ecuapass.edocs.models import EDocument
from ecuapass.portal.permissions import holds_any_option

from .. import changes, checks, kinds, services

register = template.Library()


def _labelled(cambios, doc_type: str = "DAI") -> list[dict]:
    return [{**c, "etiqueta": changes.label(c["campo"], doc_type)} for c in cambios]


@register.inclusion_tag("correcciones/_dai.html", takes_context=True)
def correcciones_dai(context, edoc):
    """The DAI's requests and versions, and the buttons to file a request (1.1) where it may."""
    request = context.get("request")
    oce = getattr(request, "oce", None)
    user = getattr(request, "user", None)
    actions = []
    blocked = ""
    if (
        oce is not None
        and edoc.document_number
        and holds_any_option(user, oce, ("1.1",))
        and kinds.for_target(edoc.doc_type)
        and registry.get(kinds.for_target(edoc.doc_type)[0].code).may_file(
            oce.registration.oce_type
        )
        and checks.may_file_for(oce, edoc)
    ):
        pending = checks.pending(edoc).first()
        if pending is not None:
            blocked = pending.numero_entrega
        else:
            actions = [
                k for k in kinds.for_target(edoc.doc_type) if checks.refusal(k.code, edoc) is None
            ]
    versions = list(services.versions_of(edoc))
    return {
        "edoc": edoc,
        "actions": actions,
        "blocked": blocked,
        "requests": list(services.requests_on(edoc, oce)) if oce is not None else [],
        "versions": [
            {
                "v": v,
                "cambios": _labelled(v.cambios, edoc.doc_type),
                "rol": actor_label(v.por_rol),
            }
            for v in reversed(versions)
        ],
        "show_names": getattr(settings, "ECUAPASS_OPERATORS_SEE_OFFICER_NAMES", False),
    }


@register.inclusion_tag("correcciones/_solicitud.html", takes_context=True)
def solicitud_dai(context, edoc, solicitud):
    """A request's page: the DAI (linked when the viewer sees it), the changes, attachments, decision."""
    request = context.get("request")
    oce = getattr(request, "oce", None)
    dai = solicitud.dai if solicitud is not None else None
    dai_visible = (
        dai is not None
        and oce is not None
        and EDocument.objects.visible_to(oce).filter(pk=dai.pk).exists()
    )
    version = getattr(solicitud, "version", None) if solicitud is not None else None
    proposed, errors = [], []
    kind = kinds.kind_of(edoc.doc_type)
    doc_type = kind.target
    if version is not None:
        proposed = _labelled(version.cambios, doc_type)
    elif kind.with_changes and dai is not None and solicitud is not None:
        try:
            proposed = _labelled(
                changes.proposed_diff(dai.content, solicitud.cabecera, solicitud.items), doc_type
            )
        except changes.ChangeError as exc:
            errors = exc.errors
    return {
        "edoc": edoc,
        "kind": kind,
        "solicitud": solicitud,
        "dai": dai if dai_visible else None,
        "version": version,
        "proposed": proposed,
        "proposal_errors": errors,
        "adjuntos": list(solicitud.adjuntos.all()) if solicitud is not None else [],
    }
