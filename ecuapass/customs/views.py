"""The DAI editor of 1.1 and the DAI prints. Thin: the work is in services and the engine."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecuapass.accounts.context import oce_required
from ecuapass.core.models import Country, Currency, UnitOfMeasure
from ecuapass.edocs import registry
from ecuapass.edocs import services as edocs
from ecuapass.edocs.access import document_for
from ecuapass.edocs.models import EDocument
from ecuapass.portal.permissions import menu_option_required

from . import excel, prints
from .forms import DaiForm, DaiItemForm, ItemFormSet
from .models import Dai, DaiItem, Impresion
from .services import (
    ITEM_FIELDS,
    AmountOverflow,
    ItemNotFound,
    TooManyItems,
    delete_item,
    dotted_subpartida,
    item_problems,
    save_draft,
    save_item,
)


@menu_option_required("1.1")
@oce_required
def nueva(request):
    dai_type = registry.get("DAI")
    if not dai_type.may_file(request.oce.registration.oce_type):
        messages.error(request, _("Su tipo de OCE no puede elaborar una DAI."))
        return redirect("edocs:elaboracion")
    return _editor(request, None, None)


def _draft(request, pk: int):
    """The OCE's DAI draft ``pk``: (edoc, dai), or a response (404, or the sent document)."""
    edoc = EDocument.objects.filter(pk=pk, filer_oce=request.oce, doc_type="DAI").first()
    if edoc is None:
        raise Http404
    if not edoc.is_draft:
        messages.info(request, _("El documento ya fue enviado: no se puede modificar."))
        return None, redirect(edoc.get_absolute_url())
    return edoc, Dai.objects.filter(edoc=edoc).first()


@menu_option_required("1.1")
@oce_required
def editar(request, pk: int):
    edoc, dai = _draft(request, pk)
    if edoc is None:
        return dai
    return _editor(request, edoc, dai)


