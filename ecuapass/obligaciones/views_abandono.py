"""Consulta de mercancías en abandono tácito/definitivo: operators see their own (1.12),
officers their distritos; filters by estado and fecha; CSV export of the filtered list."""

from __future__ import annotations

import csv
from datetime import date

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

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
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="abandonos.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["declaracion", "operador", "distrito", "causal", "desde", "plazo", "estado"]
        )
        for a in qs.iterator():
            writer.writerow(
                [
                    a.edoc.document_number,
                    a.debtor_ruc,
                    a.distrito,
                    a.causal.code,
                    a.started_on.isoformat(),
                    a.cure_until.isoformat(),
                    a.state,
                ]
            )
        return response
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
