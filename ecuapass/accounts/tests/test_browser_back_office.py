"""The demo funcionario opens the back office: password, then its TOTP code, then the admin."""

from __future__ import annotations

import pytest
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecuapass.officers.second_factor import current_code
from ecuapass.officers.tests.test_demo_data import load_officers_demo


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_demo_funcionario_reaches_the_back_office_with_totp(live_server, page, artifacts_dir):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data as portal_reference

    load_officers_demo()
    portal_reference.load(LoadReport(write=lambda s: None))
    page.goto(f"{live_server.url}/{settings.ADMIN_URL}")
    page.get_by_label("RUC").fill("0968562020001")
    page.get_by_label("ID Usuario").fill("funcionario")
    page.get_by_label("Contraseña").fill("Senae.Admin.2026")
    page.get_by_role("button", name="Iniciar Sesión").click()
    # A password alone does not open the back office: the OTP step comes first.
    page.get_by_role("heading", name="Verificación en dos pasos").wait_for()
    assert f"/{settings.ADMIN_URL}" not in page.url
    code = current_code(TOTPDevice.objects.get(user__username="funcionario"))
    page.get_by_label("Código de verificación").fill(code)
    page.get_by_role("button", name="Verificar").click()
    page.get_by_role("link", name="ECUAPASS — back office").wait_for()
    assert page.url.endswith(f"/{settings.ADMIN_URL}")
    page.screenshot(path=str(artifacts_dir / "back-office-funcionario.png"), full_page=True)
