"""Consulta de mercancías en abandono tácito/definitivo: operators see their own (1.12),
officers their distritos; filters by estado and fecha; CSV export of the filtered list."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from ecuapass.core.spreadsheets import csv_response
from ecuapass.officers.access import officer_required
from ecuapass.officers.roles import Role
from ecuapass.portal.permissions import menu_option_required

from . import abandono
from .models import Abandono


def _date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _consulta(request, qs, template, base):
    estado = request.GET.get("estado", "")
    desde, hasta = _date(request.GET.get("desde")), _date(request.GET.get("hasta"))
    qs = abandono.filtered(qs, estado=estado, desde=desde, hasta=hasta)
    if request.GET.get("formato") == "csv":
        return csv_response(
            ["declaracion", "carga", "documento_transporte", "operador", "distrito", "causal"]
            + ["desde", "plazo", "estado"],
            (
                [
                    a.edoc.document_number if a.edoc_id else "",
                    a.documento.referencia if a.documento_id else "",
                    a.documento.numero if a.documento_id else "",
                    a.debtor_ruc,
                    a.distrito,
                    a.causal.code,
                    a.started_on.isoformat(),
                    a.cure_until.isoformat(),
                    a.state,
                ]
                for a in qs.iterator()
            ),
            "abandonos",
        )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "page": page,
            "estado": estado,
            "desde": desde,
            "hasta": hasta,
            "estados": Abandono.State.choices,
            "base": base,
        },
    )


@menu_option_required("1.12")
def operador(request):
    return _consulta(
        request, abandono.for_operator(request.oce), "obligaciones/abandonos.html", "base.html"
    )


@never_cache
@officer_required(Role.TECNICO, Role.SUPERVISOR, Role.ADMIN)
def interno(request):
    return _consulta(
        request,
        abandono.for_officer(request.officer),
        "obligaciones/abandonos.html",
        "interno/base.html",
    )
