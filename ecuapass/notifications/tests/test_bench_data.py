import pytest

from bench.data_notifications import generate
from ecuapass.accounts.tests.factories import company_with_codes
from ecuapass.notifications.models import Notification, NotificationRead
from ecuapass.notifications.services import unread_count


@pytest.mark.django_db
def test_generate_bulk_creates_notices():
    operator, rep, codes = company_with_codes({"16": 1})
    assert generate(rep, n=1_200, oce_code=codes[0]) == 1_200
    assert Notification.objects.filter(user=rep).count() == 600
    assert Notification.objects.filter(oce_code=codes[0]).count() == 600
    assert NotificationRead.objects.filter(user=rep).count() == 400
    assert unread_count(rep, codes[0]) == 800
