"""Who may reach one e-doc, and under which menu option: one rule for portal, API and downloads.

Scope (404 when it fails, so another OCE's document is never revealed): the
filer sees what its código de OCE filed; an importer/exporter code (the party)
sees what was filed for its operator, drafts excepted.

Grant (403 when it fails): a draft belongs to *1.1 Elaboración de e-Doc
Operativo* (its editor, its prints, its items); a sent document belongs to
*1.3 Integración de estados del trámite* (its page, its original, its prints).
"""

from __future__ import annotations

from django.http import Http404

from ecuapass.portal.permissions import require_option

from .models import EDocument

DRAFT_OPTION = "1.1"
SENT_OPTION = "1.3"


def visible_documents(oce):
    return EDocument.objects.visible_to(oce)


def option_for(edoc: EDocument) -> str:
    return DRAFT_OPTION if edoc.is_draft else SENT_OPTION


def require_document_option(user, oce, edoc: EDocument) -> None:
    require_option(user, oce, option_for(edoc))


def document_for(request, pk: int, *, sent: bool = False, related=()) -> EDocument:
    """The document if the active OCE may see it (else 404) and the user holds its option (else 403).

    ``sent``: drafts do not count (404). ``related``: ``select_related`` paths.
    """
    qs = visible_documents(request.oce)
    if sent:
        qs = qs.exclude(estado_documento="borrador")
    edoc = qs.select_related(*related).filter(pk=pk).first()
    if edoc is None:
        raise Http404
    require_document_option(request.user, request.oce, edoc)
    return edoc
