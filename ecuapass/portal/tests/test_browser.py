"""The guide's procedure end to end in Chromium, as the demo user; screenshot of the main screen."""

from __future__ import annotations

import pytest

from ecuapass.core.loading import LoadReport


def load_access_data():
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.core import reference_data as core_reference
    from ecuapass.notifications import demo_data as notifications_demo
    from ecuapass.portal import demo_data as portal_demo
    from ecuapass.portal import reference_data as portal_reference

    report = LoadReport(write=lambda s: None)
    for module in (
        core_reference,
        portal_reference,
        accounts_demo,
        portal_demo,
        notifications_demo,
    ):
        module.load(report)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_guide_procedure_as_the_demo_user(live_server, page, artifacts_dir):
    load_access_data()
    # 1. The portal.
    page.goto(live_server.url + "/")
    # 2. RUC, ID Usuario, Contraseña → Iniciar Sesión.
    page.get_by_label("RUC").fill("0991003002001")
    page.get_by_label("ID Usuario").fill("demo")
    page.get_by_label("Contraseña").fill("Demo.Ecuapass.2026")
    page.get_by_role("button", name="Iniciar Sesión").click()
    # 3. Tipo de OCE.
    page.get_by_role("heading", name="Seleccione el Tipo de OCE").wait_for()
    assert page.get_by_label("07 - Agente de Carga de Exportación").count() == 1
    page.get_by_label("16 - Importador/Exportador").check()
    page.get_by_role("button", name="Continuar").click()
    # 4. Código de OCE → Ingresar.
    page.get_by_role("heading", name="Seleccione el código de OCE").wait_for()
    page.get_by_label("29000001 - Importaciones Guayaquil").check()
    page.get_by_role("button", name="Ingresar").click()
    # 5. The main screen: buzón and the four menus.
    page.get_by_role("heading", name="Notificaciones electrónicas — Bandeja de entrada").wait_for()
    header = page.locator("[data-testid=active-oce]").inner_text()
    assert "29000001" in header and "Importador/Exportador" in header
    inbox = page.locator("[data-testid=inbox]")
    assert "COMUNICADO DE ECUAPASS - ALERTA DE DESBLOQUEO" in inbox.inner_text()
    assert "BUZÓN PERSONAL" in inbox.inner_text()
    for menu in (
        "Trámites Operativos",
        "Servicios Informativos",
        "Soporte al Cliente",
        "Ventanilla Única",
    ):
        assert page.locator("nav.top-menu").get_by_role("link", name=menu).count() == 1
    page.screenshot(path=str(artifacts_dir / "guia-pantalla-principal.png"), full_page=True)
    # 6. A top menu opens its left menu.
    page.locator("nav.top-menu").get_by_role("link", name="Servicios Informativos").click()
    page.get_by_role("heading", name="Servicios Informativos", exact=True).first.wait_for()
    # Opening a message marks it read.
    page.goto(live_server.url + "/buzon/")
    page.get_by_role("link", name="COMUNICADO DE ECUAPASS - ALERTA DE DESBLOQUEO").first.click()
    page.get_by_text("fue desbloqueado").wait_for()
    # Cambiar OCE returns to step 2 without logging in again.
    page.get_by_role("link", name="Cambiar OCE").click()
    page.get_by_role("heading", name="Seleccione el Tipo de OCE").wait_for()
    page.get_by_label("07 - Agente de Carga de Exportación").check()
    page.get_by_role("button", name="Continuar").click()
    page.locator("[data-testid=active-oce]").filter(has_text="29000003").wait_for()
    # Cerrar sesión.
    page.get_by_role("button", name="Cerrar sesión").click()
    page.get_by_role("heading", name="Iniciar Sesión").wait_for()