def _editor(request, edoc, dai):
    """The header and the actions. The items are changed one at a time (``item``,
    ``eliminar_item``) or replaced by an Excel import: this form never carries the grid."""
    oce = request.oce
    instance = dai or Dai()
    action = request.POST.get("accion", "")
    if request.method != "POST":
        return _render(request, edoc, DaiForm(instance=instance, oce=oce), dai)
    data = request.POST
    form = DaiForm(data, instance=instance, oce=oce, draft=True)
    # The items as a grid (API-shaped rows; the correcciones' screens use the same rows):
    # accepted when posted, never sent by this editor.
    formset = ItemFormSet(data, prefix="items") if "items-TOTAL_FORMS" in data else None
    items = None
    if action == "importar":
        upload = request.FILES.get("archivo")
        if upload is None:
            import_errors = [(0, _("Seleccione el archivo .xlsx de ítems."))]
        else:
            items, import_errors = excel.parse(upload)
        if import_errors:
            return _render(request, edoc, form, dai, import_errors=import_errors)
        formset = None
    if not form.is_valid() or (formset is not None and not formset.is_valid()):
        return _render(request, edoc, form, dai, formset=formset, summary=True)
    if formset is not None:
        items = formset.items()
    complete = action in ("calcular", "enviar")
    full = DaiForm(data, instance=instance, oce=oce, check_rate=True) if complete else None
    if full is not None and not full.is_valid():
        action = "revisar"  # kept as a draft; the complete validation's errors come back
    try:
        saved = save_draft(
            edoc_id=edoc.pk if edoc else None,
            oce=oce,
            user=request.user,
            header=form.header(),
            items=items,
            send=False,
            recompute=action == "calcular",  # "Enviar" recomputes as it submits
        )
        if complete:
            problems = item_problems(saved.dai)
            liq = getattr(saved.dai, "liquidacion", None)
            if action == "revisar" or problems or (liq is not None and liq.error):
                return _render(
                    request,
                    saved.edoc,
                    full,
                    saved.dai,
                    item_errors=problems,
                    summary=True,
                    status=200,
                )
            if action == "enviar":
                saved = save_draft(
                    edoc_id=saved.edoc.pk,
                    oce=oce,
                    user=request.user,
                    header=full.header(),
                    send=True,
                    recompute=False,
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
        return _render(request, edoc, form, dai, formset=formset)
    except AmountOverflow as exc:  # nothing was saved: the amounts come back with the reason
        if action == "importar":
            errors = [(0, message) for _index, message in exc.errors]  # messages name the item
            return _render(request, edoc, form, dai, import_errors=errors)
        rows = formset.kept_forms() if formset is not None else []
        for index, message in exc.errors:
            if index is None or index >= len(rows):
                form.add_error(None, message)
            else:
                rows[index].add_error("fob", message)
        return _render(request, edoc, form, dai, formset=formset, summary=True)
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


ITEMS_PER_PAGE = 50


def _render(
    request,
    edoc,
    form,
    dai,
    *,
    formset=None,
    import_errors=(),
    item_form=None,
    item_numero=None,
    item_errors=(),
    summary=False,
    status=None,
):
    """The editor page: header, one page of items, the item form, the liquidación's totals.

    Its weight does not grow with the items: ``ITEMS_PER_PAGE`` rows, and the catalog fields
    are text inputs whose suggestions come from the cached ``catalogo`` endpoint."""
    from django.core.paginator import Paginator

    liq = getattr(dai, "liquidacion", None) if dai and dai.pk else None
    rows = (
        DaiItem.objects.filter(dai=dai).order_by("numero")
        if dai and dai.pk
        else DaiItem.objects.none()
    )
    numero = item_numero or _int(request.GET.get("item"))
    page_number = request.GET.get("pagina")
    if numero and not page_number:
        page_number = (numero - 1) // ITEMS_PER_PAGE + 1
    page = Paginator(rows, ITEMS_PER_PAGE).get_page(page_number)
    editing = None
    if item_form is None and dai and dai.pk:
        if numero:
            editing = DaiItem.objects.filter(dai=dai, numero=numero).first()
        if editing is None:
            item_form = _item_form()
        else:  # the saved item under the complete validation: each error beside its field
            values = {f"item-{name}": getattr(editing, name) for name in ITEM_FIELDS}
            values["item-subpartida"] = dotted_subpartida(editing.subpartida)
            item_form = DaiItemForm(values, prefix="item", instance=editing)
            item_form.is_valid()
    elif item_form is not None and numero:
        editing = DaiItem.objects.filter(dai=dai, numero=numero).first()
    errors = _error_summary(form, formset, item_errors, liq, import_errors) if summary else []
    response = render(
        request,
        "customs/dai_form.html",
        {
            "edoc": edoc,
            "dai": dai,
            "form": form,
            "formset": formset,
            "liq": liq,
            "page": page,
            "item_form": item_form,
            "editing": editing,
            "item_errors": {n: m for n, _f, m in item_errors if n},
            "errors": errors,
            "import_errors": import_errors,
            "oce": request.oce,
        },
        status=status or (200),
    )
    return response


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


def _error_summary(form, formset, item_errors, liq, import_errors) -> list[tuple[str, str]]:
    """Every error of the page as (link to the field, message) for the list at the top."""
    errors = []
    for name, messages_ in form.errors.items():
        if name == "__all__":
            errors += [("#dai-form", m) for m in messages_]
            continue
        label = form.fields[name].label if name in form.fields else name
        errors += [(f"#id_{name}", f"{label}: {m}") for m in messages_]
    if formset is not None:
        errors += [("#items-grid", m) for m in formset.non_form_errors()]
        for index, row in enumerate(formset.forms):
            for name, messages_ in row.errors.items():
                label = row.fields[name].label if name in row.fields else name
                target = f"#id_items-{index}-{name}" if name != "__all__" else "#items-grid"
                errors += [
                    (
                        target,
                        _("Ítem %(n)d — %(campo)s: %(m)s")
                        % {"n": index + 1, "campo": label, "m": m},
                    )
                    for m in messages_
                ]
    item_labels = {name: DaiItem._meta.get_field(name).verbose_name for name in ITEM_FIELDS}
    for numero, field, message in item_errors:
        if numero is None:
            errors.append(("#seccion-items", message))
        else:
            errors.append(
                (
                    f"?item={numero}#id_item-{field}",
                    _("Ítem %(n)d — %(campo)s: %(m)s")
                    % {"n": numero, "campo": item_labels.get(field, field), "m": message},
                )
            )
    if liq is not None and liq.error:
        where = (liq.detalle or {}).get("error") or {}
        if where.get("item"):
            errors.append(
                (f"?item={where['item']}#id_item-{where.get('campo') or 'subpartida'}", liq.error)
            )
        else:
            errors.append(("#liquidacion", liq.error))
    return errors


def _item_form(*args, **kwargs):
    return DaiItemForm(*args, prefix="item", draft=True, **kwargs)


@require_POST
@menu_option_required("1.1")
@oce_required
def item(request, pk: int, numero: int | None = None):
    """Add an item (``numero`` None) or save item ``numero``: one item, validated and saved
    on its own; the totals and the liquidación are recomputed by the server."""
    edoc, dai = _draft(request, pk)
    if edoc is None:
        return dai
    if dai is None:
        raise Http404
    form = _item_form(request.POST)
    if not form.is_valid():
        return _render(
            request,
            edoc,
            DaiForm(instance=dai, oce=request.oce),
            dai,
            item_form=form,
            item_numero=numero,
            status=200,
        )
    values = {name: form.cleaned_data[name] for name in ITEM_FIELDS}
    try:
        saved = save_item(
            edoc_id=edoc.pk, oce=request.oce, user=request.user, values=values, numero=numero
        )
    except ItemNotFound:
        raise Http404 from None
    except TooManyItems as exc:
        form.add_error(None, _("Una DAI tiene como máximo %(n)d ítems.") % {"n": exc.limit})
        return _render(request, edoc, DaiForm(instance=dai, oce=request.oce), dai, item_form=form)
    except edocs.AlreadySent as exc:
        messages.error(request, str(exc))
        return redirect(exc.edoc.get_absolute_url())
    except AmountOverflow as exc:
        for _index, message in exc.errors:
            form.add_error("fob" if _index is not None else None, message)
        return _render(
            request,
            edoc,
            DaiForm(instance=dai, oce=request.oce),
            dai,
            item_form=form,
            item_numero=numero,
        )
    if numero is None:
        messages.success(request, _("Ítem %(n)d agregado.") % {"n": saved.numero})
        page = (saved.numero - 1) // ITEMS_PER_PAGE + 1
        return redirect(f"{_editor_url(edoc)}?pagina={page}#item-{saved.numero}")
    messages.success(request, _("Ítem %(n)d guardado.") % {"n": saved.numero})
    page = (saved.numero - 1) // ITEMS_PER_PAGE + 1
    return redirect(f"{_editor_url(edoc)}?pagina={page}#item-{saved.numero}")


@require_POST
@menu_option_required("1.1")
@oce_required
def eliminar_item(request, pk: int, numero: int):
    edoc, dai = _draft(request, pk)
    if edoc is None:
        return dai
    try:
        delete_item(edoc_id=edoc.pk, oce=request.oce, user=request.user, numero=numero)
    except ItemNotFound:  # e.g. removed meanwhile from another tab
        messages.info(request, _("El ítem %(n)d no existe en el borrador.") % {"n": numero})
        return redirect(f"{_editor_url(edoc)}#seccion-items")
    except edocs.AlreadySent as exc:
        messages.error(request, str(exc))
        return redirect(exc.edoc.get_absolute_url())
    messages.success(request, _("Ítem %(n)d eliminado.") % {"n": numero})
    page = max((numero - 2) // ITEMS_PER_PAGE + 1, 1)
    return redirect(f"{_editor_url(edoc)}?pagina={page}#seccion-items")


CATALOGS = {"paises": Country, "unidades": UnitOfMeasure, "monedas": Currency}
CATALOG_SECONDS = 3600


@menu_option_required("1.1")
@oce_required
def catalogo(request, nombre: str):
    """A catalog's active codes and names (the language of the session) for the typeahead
    inputs: built once per language and kept in the cache; the browser keeps it an hour."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    model = CATALOGS.get(nombre)
    if model is None:
        raise Http404
    language = (get_language() or "es")[:2]
    key = f"customs:catalogo:{nombre}:{language}"
    body = cache.get(key)
    if body is None:
        english = language == "en"
        rows = (
            model.objects.filter(active=True)
            .order_by("code")
            .values_list("code", "name", "name_en")
        )
        body = json.dumps(
            [[code, (name_en if english and name_en else name)] for code, name, name_en in rows],
            ensure_ascii=False,
        )
        cache.set(key, body, CATALOG_SECONDS)
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = f"private, max-age={CATALOG_SECONDS}"
    return response


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
