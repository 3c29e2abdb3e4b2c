"""Portal screens: 1.1 Elaboración de e-Doc Operativo, 1.3 Integración de estados, document page."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecuapass.accounts.context import oce_required, prefetched
from ecuapass.ops.replica import reads_from_replica
from ecuapass.portal import fragments
from ecuapass.portal.menu import frame_for
from ecuapass.portal.permissions import menu_option_required

from . import exports, registry, services
from .access import document_for
from .forms import EstadosForm
from .models import EDocument
from .selectors import (
    COUNT_CAP,
    EstadosPage,
    capped_count,
    documents_version,
    estados_queryset,
    kept_ttl,
)

PAGE_SIZE = 25


@menu_option_required("1.1")
@oce_required
def elaboracion(request):
    oce = request.oce
    types = registry.types_for(oce.registration.oce_type)
    drafts = (
        EDocument.objects.drafts()
        .filter(filer_oce=oce)
        .select_related("created_by")
        .order_by("-modified_on")
    )
    page = Paginator(drafts, PAGE_SIZE).get_page(request.GET.get("page"))
    recent = EDocument.objects.sent().filter(filer_oce=oce).order_by("-sent_on")[:5]
    return render(
        request,
        "edocs/elaboracion.html",
        {"types": types, "page": page, "recent": recent, "oce": oce},
    )


@menu_option_required("1.1")
@oce_required
@require_POST
def eliminar_borrador(request, pk: int):
    edoc = get_object_or_404(EDocument.objects.drafts(), pk=pk, filer_oce=request.oce)
    services.delete_draft(edoc)
    messages.success(request, _("Borrador eliminado."))
    return redirect("edocs:elaboracion")


@menu_option_required("1.3")
@oce_required
@reads_from_replica
def estados(request):
    oce = request.oce
    fmt = request.GET.get("formato")
    if fmt in ("xlsx", "csv"):
        form = EstadosForm(request.GET)
        qs = (
            estados_queryset(oce, form.to_filter()) if form.is_valid() else EDocument.objects.none()
        )
        name = f"estados-{oce.code}"
        return exports.xlsx_response(qs, name) if fmt == "xlsx" else exports.csv_response(qs, name)
    # The whole page is a function of the query string, the documents of the OCE's scope (their
    # version, bumped after any write: selectors.documents_version), the day (the periods) and
    # the frame (fragments.page_key): kept under them, a steady 1.3 reads no document at all.
    version = documents_version(oce, prefetched(request, oce))
    frame = frame_for(request)
    key = None
    if version is not None and frame._unread is not None:
        key = fragments.page_key(
            request,
            "edocs/estados.html",
            version[1],
            timezone.localdate().isoformat(),
            frame.unread_count,
            query=True,
        )
    return fragments.render_page(
        request,
        "edocs/estados.html",
        lambda: _estados_context(request, oce, version),
        key,
        ttl=kept_ttl(),
    )


def _estados_context(request, oce, version) -> dict:
    form = EstadosForm(request.GET or None)
    filters = form.to_filter() if form.is_bound else EstadosForm().to_filter()
    valid = not form.is_bound or form.is_valid()
    qs = estados_queryset(oce, filters) if valid else EDocument.objects.none()
    page = EstadosPage(
        qs.only(*_LIST_ONLY),
        request.GET.get("page"),
        PAGE_SIZE,
        after=request.GET.get("despues"),
        before=request.GET.get("antes"),
        count=capped_count(qs, oce, filters, version=version) if valid else 0,
    )
    skip = ("page", "formato", "despues", "antes")
    params = {k: v for k, v in request.GET.items() if k not in skip and v}
    return {
        "form": form,
        "page": page,
        "query": urlencode(params),
        "offset": page.offset,
        "count_cap": f"{COUNT_CAP:,}".replace(",", " "),  # "10 000"
        "oce": oce,
    }


_LIST_ONLY = (
    "id",
    "doc_type",
    "title",
    "numero_entrega",
    "sent_on",
    "estado_transmision",
    "estado_documento",
    "document_number",
)


@oce_required
def documento(request, pk: int):
    edoc = document_for(
        request,
        pk,
        related=("filer_oce__registration__operator", "party_operator", "envio__sender_user"),
    )
    if edoc.is_draft:
        return redirect(reverse(edoc.type.editor_url, args=[edoc.pk]))
    context = {
        "edoc": edoc,
        "envio": edoc.envio,
        "errors": list(edoc.errors.all()),
        "history": list(edoc.history.select_related("by_user")),
        "content": edoc.content,
        "detail_template": edoc.type.detail_template,
        "can_copy": edoc.filer_oce_id == request.oce.pk,
    }
    context.update(edoc.type.context(edoc.content))
    return render(request, "edocs/documento.html", context)


@menu_option_required("1.1")
@oce_required
@require_POST
def copiar(request, pk: int):
    edoc = get_object_or_404(EDocument.objects.sent(), pk=pk, filer_oce=request.oce)
    try:
        draft = services.copy_as_draft(edoc, oce=request.oce, user=request.user)
    except services.EdocError as exc:
        messages.error(request, str(exc))
        return redirect(edoc.get_absolute_url())
    messages.success(
        request,
        _("Se creó el borrador #%(pk)s a partir de la entrega %(n)s: corríjalo y envíelo.")
        % {"pk": draft.pk, "n": edoc.numero_entrega},
    )
    return redirect(reverse(draft.type.editor_url, args=[draft.pk]))


@oce_required
def original(request, pk: int):
    """The payload exactly as sent: XML when it came as XML, JSON otherwise."""
    edoc = document_for(request, pk, sent=True)
    envio = edoc.envio
    if request.GET.get("formato") != "json" and envio.payload_xml:
        response = HttpResponse(envio.payload_xml, content_type="application/xml; charset=utf-8")
        ext = "xml"
    else:
        response = HttpResponse(
            json.dumps(envio.payload, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        ext = "json"
    response["Content-Disposition"] = f'attachment; filename="{envio.numero_entrega}.{ext}"'
    return response
