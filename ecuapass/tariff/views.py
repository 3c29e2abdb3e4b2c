"""Public screens: 2.1.1 Consulta de arancel (search, tree, line page) and Cálculo de tributos."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.decorators.http import require_http_methods

from ecuapass.ops.replica import reads_from_replica

from .codes import CommodityCode
from .forms import CalculationForm, DateForm, ItemFormSet, SearchForm
from .models import Commodity, Section
from .services import ItemInput, TariffError, calculate, line_sheet, search
from .services.lookup import ancestors_map, path_of


@reads_from_replica
def consulta(request):
    """Search box, results with their hierarchy path, and the tree of sections."""
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        code = CommodityCode.try_parse(query)
        if (
            code is not None
            and code.is_line
            and Commodity.objects.filter(code=code.digits).exists()
        ):
            return redirect("tariff:linea", codigo=code.dotted)
        results = _Search(query, request.GET.get("page", "1"))
    context = {"form": form, "results": results}
    if results is None:
        context["sections"] = Section.objects.all()
        context["chapters"] = SimpleLazyObject(_chapters_by_section)
    return render(request, "tariff/consulta.html", context)


class _Search:
    """The search of one query and requested page, run only when consulta.html does not
    already keep its rendering (under the tariff's version, the language, the query and the
    requested page: what the results follow from)."""

    def __init__(self, query: str, page: str):
        self.query = query[:200]  # as ``search`` cuts it
        self.requested_page = str(page)[:20]

    def __bool__(self) -> bool:
        return True

    @cached_property
    def _results(self):
        return search(self.query, self.requested_page)

    def __getattr__(self, name):
        return getattr(self._results, name)


def _chapters_by_section() -> dict[int, list[Commodity]]:
    grouped: dict[int, list[Commodity]] = {}
    for chapter in Commodity.objects.filter(level=2).only(
        "code", "level", "section_id", "description_es", "description_en"
    ):
        grouped.setdefault(chapter.section_id, []).append(chapter)
    return grouped


def seccion(request, roman: str):
    section = get_object_or_404(Section, roman=roman.upper())
    chapters = section.commodities.filter(level=2).order_by("code")
    return render(request, "tariff/seccion.html", {"section": section, "chapters": chapters})


def nodo(request, codigo: str):
    """A chapter, heading or subheading with its children; a 10-digit line with its sheet."""
    code = CommodityCode.try_parse(codigo)
    if code is None:
        raise Http404
    if code.dotted != codigo:
        return redirect("tariff:linea", codigo=code.dotted)
    date_form = DateForm(request.GET or None)
    on = date_form.on()
    if code.is_line:
        sheet = line_sheet(code.digits, on)
        if sheet is None:
            raise Http404
        return render(
            request,
            "tariff/linea.html",
            {"sheet": sheet, "line": sheet.line, "date_form": date_form, "on": on},
        )
    node = get_object_or_404(Commodity.objects.select_related("section"), code=code.digits)
    children = list(node.children.order_by("code"))
    path = path_of(node.code, ancestors_map([node.code]))
    return render(
        request,
        "tariff/nodo.html",
        {"node": node, "children": children, "path": path, "date_form": date_form},
    )


@require_http_methods(["GET", "POST"])
def calculadora(request):
    """Cálculo de tributos: items in, tributes per item with their legal basis out."""
    calculation = None
    error = None
    if request.method == "POST":
        form = CalculationForm(request.POST)
        formset = ItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            rows = [f for f in formset.forms if f.has_changed() and f.cleaned_data]
            items = [
                ItemInput(
                    subpartida=f.cleaned_data["subpartida"] or None,
                    fob=f.cleaned_data["fob"],
                    flete=f.cleaned_data["flete"],
                    seguro=f.cleaned_data["seguro"],
                    cantidad=f.cleaned_data["cantidad"]
                    if f.cleaned_data["cantidad"] is not None
                    else Decimal("1"),
                    tarifa_ad_valorem=f.cleaned_data["tarifa_ad_valorem"],
                    tarifa_ice=f.cleaned_data["tarifa_ice"],
                )
                for f in rows
            ]
            try:
                calculation = calculate(form.cleaned_data["fecha"], items)
            except TariffError as exc:
                if exc.index is not None and exc.index < len(rows):
                    target = rows[exc.index]
                    field = exc.field if exc.field in target.fields else None
                    target.add_error(field, exc.message)
                elif exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                else:
                    error = exc.message
    else:
        form = CalculationForm(initial={"fecha": timezone.localdate()})
        initial = []
        subpartida = CommodityCode.try_parse(request.GET.get("subpartida", ""))
        if subpartida is not None and subpartida.is_line:
            initial = [{"subpartida": subpartida.dotted}]
        formset = ItemFormSet(prefix="items", initial=initial)
    return render(
        request,
        "tariff/calculadora.html",
        {"form": form, "formset": formset, "calculation": calculation, "error": error},
    )
