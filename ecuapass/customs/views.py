"""The DAI editor of 1.1 and the DAI prints. Thin: the work is in services and the engine."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ecuapass.accounts.context import oce_required
from ecuapass.edocs import registry
from ecuapass.edocs import services as edocs
from ecuapass.edocs.access import document_for
from ecuapass.edocs.models import EDocument
from ecuapass.portal.permissions import menu_option_required

from . import excel, prints
from .forms import DaiForm, ItemFormSet, item_initial
from .models import Dai, Impresion
from .services import AmountOverflow, save_draft


@menu_option_required("1.1")
@oce_required
def nueva(request):
    dai_type = registry.get("DAI")
    if not dai_type.may_file(request.oce.registration.oce_type):
        messages.error(request, _("Su tipo de OCE no puede elaborar una DAI."))
        return redirect("edocs:elaboracion")
    return _editor(request, None, None)


@menu_option_required("1.1")
@oce_required
def editar(request, pk: int):
    edoc = EDocument.objects.filter(pk=pk, filer_oce=request.oce, doc_type="DAI").first()
    if edoc is None:
        raise Http404
    if not edoc.is_draft:
        messages.info(request, _("El documento ya fue enviado: no se puede modificar."))
        return redirect(edoc.get_absolute_url())
    return _editor(request, edoc, Dai.objects.filter(edoc=edoc).first())


def _editor(request, edoc, dai):
    oce = request.oce
    instance = dai or Dai()
    action = request.POST.get("accion", "")
    if request.method != "POST":
        form = DaiForm(instance=instance, oce=oce)
        formset = ItemFormSet(prefix="items", initial=item_initial(dai))
        return _render(request, edoc, form, formset, dai)
    data = request.POST.copy()
    if action == "agregar":
        key = "items-TOTAL_FORMS"
        try:
            total = int(data.get(key) or 0)
        except ValueError:
            total = 0  # forged management form: the formset reports it
        data[key] = str(min(max(total, 0) + 1, ItemFormSet.absolute_max))
    form = DaiForm(data, instance=instance, oce=oce)
    formset = ItemFormSet(data, prefix="items")
    if action == "agregar":
        return _render(request, edoc, form, formset, dai)
    if action == "importar":
        upload = request.FILES.get("archivo")
        if upload is None:
            import_errors = [(0, _("Seleccione el archivo .xlsx de ítems."))]
        else:
            items, import_errors = excel.parse(upload)
        if import_errors:
            return _render(request, edoc, form, formset, dai, import_errors=import_errors)
        if not form.is_valid():
            messages.error(request, _("Complete la cabecera antes de importar los ítems."))
            return _render(request, edoc, form, formset, dai)
    elif form.is_valid() and formset.is_valid():
        items = formset.items()
    else:
        messages.error(request, _("Revise los campos marcados."))
        return _render(request, edoc, form, formset, dai)
    try:
        saved = save_draft(
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
                "El documento ya fue enviado con el número de entrega %(n)s: "
                "no se guardaron los cambios."
            )
            % {"n": exc.edoc.numero_entrega},
        )
        return redirect(exc.edoc.get_absolute_url())
    except edocs.EdocError as exc:
        messages.error(request, str(exc))
        return _render(request, edoc, form, formset, dai)
    except AmountOverflow as exc:  # nothing was saved: the amounts come back with the reason
        if action == "importar":
            errors = [(0, message) for _index, message in exc.errors]  # messages name the item
            return _render(request, edoc, form, formset, dai, import_errors=errors)
        rows = formset.kept_forms()
        for index, message in exc.errors:
            if index is None:
                form.add_error(None, message)
            else:
                rows[index].add_error("fob", message)
        messages.error(request, _("Revise los campos marcados."))
        return _render(request, edoc, form, formset, dai)
    if saved.envio is not None:
        messages.success(
            request,
            _("DAI enviada con el número de entrega %(n)s. Estado: Recibido.")
            % {"n": saved.envio.numero_entrega},
        )
        return redirect(saved.edoc.get_absolute_url())
    if action == "importar":
        messages.success(request, _("Se importaron %(n)d ítems.") % {"n": len(items)})
    elif action == "calcular":
        messages.success(request, _("Cálculo de tributos actualizado."))
        return redirect(f"{_editor_url(saved.edoc)}#liquidacion")
    else:
        messages.success(request, _("Borrador guardado (Guardar temporal)."))
    return redirect("customs:editar", saved.edoc.pk)


def _editor_url(edoc):
    from django.urls import reverse

    return reverse("customs:editar", args=[edoc.pk])


def _render(request, edoc, form, formset, dai, import_errors=()):
    liq = getattr(dai, "liquidacion", None) if dai else None
    items = list(dai.items.order_by("numero")) if dai else []
    return render(
        request,
        "customs/dai_form.html",
        {
            "edoc": edoc,
            "dai": dai,
            "form": form,
            "formset": formset,
            "liq": liq,
            "liq_items": items,
            "import_errors": import_errors,
            "oce": request.oce,
        },
    )


@menu_option_required("1.1")
@oce_required
def plantilla_items(request):
    response = HttpResponse(excel.template_bytes(), content_type=excel.XLSX)
    response["Content-Disposition"] = 'attachment; filename="plantilla-items-dai.xlsx"'
    return response


@oce_required
def exportar_items(request, pk: int):
    edoc = document_for(request, pk)
    dai = get_object_or_404(Dai, edoc=edoc)
    response = HttpResponse(excel.export_bytes(dai), content_type=excel.XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="items-{edoc.numero_entrega or edoc.pk}.xlsx"'
    )
    return response


def _print(request, pk: int, tipo: str):
    """A print of the DAI: rendered here when small; otherwise the worker's file when ready,
    else a "Generando…" page that reloads itself (no request waits for a large layout)."""
    edoc = document_for(request, pk)
    dai = get_object_or_404(Dai.objects.select_related("liquidacion"), edoc=edoc)
    name = prints.filename(tipo, edoc)
    if not prints.in_background(dai):
        return _pdf_response(prints.render_pdf(tipo, edoc, dai), name)
    impresion = prints.request_print(edoc, dai, tipo, retry="reintentar" in request.GET)
    if impresion.estado == Impresion.Estado.LISTA:
        response = FileResponse(impresion.archivo.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response
    response = render(
        request,
        "customs/impresion.html",
        {"edoc": edoc, "impresion": impresion, "items": dai.numero_items},
        status=202 if impresion.estado == Impresion.Estado.PENDIENTE else 200,
    )
    if impresion.estado == Impresion.Estado.PENDIENTE:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


REFRESH_SECONDS = 3


def _pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@oce_required
def dai_pdf(request, pk: int):
    return _print(request, pk, Impresion.Tipo.DAI)


@oce_required
def liquidacion_pdf(request, pk: int):
    return _print(request, pk, Impresion.Tipo.LIQUIDACION)
