"""Portal screens of the export trámite. Thin: the work is in ``services`` and the engine.

* 1.1 — the DAE editor (header, items grid, Excel import with the DAI's template machinery) and
  the export manifest (agente de carga / transportista).
* 1.3 — the exporter's regularización, from the DAE's page.
* 1.14 — the depósito temporal: the DAEs naming it, Informe de Ingreso and Informe de Salida.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecuapass.accounts.context import oce_required
from ecuapass.core.client_ip import client_ip
from ecuapass.customs import excel
from ecuapass.edocs import registry
from ecuapass.edocs import services as edocs
from ecuapass.edocs.access import document_for
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.states import Channel
from ecuapass.portal.permissions import menu_option_required

from . import services
from . import states as S
from .forms import (
    AnulacionForm,
    DaeForm,
    DaeItemForm,
    DocumentoFormSet,
    InformeForm,
    ItemFormSet,
    ManifiestoForm,
    RegularizacionForm,
    catalog_choices,
    item_initial,
)
from .models import Dae

DEPOSITO_OPTION = "1.14"
PAGE_SIZE = 25


def _ip(request):
    try:
        return client_ip(request)
    except Exception:  # noqa: BLE001 - the address is informative only
        return request.META.get("REMOTE_ADDR")


# --- the DAE editor (1.1) ---------------------------------------------------------------------
def dae_columns():
    from django.utils.translation import gettext_lazy

    labels = dict(excel.COLUMNS)
    return [(name, labels[name]) for name in services.DAE_ITEM_FIELDS] + [
        ("documento_control_tipo", gettext_lazy("Documento de control (tipo)")),
        ("documento_control_numero", gettext_lazy("Documento de control (número)")),
    ]


@menu_option_required("1.1")
@oce_required
def plantilla_items(request):
    response = HttpResponse(excel.template_bytes(dae_columns()), content_type=excel.XLSX)
    response["Content-Disposition"] = 'attachment; filename="plantilla-items-dae.xlsx"'
    return response


@menu_option_required("1.1")
@oce_required
def nueva(request):
    if not registry.get("DAE").may_file(request.oce.registration.oce_type):
        messages.error(request, _("Su tipo de OCE no puede elaborar una DAE."))
        return redirect("edocs:elaboracion")
    return _editor(request, None, None)


@menu_option_required("1.1")
@oce_required
def editar(request, pk: int):
    edoc = EDocument.objects.filter(pk=pk, filer_oce=request.oce, doc_type="DAE").first()
    if edoc is None:
        raise Http404
    if not edoc.is_draft:
        messages.info(request, _("El documento ya fue enviado: no se puede modificar."))
        return redirect(edoc.get_absolute_url())
    return _editor(request, edoc, Dae.objects.filter(edoc=edoc).first())


def _editor(request, edoc, dae):
    oce = request.oce
    instance = dae or Dae()
    action = request.POST.get("accion", "")
    if request.method != "POST":
        form = DaeForm(instance=instance, oce=oce)
        formset = ItemFormSet(prefix="items", initial=item_initial(dae))
        return _render(request, edoc, form, formset)
    data = request.POST.copy()
    if action == "agregar":
        try:
            total = int(data.get("items-TOTAL_FORMS") or 0)
        except ValueError:
            total = 0
        data["items-TOTAL_FORMS"] = str(min(max(total, 0) + 1, ItemFormSet.absolute_max))
    form = DaeForm(data, instance=instance, oce=oce)
    formset = ItemFormSet(data, prefix="items")
    if action == "agregar":
        return _render(request, edoc, form, formset)
    if action == "importar":
        upload = request.FILES.get("archivo")
        if upload is None:
            return _render(
                request,
                edoc,
                form,
                formset,
                import_errors=[(0, _("Seleccione el archivo .xlsx de ítems."))],
            )
        units = catalog_choices_units()
        items, import_errors = excel.parse(
            upload,
            columns=dae_columns(),
            item_form=lambda row: DaeItemForm(data=row, unit_choices=units),
        )
        if import_errors:
            return _render(request, edoc, form, formset, import_errors=import_errors)
        if not form.is_valid():
            messages.error(request, _("Complete la cabecera antes de importar los ítems."))
            return _render(request, edoc, form, formset)
    elif form.is_valid() and formset.is_valid():
        items = formset.items()
    else:
        messages.error(request, _("Revise los campos marcados."))
        return _render(request, edoc, form, formset)
    try:
        saved = services.save_draft(
            edoc_id=edoc.pk if edoc else None,
            oce=oce,
            user=request.user,
            header=form.header(),
            items=items,
            send=action == "enviar",
        )
    except edocs.AlreadySent as exc:
        messages.error(
            request,
            _(
                "El documento ya fue enviado con el número de entrega %(n)s: no se guardaron los cambios."
            )
            % {"n": exc.edoc.numero_entrega},
        )
        return redirect(exc.edoc.get_absolute_url())
    except (edocs.EdocError, services.AmountOverflow) as exc:
        form.add_error(None, str(exc))
        messages.error(request, _("Revise los campos marcados."))
        return _render(request, edoc, form, formset)
    if saved.envio is not None:
        messages.success(
            request,
            _("DAE enviada con el número de entrega %(n)s. Estado: Recibido.")
            % {"n": saved.envio.numero_entrega},
        )
        return redirect(saved.edoc.get_absolute_url())
    if action == "importar":
        messages.success(request, _("Se importaron %(n)d ítems.") % {"n": len(items)})
    else:
        messages.success(request, _("Borrador guardado (Guardar temporal)."))
    return redirect("exportacion:editar", saved.edoc.pk)


def catalog_choices_units():
    from ecuapass.core.models import UnitOfMeasure

    return catalog_choices(UnitOfMeasure)


def _render(request, edoc, form, formset, import_errors=()):
    return render(
        request,
        "exportacion/dae_form.html",
        {
            "edoc": edoc,
            "form": form,
            "formset": formset,
            "import_errors": import_errors,
            "oce": request.oce,
        },
    )


# --- the DAE's print ----------------------------------------------------------------------
@oce_required
def dae_pdf(request, pk: int):
    """The DAE as PDF: 1.1 as a draft, 1.3 once sent (``edocs.access.document_for``). Printed in
    the request up to ``ECUAPASS_PDF_SYNC_MAX_ITEMS`` items (the DAI's bound); a larger DAE is
    refused with the reason (its items are in the editor's Excel and the API)."""
    from django.conf import settings
    from django.template.loader import render_to_string

    edoc = document_for(request, pk, related=("filer_oce",))
    dae = Dae.objects.filter(edoc=edoc).first()
    if dae is None:
        raise Http404
    limit = settings.ECUAPASS_PDF_SYNC_MAX_ITEMS
    if dae.items.count() > limit:
        messages.error(
            request,
            _("La DAE tiene más de %(n)d ítems: su impresión no está disponible en el portal.")
            % {"n": limit},
        )
        return redirect(edoc.get_absolute_url())
    from weasyprint import HTML

    html = render_to_string(
        "exportacion/pdf/dae.html",
        {"edoc": edoc, "dae": dae, "items": dae.items.order_by("numero")},
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    name = edoc.document_number or edoc.numero_entrega or edoc.pk
    response["Content-Disposition"] = f'inline; filename="DAE-{name}.pdf"'
    return response


# --- the export manifest (1.1) ----------------------------------------------------------------
@menu_option_required("1.1")
@oce_required
def nuevo_manifiesto(request):
    return _manifiesto(request, None)


@menu_option_required("1.1")
@oce_required
def editar_manifiesto(request, pk: int):
    """A draft copied from a rejected manifest: sending it sends a new document."""
    edoc = EDocument.objects.drafts().filter(pk=pk, filer_oce=request.oce, doc_type="MEX").first()
    if edoc is None:
        raise Http404
    return _manifiesto(request, edoc)


def _manifiesto(request, draft):
    from .serializers import ManifiestoSerializer

    mex = registry.get("MEX")
    oce = request.oce
    if not mex.may_file(oce.registration.oce_type):
        messages.error(request, _("Su tipo de OCE no puede transmitir manifiestos de exportación."))
        return redirect("edocs:elaboracion")
    if request.method != "POST":
        initial, rows = {}, []
        content = draft.content if draft else None
        if content is not None:
            payload = services.manifiesto_payload_of(content)
            initial = {k: getattr(content, k) for k in ManifiestoForm.Meta.fields}
            rows = payload["items"]
        form = ManifiestoForm(initial=initial)
        formset = DocumentoFormSet(prefix="docs", initial=rows)
        return _render_manifiesto(request, form, formset)
    data = request.POST.copy()
    if request.POST.get("accion") == "agregar":
        try:
            total = int(data.get("docs-TOTAL_FORMS") or 0)
        except ValueError:
            total = 0
        data["docs-TOTAL_FORMS"] = str(min(max(total, 0) + 1, DocumentoFormSet.absolute_max))
        return _render_manifiesto(
            request, ManifiestoForm(data), DocumentoFormSet(data, prefix="docs")
        )
    form = ManifiestoForm(data)
    formset = DocumentoFormSet(data, prefix="docs")
    if not (form.is_valid() and formset.is_valid()):
        messages.error(request, _("Revise los campos marcados."))
        return _render_manifiesto(request, form, formset)
    operator = oce.registration.operator
    c = form.cleaned_data
    payload = {
        "tipo_documento": "MEX",
        "distrito": c["distrito"],
        "via_transporte": c["via_transporte"],
        "declarante": {"ruc": operator.ruc, "nombre": operator.legal_name, "codigo_oce": oce.code},
        "transportista": {"ruc": c["transportista_ruc"], "nombre": c["transportista_nombre"]},
        "nave_vuelo": c["nave_vuelo"],
        "viaje": c["viaje"],
        "puerto_embarque": c["puerto_embarque"],
        "fecha_salida": c["fecha_salida"].isoformat(),
        "items": [
            {
                "tipo": f.cleaned_data["tipo"],
                "documento": f.cleaned_data["documento"],
                "dae": f.cleaned_data["dae"].strip().upper(),
                "bultos": f.cleaned_data["bultos"],
                "peso_bruto": str(f.cleaned_data["peso_bruto"]),
            }
            for f in formset.kept_forms()
        ],
    }
    serializer = ManifiestoSerializer(data=payload)
    if not serializer.is_valid():
        form.add_error(None, str(serializer.errors))
        return _render_manifiesto(request, form, formset)
    outcome = edocs.submit_payload(
        mex,
        serializer.validated_data,
        raw=payload,
        user=request.user,
        oce=oce,
        channel=Channel.PORTAL,
    )
    if draft is not None:
        edocs.delete_draft(draft)
    messages.success(
        request,
        _("Manifiesto enviado con el número de entrega %(n)s. Estado: Recibido.")
        % {"n": outcome.envio.numero_entrega},
    )
    return redirect(outcome.envio.document.get_absolute_url())


def _render_manifiesto(request, form, formset):
    return render(
        request,
        "exportacion/manifiesto_form.html",
        {"form": form, "formset": formset, "oce": request.oce},
    )


# --- DAE-ANU: solicitud de anulación (1.1) -------------------------------------------------------
@menu_option_required("1.1")
@oce_required
def nueva_anulacion(request):
    from .anulacion import AnulacionSerializer

    doc_type = registry.get("DAE-ANU")
    oce = request.oce
    if not doc_type.may_file(oce.registration.oce_type):
        messages.error(request, _("Su tipo de OCE no puede solicitar la anulación de una DAE."))
        return redirect("edocs:elaboracion")
    form = AnulacionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        payload = {
            "tipo_documento": "DAE-ANU",
            "declaracion": {"numero_documento": form.cleaned_data["dae"].strip().upper()},
            "motivo": form.cleaned_data["motivo"],
        }
        serializer = AnulacionSerializer(data=payload)
        serializer.is_valid(raise_exception=True)
        outcome = edocs.submit_payload(
            doc_type,
            serializer.validated_data,
            raw=payload,
            user=request.user,
            oce=oce,
            channel=Channel.PORTAL,
        )
        messages.success(
            request,
            _("Solicitud enviada con el número de entrega %(n)s. Estado: Recibido.")
            % {"n": outcome.envio.numero_entrega},
        )
        return redirect(outcome.envio.document.get_absolute_url())
    return render(request, "exportacion/anulacion_form.html", {"form": form, "oce": oce})


@menu_option_required("1.1")
@oce_required
def editar_anulacion(request, pk: int):
    """A draft copied from a rejected request: the form starts again (the draft stays in 1.1)."""
    edoc = EDocument.objects.drafts().filter(pk=pk, filer_oce=request.oce, doc_type="DAE-ANU")
    if not edoc.exists():
        raise Http404
    return redirect("exportacion:nueva_anulacion")


# --- regularización (1.3, the DAE's page) ------------------------------------------------------
@oce_required
@require_POST
def regularizar(request, pk: int):
    edoc = document_for(request, pk, sent=True)
    if edoc.doc_type != "DAE":
        raise Http404
    form = RegularizacionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(edoc.get_absolute_url())
    try:
        services.regularizar(
            edoc, form.cleaned_data, user=request.user, oce=request.oce, ip=_ip(request)
        )
    except services.ExportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("DAE regularizada."))
    return redirect(edoc.get_absolute_url())


# --- the depósito temporal (1.14) --------------------------------------------------------------
@menu_option_required(DEPOSITO_OPTION)
@oce_required
def deposito(request):
    qs = services.pendientes_del_deposito(request.oce)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exportacion/deposito.html", {"page": page, "oce": request.oce})


@menu_option_required(DEPOSITO_OPTION)
@oce_required
def deposito_dae(request, pk: int):
    edoc = services.dae_for_deposito(request.oce, pk)
    if edoc is None:
        raise Http404
    dae = edoc.dae
    state = edoc.estado_documento
    step = ""
    if state == S.ACEPTADO and dae.informe_ingreso is None:
        step = "ingreso"
    elif state == S.SALIDA_AUTORIZADA and dae.informe_salida is None:
        step = "salida"
    form = InformeForm(
        request.POST or None,
        initial={"bultos": dae.bultos, "peso_bruto": dae.total_peso_bruto},
    )
    if request.method == "POST" and step:
        if form.is_valid():
            register = (
                services.registrar_ingreso if step == "ingreso" else services.registrar_salida
            )
            try:
                register(
                    edoc, form.cleaned_data, user=request.user, oce=request.oce, ip=_ip(request)
                )
            except services.ExportError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(
                    request,
                    _("Informe de ingreso registrado.")
                    if step == "ingreso"
                    else _("Informe de salida registrado."),
                )
                return redirect("exportacion:deposito_dae", edoc.pk)
        messages.error(request, _("Revise los campos marcados."))
    return render(
        request,
        "exportacion/deposito_dae.html",
        {"edoc": edoc, "dae": dae, "form": form, "step": step, "oce": request.oce},
    )
