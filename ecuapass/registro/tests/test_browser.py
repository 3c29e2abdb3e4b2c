"""The issue's journeys in a browser, each actor in its own browser context:
a new importer registers → a SENAE officer approves → the importer logs in; an employee registers
→ the representative approves with codes and options in 3.2.4 → the employee sees exactly those
options; a forgotten password is reset; an e-mail is changed with the security code."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from ecuapass.accounts.tests.factories import PASSWORD, company_with_codes
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import login_officer, make_officer

from .helpers import last_code

NEW_PASSWORD = "Registro.Seguro.2026"
COMPANY_RUC = "1790016919001"


@pytest.fixture
def catalogs(db):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data
    from tests.support.world import load_catalogs

    load_catalogs()
    reference_data.load(LoadReport(write=lambda s: None))


def actor(browser):
    context = browser.new_context(locale="es-EC", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def sign_in(page, base, ruc, username, password):
    page.goto(base + "/ingresar/")
    page.get_by_label("RUC", exact=True).fill(ruc)
    page.get_by_label("ID Usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Iniciar Sesión").click()
    page.wait_for_load_state()
    if page.get_by_role("heading", name="Seleccione el Tipo de OCE").count():
        page.get_by_role("button", name="Continuar").click()


def fill_person(page, email, username):
    page.get_by_label("Nombres").fill("Lucía")
    page.get_by_label("Apellidos").fill("Andrade")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("ID Usuario").fill(username)
    page.get_by_label("Nueva contraseña").fill(NEW_PASSWORD)
    page.get_by_label("Confirmar contraseña").fill(NEW_PASSWORD)
    page.get_by_label("Acepto el Convenio de uso de ECUAPASS").check()


def verify_email(page, email):
    page.get_by_role("heading", name="Verificación de correo").wait_for()
    page.get_by_label("Código de seguridad").fill(last_code(email))
    page.get_by_role("button", name="Verificar").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_new_importer_registers_officer_approves_importer_logs_in(
    live_server, browser, artifacts_dir, catalogs, tmp_path
):
    base = live_server.url
    ctx, page = actor(browser)
    page.goto(base + "/ingresar/")
    page.get_by_role("link", name="NUEVO REGISTRO").click()
    page.get_by_role("link", name="Representante de Comercio Exterior").click()
    page.get_by_label("RUC", exact=True).fill(COMPANY_RUC)
    page.get_by_label("ID Usuario").fill("lucia")
    page.get_by_role("button", name="Comprobar disponibilidad").click()
    page.get_by_text("El ID Usuario está disponible.").wait_for()
    page.get_by_label("Razón social").fill("Importadora Andina S.A.")
    page.get_by_label("Dirección").fill("Quito, Av. Amazonas")
    page.get_by_label("16 - Importador/Exportador").check()
    doc = tmp_path / "documentos.pdf"
    doc.write_bytes(b"%PDF-1.4\n% documentos de la empresa\n")
    page.get_by_label("Documentos de la empresa (PDF)").set_input_files(str(doc))
    fill_person(page, "lucia@andina.ec", "lucia")
    page.get_by_role("button", name="Enviar solicitud").click()
    verify_email(page, "lucia@andina.ec")
    page.get_by_role("heading", name="Solicitud recibida").wait_for()

    officer = make_officer(roles=[Role.ADMIN])
    staff = login_officer(Client(), officer)
    octx, opage = actor(browser)
    octx.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": staff.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    opage.goto(base + "/interno/solicitudes/")
    opage.get_by_role("link", name="Consultar").click()
    opage.get_by_text("Importadora Andina S.A.").wait_for()
    opage.get_by_role("button", name="Aprobar").click()
    opage.get_by_text("Solicitud aprobada").wait_for()

    sign_in(page, base, COMPANY_RUC, "lucia", NEW_PASSWORD)
    page.get_by_role("heading", name="Notificaciones electrónicas — Bandeja de entrada").wait_for()
    assert page.get_by_text("SOLICITUD DE USO APROBADA").count() >= 1
    page.screenshot(path=str(artifacts_dir / "registro-importador-aprobado.png"), full_page=True)
    ctx.close()
    octx.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_employee_registers_representative_approves_with_options(
    live_server, browser, artifacts_dir, catalogs
):
    base = live_server.url
    operator, rep, codes = company_with_codes({"16": 1})
    ectx, epage = actor(browser)
    epage.goto(base + "/nuevo-registro/")
    epage.get_by_role("link", name="Empleado").click()
    epage.get_by_label("RUC de la empresa").fill(operator.ruc)
    epage.get_by_label("Códigos de OCE solicitados").fill(codes[0].code)
    fill_person(epage, "pedro@empresa.ec", "pedro")
    epage.get_by_role("button", name="Enviar solicitud").click()
    verify_email(epage, "pedro@empresa.ec")
    epage.get_by_text("El representante de la empresa revisará").wait_for()

    rctx, rpage = actor(browser)
    sign_in(rpage, base, operator.ruc, rep.username, PASSWORD)
    rpage.get_by_role("heading", name="Notificaciones electrónicas — Bandeja de entrada").wait_for()
    assert rpage.get_by_text("Nueva solicitud de empleado").count() >= 1
    rpage.locator("nav.top-menu").get_by_role("link", name="Soporte al Cliente").click()
    rpage.get_by_role("link", name="Administración de empleado").first.click()
    rpage.get_by_role("link", name="Consultar").click()
    rpage.get_by_text(f"{codes[0].code} IMPORTADOR/EXPORTADOR").wait_for()
    rpage.get_by_label("1.3 Integración de estados del trámite").check()
    rpage.get_by_role("button", name="Aprobar").click()
    rpage.get_by_text("Cambios guardados").wait_for()

    sign_in(epage, base, operator.ruc, "pedro", NEW_PASSWORD)
    epage.get_by_role("heading", name="Notificaciones electrónicas — Bandeja de entrada").wait_for()
    tramites = epage.locator(".menu-panels .panel").first.inner_text()
    assert "Integración de estados del trámite" in tramites
    assert "Elaboración de e-Doc Operativo" not in tramites
    epage.screenshot(path=str(artifacts_dir / "registro-empleado-opciones.png"), full_page=True)
    ectx.close()
    rctx.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_forgotten_password_is_reset(live_server, page, catalogs):
    base = live_server.url
    operator, rep, codes = company_with_codes({"16": 1})
    page.goto(base + "/ingresar/")
    page.get_by_role("link", name="REINICIAR CLAVE").click()
    page.get_by_label("Clasificación de usuario").select_option("representante")
    page.get_by_label("RUC empresa").fill(operator.ruc)
    page.get_by_label("ID Usuario").fill(rep.username)
    page.get_by_role("button", name="Enviar código").click()
    page.get_by_text("Si los datos corresponden a un usuario registrado").wait_for()
    page.get_by_label("Código de seguridad").fill(last_code(rep.email))
    page.get_by_label("Nueva contraseña").fill(NEW_PASSWORD)
    page.get_by_label("Confirmar contraseña").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Cambiar clave").click()
    page.get_by_text("Su clave fue cambiada").wait_for()
    sign_in(page, base, operator.ruc, rep.username, NEW_PASSWORD)
    page.get_by_role("heading", name="Notificaciones electrónicas — Bandeja de entrada").wait_for()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_email_is_changed_with_the_security_code(live_server, page, artifacts_dir, catalogs):
    base = live_server.url
    operator, rep, codes = company_with_codes({"16": 1})
    sign_in(page, base, operator.ruc, rep.username, PASSWORD)
    page.get_by_role("heading", name="Notificaciones electrónicas — Bandeja de entrada").wait_for()
    page.locator("nav.top-menu").get_by_role("link", name="Soporte al Cliente").click()
    page.get_by_role("link", name="Modificar información de registro de usuario").first.click()
    page.get_by_role("radio", name="NO", exact=True).check()
    page.get_by_label("Nuevo correo electrónico").fill("nuevo@empresa.ec")
    page.get_by_role("button", name="Solicitar código de seguridad").click()
    page.get_by_text("Enviamos un código de seguridad a nuevo@empresa.ec").wait_for()
    page.get_by_role("button", name="Continuar").click()
    changed = page.locator("[data-changed='1']")
    changed.first.wait_for()
    assert changed.count() == 1 and changed.inner_text() == "nuevo@empresa.ec"
    assert "rgb(204, 0, 0)" in changed.evaluate("e => getComputedStyle(e).borderTopColor")
    page.get_by_label("Código de seguridad").fill(last_code("nuevo@empresa.ec"))
    page.get_by_label("Acepto el Convenio de uso de ECUAPASS").check()
    page.screenshot(path=str(artifacts_dir / "registro-cambio-correo.png"), full_page=True)
    page.get_by_role("button", name="Modificar").click()
    page.get_by_text("Su información de registro fue modificada.").wait_for()
    rep.refresh_from_db()
    assert rep.email == "nuevo@empresa.ec"
