"""Portal interno: 2.11's cargo tabs for SENAE officers, over the distritos they act in."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from ecuapass.officers.access import officer_required
from ecuapass.officers.roles import Role

from . import forms, selectors

READERS = (Role.TECNICO, Role.SUPERVISOR, Role.ANALISTA, Role.ADMIN)
PAGE_SIZE = 25


@officer_required(*READERS)
def consulta(request):
    officer = request.officer
    tab = (
        request.GET.get("tab")
        if request.GET.get("tab") in ("novedades", "llegadas")
        else "novedades"
    )
    form_class = forms.NovedadesForm if tab == "novedades" else forms.LlegadasForm
    searched = "desde" in request.GET
    form = form_class(request.GET if searched else None)
    form.fields["distrito"].choices = [
        (code, label)
        for code, label in form.fields["distrito"].choices
        if code == "" or officer.covers(code)
    ]
    if searched and form.is_valid() and not officer.covers(form.cleaned_data["distrito"]):
        form.add_error("distrito", _("El distrito no está asignado a su usuario."))
    page = None
    if searched and form.is_valid():
        qs = (
            selectors.novedades(None, form.cleaned_data)
            if tab == "novedades"
            else selectors.llegadas(None, form.cleaned_data)
        )
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "carga/interno/consulta.html",
        {"tab": tab, "form": form, "page": page, "query": urlencode(params)},
        status=400 if searched and not form.is_valid() else 200,
    )
