"""The operator's side in the portal: file a request from the declaration's page (menu option 1.1:
the DAI's, the DAE's), finish a draft copied from a sent request, download a request's attachments.

Thin: the form's data becomes the API's payload and goes through ``services.file`` (the type's
serializer, the same checks as the engine's rules, ``edocs.services.submit_payload``).
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ecuapass.accounts.context import oce_required
from ecuapass.core.uploads import upload_limit
from ecuapass.despacho import files
from ecuapass.edocs import services as edocs
from ecuapass.edocs.access import document_for
from ecuapass.edocs.models import EDocument
from ecuapass.portal.permissions import menu_option_required

from . import changes, checks, kinds, services, targets
from .forms import AnulacionForm, ElegirDaiForm, SolicitudForm
from .models import Solicitud

FILING = "1.1"


def _kind(slug: str, doc_type: str = checks.DAI) -> kinds.Kind:
    kind = kinds.by_slug(doc_type, slug)
    if kind is None:
        raise Http404
    return kind


def _visible_dai(request, pk: int) -> EDocument:
    dai = (
        EDocument.objects.visible_to(request.oce)
        .sent()
        .filter(pk=pk, doc_type__in=targets.doc_types())
        .select_related("filer_oce__registration")
        .first()
    )
    if dai is None:
        raise Http404
    return dai


@menu_option_required(FILING)
@oce_required
def nueva(request, tipo: str, declaracion: str = checks.DAI):
    """1.1 «Nuevo»: choose the declaration (its número), then the request's form."""
    kind = _kind(tipo, declaracion)
    oce = request.oce
    form = ElegirDaiForm(request.GET or None)
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["dai"].strip()
        dai = checks.resolve_dai(
            oce, numero_documento=text, doc_type=kind.target
        ) or checks.resolve_dai(oce, numero_entrega=text, doc_type=kind.target)
        if dai is not None:
            return redirect("correcciones:presentar", pk=dai.pk, tipo=kind.slug)
        form.add_error("dai", _("La declaración no existe o no es visible para su código de OCE."))
    candidates = [
        dai
        for dai in EDocument.objects.visible_to(oce)
        .sent()
        .filter(doc_type=kind.target, estado_documento__in=checks.states_for(kind.code))
        .select_related("filer_oce__registration")
        .order_by("-sent_on")[:20]
        if checks.may_file_for(oce, dai)
    ]
    return render(
        request,
        "correcciones/nueva.html",
        {"kind": kind, "form": form, "candidates": candidates},
        status=400 if form.is_bound and form.errors else 200,
    )


def _upload_limited(view):
    return upload_limit(settings.ECUAPASS_SOPORTE_MAX_BYTES, field=_("Documentos de respaldo"))(
        view
    )


@_upload_limited
@menu_option_required(FILING)
@oce_required
def presentar(request, pk: int, tipo: str):
    """The request's form, prefilled from the DAI; «Enviar» files it."""
    dai = _visible_dai(request, pk)
    return _form_page(request, _kind(tipo, dai.doc_type), dai)


@_upload_limited
@menu_option_required(FILING)
@oce_required
def borrador(request, pk: int):
    """A draft of a request (copied from a sent one): the same form, prefilled from the draft."""
    draft = get_object_or_404(EDocument.objects.drafts(), pk=pk, filer_oce=request.oce)
    if draft.doc_type not in kinds.codes():
        return redirect(reverse(draft.type.editor_url, args=[draft.pk]))
    solicitud = draft.content
    dai = solicitud.dai if solicitud is not None else None
    if dai is None or not EDocument.objects.visible_to(request.oce).filter(pk=dai.pk).exists():
        messages.error(
            request,
            _(
                "La declaración del borrador no existe o no es visible para su código de OCE: elimínelo."
            ),
        )
        return redirect("edocs:elaboracion")
    return _form_page(request, kinds.kind_of(draft.doc_type), dai, draft=draft)


