"""The demo aforador signs in with password and TOTP code and reaches the portal interno."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecuapass.officers.second_factor import current_code

from .test_demo_data import load_officers_demo


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_demo_aforador_signs_in_with_totp(live_server, page, artifacts_dir):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data as portal_reference

    load_officers_demo()
    portal_reference.load(LoadReport(write=lambda s: None))
    page.goto(live_server.url + "/interno/")
    page.get_by_label("RUC").fill("0968562020001")
    page.get_by_label("ID Usuario").fill("aforador")
    page.get_by_label("Contraseña").fill("Aforador.Demo.2026")
    page.get_by_role("button", name="Iniciar Sesión").click()
    # The OTP step, not the Tipo de OCE step.
    page.get_by_role("heading", name="Verificación en dos pasos").wait_for()
    page.get_by_label("Código de verificación").fill("000000")
    page.get_by_role("button", name="Verificar").click()
    page.get_by_text("El código de verificación no es correcto.").wait_for()
    page.wait_for_timeout(1100)  # django-otp's wait after a wrong code (1 s)
    code = current_code(TOTPDevice.objects.get(user__username="aforador"))
    page.get_by_label("Código de verificación").fill(code)
    page.get_by_role("button", name="Verificar").click()
    # The portal interno, where the login was headed.
    page.get_by_role("heading", name="Bienvenido(a), Diego Salazar Mendoza").wait_for()
    assert "Técnico operador / aforador" in page.locator("[data-testid=officer-roles]").inner_text()
    assert (
        "028 - Guayaquil Marítimo" in page.locator("[data-testid=officer-distritos]").inner_text()
    )
    page.screenshot(path=str(artifacts_dir / "portal-interno-aforador.png"), full_page=True)
    page.get_by_role("button", name="Cerrar sesión").click()
    page.get_by_role("heading", name="Iniciar Sesión").wait_for()
