"""Menu as data, filtered by OCE type and grant; the 403 page; breadcrumb; Mi menú; main screen."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.views import View

from ecuapass.accounts.models import User
from ecuapass.accounts.tests.factories import (
    GrantFactory,
    UserFactory,
    company_with_codes,
    login,
    oce_type,
)
from ecuapass.core.loading import LoadReport
from ecuapass.notifications.models import Notification
from ecuapass.portal.menu import PortalFrame
from ecuapass.portal.models import Access, Favourite, GrantedOption, MenuEntry
from ecuapass.portal.permissions import (
    MenuOptionRequiredMixin,
    menu_option_required,
    user_has_option,
)

pytestmark = pytest.mark.django_db


def entry(number, url_name, access=Access.GRANT, types=(), available=True, group="tramites"):
    e = MenuEntry.objects.create(
        number=number,
        label=f"Opción {number}",
        group=group,
        url_name=url_name,
        access=access,
        available=available,
    )
    e.oce_types.set([oce_type(t) for t in types])
    return e


@pytest.fixture
def world():
    operator, rep, codes = company_with_codes({"16": 1, "07": 1})
    employee = UserFactory(operator=operator, kind=User.Kind.EMPLEADO, username="emp")
    grant = GrantFactory(user=employee, oce_code=codes[0])
    entries = {
        "granted": entry("9.1", "notifications:inbox"),
        "not_granted": entry("9.2", "portal:guide"),
        "importers": entry("9.3", "portal:home", access=Access.OCE, types=["16"]),
        "rep_only": entry("9.4", "accounts:change_oce", access=Access.REPRESENTATIVE),
        "public": entry("9.5", "accounts:keepalive", access=Access.PUBLIC, group="informativos"),
        "unavailable": entry("9.6", "accounts:logout", available=False),
        "no_screen": entry("9.7", "edocs:no_existe_aun"),
    }
    GrantedOption.objects.create(grant=grant, entry=entries["granted"])
    return operator, rep, employee, codes, grant, entries


def visible_numbers(user, oce):
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}
    request._active_oce = oce
    return [e.number for e in PortalFrame(request).visible]


def test_menu_filtered_by_type_and_grant(world):
    operator, rep, employee, codes, grant, entries = world
    assert visible_numbers(rep, codes[0]) == ["9.1", "9.2", "9.3", "9.4", "9.5"]
    assert visible_numbers(rep, codes[1]) == ["9.1", "9.2", "9.4", "9.5"]  # 9.3 is for type 16
    assert visible_numbers(employee, codes[0]) == ["9.1", "9.3", "9.5"]
    grant.all_options = True
    grant.save()
    assert visible_numbers(employee, codes[0]) == ["9.1", "9.2", "9.3", "9.5"]


def test_anonymous_sees_public_entries_only(world):
    from django.contrib.auth.models import AnonymousUser

    assert visible_numbers(AnonymousUser(), None) == ["9.5"]


def test_user_has_option(world):
    operator, rep, employee, codes, grant, entries = world
    assert user_has_option(employee, codes[0], "9.1")
    assert not user_has_option(employee, codes[0], "9.2")
    assert not user_has_option(employee, codes[0], "9.4")
    assert user_has_option(rep, codes[0], "9.4")
    assert not user_has_option(rep, codes[0], "99.99")
    other_operator, other_rep, other_codes = company_with_codes({"16": 1})
    assert not user_has_option(other_rep, codes[0], "9.4")  # not the owner's representative


def test_rules_fall_back_to_the_shipped_menu_before_it_is_loaded():
    operator, rep, codes = company_with_codes({"16": 1})
    assert not MenuEntry.objects.exists()
    assert user_has_option(rep, codes[0], "1.3")
    assert user_has_option(rep, codes[0], "1.11")
    operator2, rep2, codes2 = company_with_codes({"04": 1})
    assert not user_has_option(rep2, codes2[0], "1.11")  # 1.11 is for types 16 and 01


@menu_option_required("9.1")
def granted_view(request):
    return HttpResponse(f"ok {request.oce.code}")


@menu_option_required("9.2")
def other_view(request):
    return HttpResponse("ok")


class GrantedCBV(MenuOptionRequiredMixin, View):
    menu_option = "9.2"

    def get(self, request):
        return HttpResponse("ok")


def _request(user, oce=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/x/")
    request.user = user or AnonymousUser()
    request.session = {}
    if oce is not None:
        request._active_oce = oce
    return request


def test_menu_option_required_decorator_and_mixin(world):
    operator, rep, employee, codes, grant, entries = world
    response = granted_view(_request(None))
    assert response.status_code == 302 and "/ingresar/" in response["Location"]
    response = granted_view(_request(employee))
    assert response["Location"] == reverse("accounts:select_type")
    assert granted_view(_request(employee, codes[0])).content == f"ok {codes[0].code}".encode()
    with pytest.raises(PermissionDenied):
        other_view(_request(employee, codes[0]))
    with pytest.raises(PermissionDenied):
        GrantedCBV.as_view()(_request(employee, codes[0]))
    assert GrantedCBV.as_view()(_request(rep, codes[0])).status_code == 200


def test_not_granted_screen_is_a_403_with_the_message(client, world, settings):
    operator, rep, employee, codes, grant, entries = world
    settings.DEBUG = False
    login(client, employee, codes[0])
    from ecuapass.core.views import error_403

    request = _request(employee, codes[0])
    with pytest.raises(PermissionDenied) as exc:
        other_view(request)
    response = error_403(request, exc.value)
    assert response.status_code == 403
    assert "No está asignado el permiso al usuario." in response.content.decode()


def test_breadcrumb_and_star_come_from_the_menu_entry(client, world):
    operator, rep, employee, codes, grant, entries = world
    login(client, employee, codes[0])
    html = client.get(reverse("notifications:inbox")).content.decode()
    # notifications:inbox is menu entry 9.1 here: the star is offered.
    assert f'name="entry" value="{entries["granted"].pk}"' in html
    client.post(reverse("portal:favourite_toggle"), {"entry": entries["granted"].pk})
    response = client.get(reverse("portal:group", args=["tramites"]))
    html = response.content.decode()
    assert "9.1 Opción 9.1" in html and "Opción 9.2" not in html


def test_breadcrumb_default_block(rf, world):
    from django.template import Context, Template

    operator, rep, employee, codes, grant, entries = world
    from django.urls import resolve

    request = _request(employee, codes[0])
    request.resolver_match = resolve(reverse("notifications:inbox"))
    html = Template('{% include "partials/breadcrumb.html" %}').render(
        Context({"frame": PortalFrame(request)})
    )
    assert "Trámites Operativos" in html and "9.1 Opción 9.1" in html


def test_mi_menu_add_reorder_remove(client, world):
    operator, rep, employee, codes, grant, entries = world
    login(client, rep, codes[0])
    url = reverse("portal:favourite_toggle")
    for key in ("granted", "not_granted", "importers"):
        response = client.post(url, {"entry": entries[key].pk, "next": "/buzon/"})
        assert response["Location"] == "/buzon/"
    favs = list(Favourite.objects.filter(user=rep).values_list("entry__number", flat=True))
    assert favs == ["9.1", "9.2", "9.3"]
    third = Favourite.objects.get(user=rep, entry=entries["importers"])
    client.post(reverse("portal:favourite_move", args=[third.pk]), {"direction": "up"})
    favs = list(Favourite.objects.filter(user=rep).values_list("entry__number", flat=True))
    assert favs == ["9.1", "9.3", "9.2"]
    client.post(reverse("portal:favourite_remove", args=[third.pk]))
    favs = list(Favourite.objects.filter(user=rep).values_list("entry__number", flat=True))
    assert favs == ["9.1", "9.2"]
    # The bar is on every screen.
    html = client.get(reverse("portal:home")).content.decode()
    assert "Mi menú" in html and 'title="9.2 Opción 9.2"' in html
    # Toggling again removes it.
    client.post(url, {"entry": entries["granted"].pk})
    assert not Favourite.objects.filter(user=rep, entry=entries["granted"]).exists()


def test_mi_menu_refuses_entries_not_visible_and_others_favourites(client, world):
    operator, rep, employee, codes, grant, entries = world
    login(client, employee, codes[0])
    assert (
        client.post(
            reverse("portal:favourite_toggle"), {"entry": entries["not_granted"].pk}
        ).status_code
        == 404
    )
    assert client.post(reverse("portal:favourite_toggle"), {"entry": "x"}).status_code == 404
    fav = Favourite.objects.create(user=rep, entry=entries["granted"], position=1)
    client.post(reverse("portal:favourite_remove", args=[fav.pk]))
    assert Favourite.objects.filter(pk=fav.pk).exists()


def test_main_screen_has_buzon_and_four_menus_without_n_plus_one(
    client, world, django_assert_max_num_queries
):
    operator, rep, employee, codes, grant, entries = world
    for i in range(30):
        Notification.objects.create(
            user=rep, sender="SENAE", subject=f"Aviso {i}", body="", category="otro"
        )
        Notification.objects.create(
            oce_code=codes[0], sender="SISTEMA", subject=f"OCE {i}", body="", category="otro"
        )
    for e in entries.values():
        Favourite.objects.create(user=rep, entry=e, position=e.pk)
    login(client, rep, codes[0])
    client.get(reverse("portal:home"))  # warm caches (content types, session)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("portal:home"))
    html = response.content.decode()
    for label in (
        "Trámites Operativos",
        "Servicios Informativos",
        "Soporte al Cliente",
        "Ventanilla Única",
        "Notificaciones electrónicas",
        "Consultar",
        "Buzón Electrónico",
        "Cerrar sesión",
        "Guía del uso",
        "Cambiar OCE",
        codes[0].code,
    ):
        assert label in html, label
    # The page is kept whole (portal.fragments.render_page): the latest ten, in its HTML.
    assert len(re.findall(r">(?:Aviso|OCE) \d+<", html)) == 10


def test_guide_is_public(client):
    html = client.get(reverse("portal:guide")).content.decode()
    assert "Tipo de OCE" in html and "Ingresar" in html and "Cerrar sesión" in html


def test_group_page_unknown_is_404(client, world):
    operator, rep, employee, codes, grant, entries = world
    login(client, rep, codes[0])
    assert client.get(reverse("portal:group", args=["nada"])).status_code == 404


def test_reference_menu_loads_every_named_entry():
    from ecuapass.core.reference_data import load as load_core
    from ecuapass.portal.reference_data import load

    report = LoadReport(write=lambda s: None)
    load_core(report)
    load(report)
    load(report)  # idempotent
    numbers = set(MenuEntry.objects.values_list("number", flat=True))
    assert {"1.1", "1.3", "1.6", "1.11", "2.1.1", "2.11", "3.2.3", "3.2.4", "3.11.1"} <= numbers
    assert MenuEntry.objects.get(number="1.11").oce_types.count() == 2
    assert [e.number for e in MenuEntry.objects.filter(number__in=["1.11", "1.3", "1.6"])] == [
        "1.3",
        "1.6",
        "1.11",
    ]
    # Entries without a screen never show.
    operator, rep, codes = company_with_codes({"16": 1})
    shown = visible_numbers(rep, codes[0])
    assert "1.6" not in shown  # 1.11 and 3.11.1 have screens now