def _form_page(request, kind, dai_edoc, *, draft=None):
    oce = request.oce
    reason = checks.why_not(kind.code, oce, dai_edoc)
    context = {"kind": kind, "dai_edoc": dai_edoc, "dai": dai_edoc.content, "draft": draft}
    if reason:
        context["reason"] = reason
        return render(request, "correcciones/presentar.html", context)
    dai = dai_edoc.content
    source = draft.content if draft is not None else None
    form_class = SolicitudForm if kind.with_changes else AnulacionForm
    if request.method != "POST":
        form = form_class(initial=_initial(source))
        header_form, formset = _change_forms(kind, dai, source, oce)
        return _render(request, context, form, header_form, formset)
    form = form_class(request.POST, request.FILES)
    header_form, formset = _change_forms(kind, dai, source, oce, data=request.POST)
    valid = form.is_valid()
    if header_form is not None:
        valid = header_form.is_valid() & formset.is_valid() & valid
    if not valid:
        messages.error(request, _("Revise los campos marcados."))
        return _render(request, context, form, header_form, formset, status=400)
    payload = {
        "tipo_documento": kind.code,
        "declaracion": {
            "numero_documento": dai_edoc.document_number,
            "numero_entrega": dai_edoc.numero_entrega,
        },
        "motivo": form.cleaned_data["motivo"],
    }
    if kind.with_changes:
        rows = targets.of(kind.target).item_rows(formset.items(), header_form.instance)
        result = changes.Corrected(header_form.instance, rows)
        payload["cabecera"], items = changes.changes_between(dai, result)
        if items is not None:
            payload["items"] = items
    else:
        payload["causal"] = form.cleaned_data["causal"]
    uploads = list(form.cleaned_data["adjuntos"])
    try:
        with transaction.atomic():
            if draft is not None:
                draft = edocs.lock_draft(draft.pk, oce=oce)
                uploads = _draft_files(draft.content) + uploads
            edoc = services.file(kind.code, payload, uploads, user=request.user, oce=oce)
            if draft is not None:
                _discard_draft(draft)
    except services.SolicitudError as exc:
        context["errors"] = [(field_label(f, kind.target), m) for f, m in exc.errors]
        return _render(request, context, form, header_form, formset, status=400)
    except edocs.EdocError as exc:
        messages.error(request, str(exc))
        return redirect("edocs:elaboracion")
    messages.success(
        request,
        _("%(tipo)s enviada con el número de entrega %(n)s. Estado: Recibido.")
        % {"tipo": kind.name, "n": edoc.numero_entrega},
    )
    return redirect(edoc.get_absolute_url())


def _initial(source: Solicitud | None) -> dict:
    if source is None:
        return {}
    return {"motivo": source.motivo, "causal": source.causal}


def _change_forms(kind, dai, source, oce, data=None):
    """The declaration's header form and items grid, prefilled from it (or the draft's proposal)."""
    if not kind.with_changes:
        return None, None
    target = targets.of(kind.target)
    CabeceraForm, ItemFormSet = target.header_form(), target.item_formset()  # noqa: N806
    base = dai
    if source is not None and (source.cabecera or source.items):
        try:
            base = changes.corrected(dai, source.cabecera, source.items)
        except changes.ChangeError:
            base = dai
    header = base.header if isinstance(base, changes.Corrected) else base
    header_form = CabeceraForm(data, instance=copy.copy(header), oce=oce)
    if data is not None:
        formset = ItemFormSet(data, prefix="items")
    else:
        formset = ItemFormSet(prefix="items", initial=target.item_initial(base))
    return header_form, formset


def _render(request, context, form, header_form, formset, status=200):
    context.update(
        {
            "form": form,
            "header_form": header_form,
            "formset": formset,
            "max_mb": settings.ECUAPASS_SOPORTE_MAX_BYTES // (1024 * 1024),
        }
    )
    return render(request, "correcciones/presentar.html", context, status=status)


def field_label(field: str, doc_type: str = checks.DAI) -> str:
    if field == "cabecera":
        return _("Cambios propuestos")
    if field.startswith("cabecera."):
        return changes.label(field[len("cabecera.") :], doc_type)
    if field.startswith("items["):
        return changes.label(field, doc_type)
    if field.startswith("declaracion"):
        return _("Declaración")
    if field.startswith("adjuntos"):
        return _("Documentos de respaldo")
    if field == "motivo":
        return _("Motivos de la solicitud")
    return field


def _draft_files(solicitud: Solicitud) -> list:
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploads = []
    for adjunto in solicitud.adjuntos.all():
        with files.path_of(adjunto).open("rb") as fh:
            uploads.append(SimpleUploadedFile(adjunto.original_name, fh.read()))
    return uploads


def _discard_draft(draft: EDocument) -> None:
    """The draft was filed as a new document: remove it and, once committed, its files."""
    stored = [files.path_of(a) for a in draft.content.adjuntos.all()]
    edocs.delete_draft(draft)
    transaction.on_commit(lambda: [p.unlink(missing_ok=True) for p in stored])


@oce_required
def adjunto(request, pk: int, adjunto_pk: int):
    """A request's attachment: whoever sees the request (1.1 for a draft, 1.3 once sent)."""
    edoc = document_for(request, pk)
    solicitud = Solicitud.objects.filter(edoc=edoc).first()
    if solicitud is None:
        raise Http404
    return files.response(get_object_or_404(solicitud.adjuntos.all(), pk=adjunto_pk))
