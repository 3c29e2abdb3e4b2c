"""Notices stored as kind + parameters and rendered in the reader's language when read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from ecuapass.accounts.tests.factories import company_with_codes, login
from ecuapass.notifications.models import Category, Notification
from ecuapass.notifications.services import notify

pytestmark = pytest.mark.django_db

ACEPTADA = gettext_lazy("%(doc)s ACEPTADA - %(num)s")  # English: "%(doc)s ACCEPTED - %(num)s"
# A template that exists in the catalog, with an amount, a date and a translated label.
BODY = "Total %(total)s al %(dia)s (%(estado)s)."


@pytest.fixture
def rep_and_code():
    _operator, rep, codes = company_with_codes({"16": 1})
    return rep, codes[0]


def _notice(rep, **extra):
    return notify(
        sender="SENAE",
        subject=ACEPTADA,
        body=BODY,
        params={
            "doc": "DAI",
            "num": "028-2026-10-00000001",
            "total": Decimal("47860.00"),
            "dia": dt.date(2026, 3, 1),
            "estado": gettext_lazy("Aceptado"),
        },
        kind="edoc.aceptado",
        category=Category.EDOC,
        user=rep,
        **extra,
    )


def test_stored_as_kind_and_parameters_with_the_spanish_text_alongside(rep_and_code):
    rep, _code = rep_and_code
    with translation.override("en"):  # written while an English user acts
        notice = _notice(rep)
    notice.refresh_from_db()
    assert notice.kind == "edoc.aceptado"
    assert notice.message["subject"] == "%(doc)s ACEPTADA - %(num)s"
    assert notice.message["params"]["total"] == {"$d": "47860.00"}
    assert notice.message["params"]["estado"] == {"$t": "Aceptado"}
    # The stored text (search by asunto, e-mail) is Spanish whoever triggered it.
    assert notice.subject == "DAI ACEPTADA - 028-2026-10-00000001"
    assert notice.body == "Total 47.860,00 al 01/03/2026 (Aceptado)."


def test_rendered_in_the_readers_language(rep_and_code):
    rep, _code = rep_and_code
    notice = Notification.objects.get(pk=_notice(rep).pk)
    with translation.override("es"):
        assert notice.display_subject == "DAI ACEPTADA - 028-2026-10-00000001"
        assert notice.display_body == "Total 47.860,00 al 01/03/2026 (Aceptado)."
    with translation.override("en"):
        assert notice.display_subject == "DAI ACCEPTED - 028-2026-10-00000001"
        assert notice.display_body == "Total 47,860.00 al 01/03/2026 (Accepted)."


def test_plain_text_notices_still_work(rep_and_code):
    rep, _code = rep_and_code
    notice = notify(sender="SENAE", subject="Hola", body="Texto", category="otro", user=rep)
    notice.refresh_from_db()
    assert notice.kind == "" and notice.message == {}
    with translation.override("en"):
        assert (notice.display_subject, notice.display_body) == ("Hola", "Texto")


def test_a_broken_template_falls_back_to_the_stored_text(rep_and_code):
    rep, _code = rep_and_code
    notice = _notice(rep)
    notice.message["subject"] = "%(falta)s"
    assert notice.display_subject == notice.subject


def test_category_shows_its_label_and_old_codes_are_mapped(rep_and_code):
    rep, _code = rep_and_code
    notice = notify(sender="SENAE", subject="s", body="b", category="edocs", user=rep)
    assert notice.category == "edoc"
    with translation.override("es"):
        assert notice.category_label == "e-Doc"
    legacy = Notification.objects.filter(pk=notice.pk)
    legacy.update(category="edocs")  # as written before the alias existed
    assert legacy.get().category_label == "e-Doc"


def test_inbox_and_message_render_for_the_reader_and_link_the_document(client, rep_and_code):
    rep, code = rep_and_code
    notice = _notice(rep)
    Notification.objects.filter(pk=notice.pk).update(
        related_url="/edocs/documento/1/", related_label="DAI 028-2026-10-00000001"
    )
    login(client, rep, code)
    client.cookies["django_language"] = "en"
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "DAI ACCEPTED - 028-2026-10-00000001" in inbox
    assert 'href="/edocs/documento/1/"' in inbox
    page = client.get(reverse("notifications:detail", args=[notice.pk])).content.decode()
    assert "Total 47,860.00 al 01/03/2026 (Accepted)." in page
    assert 'data-testid="notice-document"' in page and 'href="/edocs/documento/1/"' in page
    assert "e-Doc" in page and ">edoc<" not in page
    client.cookies["django_language"] = "es"
    page = client.get(reverse("notifications:detail", args=[notice.pk])).content.decode()
    assert "DAI ACEPTADA - 028-2026-10-00000001" in page
    assert "Total 47.860,00 al 01/03/2026 (Aceptado)." in page


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_notice_is_stored_with_one_switch_to_spanish_at_most(
    rep_and_code, language_switches, language
):
    """pack and the Spanish subject and body share one switch of the active language (a
    worker's batch writes thousands: each switch activates a catalog and a context variable)."""
    rep, _code = rep_and_code
    with language_switches.real(language):
        notice = _notice(rep)
        assert translation.get_language() == language  # given back
    assert language_switches.seen == ["es"]
    assert notice.subject == "DAI ACEPTADA - 028-2026-10-00000001"
    assert notice.body == "Total 47.860,00 al 01/03/2026 (Aceptado)."
    assert notice.message["params"]["estado"] == {"$t": "Aceptado"}
