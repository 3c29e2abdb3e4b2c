"""The demo's notices describe only what the demo data holds."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from ecuapass.core.loading import LoadReport
from ecuapass.notifications import demo_data
from ecuapass.notifications.models import Notification
from tests.support.world import load_catalogs

pytestmark = pytest.mark.django_db

# A DAI/DAE number (028-2026-10-00012345) or a número de entrega (…202600000012S).
DOCUMENT = re.compile(r"\b\d{3}-\d{4}-\d{2}-\d{8}\b|\b\d{20}[PS]\b")
NEVER_HAPPENED = ("aforo físico", "garantía", "IMDT", "abandono", "liquidación", "canal de aforo")


def _load():
    from ecuapass.accounts import demo_data as accounts_demo

    load_catalogs()  # the tipos de OCE the demo operators register under
    report = LoadReport(write=lambda s: None)
    accounts_demo.load(report)
    demo_data.load(report)


def test_no_demo_notice_about_documents_or_events_the_demo_never_had():
    _load()
    notices = list(Notification.objects.all())
    assert len(notices) >= 10
    for n in notices:
        text = f"{n.subject}\n{n.body}"
        assert not DOCUMENT.search(text), text
        for words in NEVER_HAPPENED:
            assert words.lower() not in text.lower(), text


def test_loading_again_removes_the_notices_earlier_versions_invented():
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.accounts.models import OceCode

    load_catalogs()
    accounts_demo.load(LoadReport(write=lambda s: None))
    hours, subject = demo_data.RETIRED[0]
    base = timezone.make_aware(demo_data.BASE)
    Notification.objects.create(
        sender="SENAE",
        subject=subject,
        body="…",
        oce_code=OceCode.objects.get(code="29000001"),
        created_on=base - timedelta(hours=hours),
    )
    demo_data.load(LoadReport(write=lambda s: None))
    assert not Notification.objects.filter(subject=subject).exists()
