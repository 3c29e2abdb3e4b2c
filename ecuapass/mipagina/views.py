"""3.11.1 Mi página: the user's own dashboard, assembled from the registered blocks."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from ecuapass.portal.permissions import menu_option_required

from .blocks import blocks_for


@never_cache
@menu_option_required("3.11.1")
def inicio(request):
    return render(
        request, "mipagina/inicio.html", {"blocks": blocks_for(request.user, request.oce)}
    )
