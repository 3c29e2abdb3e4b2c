"""3.11.1 Mi página: the user's own dashboard, assembled from the registered blocks.

Every signed-in user has one: with an active OCE the entry's rule applies (``3.11.1``); users
without an OCE (Usuario General, officers) see the blocks that need none (buzón, seguridad).
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from ecuapass.accounts.context import oce_if_held
from ecuapass.portal.permissions import require_option

from .blocks import blocks_for

OPTION = "3.11.1"


@never_cache
@oce_if_held
def inicio(request):
    if request.oce is not None:
        require_option(request.user, request.oce, OPTION)
    return render(
        request, "mipagina/inicio.html", {"blocks": blocks_for(request.user, request.oce)}
    )
