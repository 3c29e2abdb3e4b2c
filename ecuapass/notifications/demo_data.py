"""Demo notices across the demo users and OCE mailboxes, read and unread.

They describe only what the demo data really holds: account events and communiqués here; the
notices about documents (acceptance, canal, aforo, payments) are written by the real services
when the other contexts' demo loaders file and process their documents."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from ecuapass.accounts.models import OceCode, User
from ecuapass.core.loading import LoadReport, upsert

from .models import Category, Notification, NotificationRead

BASE = datetime(2026, 11, 27, 9, 0, 0)

LOCK = "COMUNICADO DE ECUAPASS - ALERTA DE BLOQUEO"
UNLOCK = "COMUNICADO DE ECUAPASS - ALERTA DE DESBLOQUEO"

# (hours before BASE, sender, subject, body, category, user (ruc, id) or None, oce code or None, read)
NOTICES = [
    (
        2,
        "SENAE",
        UNLOCK,
        "Su usuario demo del RUC 0991003002001 fue desbloqueado. Ya puede iniciar sesión en ECUAPASS.",
        Category.SECURITY,
        ("0991003002001", "demo"),
        None,
        False,
    ),
    (
        3,
        "SENAE",
        LOCK,
        "Su usuario demo del RUC 0991003002001 fue bloqueado después de 5 intentos fallidos de inicio de sesión.",
        Category.SECURITY,
        ("0991003002001", "demo"),
        None,
        True,
    ),
    (
        20,
        "SENAE",
        "COMUNICADO DE ECUAPASS - HORARIO DE MANTENIMIENTO",
        "El sábado de 22:00 a 02:00 ECUAPASS estará en mantenimiento programado. Planifique sus transmisiones.",
        Category.COMMUNIQUE,
        ("0991003002001", "demo"),
        None,
        False,
    ),
    (
        30,
        "SISTEMA",
        "Actualice su información de registro",
        "Recuerde que la información de registro debe actualizarse cada enero (opción 3.2.3).",
        Category.SYSTEM,
        ("0991003002001", "demo"),
        None,
        True,
    ),
    (
        50,
        "SENAE",
        "Nueva versión del arancel publicada",
        "Se publicó una actualización del arancel nacional. Consulte la opción 2.1.1 Consulta de arancel.",
        Category.COMMUNIQUE,
        ("0991003002001", "demo"),
        None,
        True,
    ),
    (
        80,
        "SISTEMA",
        "Bienvenido a ECUAPASS",
        "Su registro como Agente de Carga de Exportación está activo.",
        Category.SYSTEM,
        None,
        "29000003",
        True,
    ),
    (
        4,
        "SENAE",
        UNLOCK,
        "Su usuario representante del RUC 1791002008001 fue desbloqueado.",
        Category.SECURITY,
        ("1791002008001", "representante"),
        None,
        False,
    ),
    (
        40,
        "SENAE",
        "COMUNICADO DE ECUAPASS - HORARIO DE MANTENIMIENTO",
        "El sábado de 22:00 a 02:00 ECUAPASS estará en mantenimiento programado.",
        Category.COMMUNIQUE,
        ("1791002008001", "representante"),
        None,
        True,
    ),
    (
        7,
        "SISTEMA",
        "Nueva solicitud de empleado",
        "La usuaria empleado solicitó acceso al código de OCE 17910020.",
        Category.SYSTEM,
        ("1791002008001", "representante"),
        None,
        False,
    ),
    (
        9,
        "SISTEMA",
        "Acceso aprobado",
        "Su representante le asignó el código de OCE 17910020 con las opciones 1.3 y 2.1.1.",
        Category.SYSTEM,
        ("1791002008001", "empleado"),
        None,
        False,
    ),
    (
        45,
        "SENAE",
        "COMUNICADO DE ECUAPASS - HORARIO DE MANTENIMIENTO",
        "El sábado de 22:00 a 02:00 ECUAPASS estará en mantenimiento programado.",
        Category.COMMUNIQUE,
        ("1791002008001", "empleado"),
        None,
        True,
    ),
    (
        70,
        "SISTEMA",
        "Bienvenido a ECUAPASS",
        "Su registro como Depósito Temporal está activo.",
        Category.SYSTEM,
        ("0992005009001", "bodega"),
        None,
        True,
    ),
    (
        15,
        "SENAE",
        "Bienvenido a ECUAPASS",
        "Como Usuario General puede consultar el arancel y calcular tributos.",
        Category.SYSTEM,
        ("1710000009", "ciudadano"),
        None,
        False,
    ),
    (
        100,
        "SENAE",
        "COMUNICADO DE ECUAPASS - HORARIO DE MANTENIMIENTO",
        "El sábado de 22:00 a 02:00 ECUAPASS estará en mantenimiento programado.",
        Category.COMMUNIQUE,
        ("1710000009", "ciudadano"),
        None,
        True,
    ),
    (
        1,
        "SISTEMA",
        "Resumen semanal de notificaciones",
        "Tiene notificaciones sin leer en su buzón.",
        Category.SYSTEM,
        ("0968562020001", "funcionario"),
        None,
        False,
    ),
]

# Notices earlier versions of this file wrote about documents, canales, garantías, IMDT and
# abandono that the demo never had: removed from a demo database when the data is loaded again.
RETIRED = [
    (5, "e-Doc DAI recibido"),
    (8, "Canal de aforo asignado: documental"),
    (26, "Liquidación generada"),
    (48, "e-Doc rechazado en validación"),
    (72, "Salida autorizada"),
    (96, "Notificación sanitaria aprobada"),
    (10, "e-Doc DAE recibido"),
    (60, "DAE regularizada"),
    (12, "Informe de novedades de carga"),
    (6, "DAI transmitida por cuenta de Comercial Demo del Pacífico S.A."),
    (28, "Canal de aforo asignado: físico intrusivo"),
    (55, "Garantía general por vencer"),
    (90, "Liquidación complementaria"),
    (11, "Ingreso de mercancías a depósito (IMDT) aceptado"),
    (36, "Mercancía en abandono tácito"),
]


def load(report: LoadReport) -> None:
    users = {(u.login_ruc, u.username): u for u in User.objects.all()}
    codes = {c.code: c for c in OceCode.objects.select_related("registration__operator")}
    base = timezone.make_aware(BASE)
    for hours, subject in RETIRED:
        Notification.objects.filter(
            subject=subject, created_on=base - timedelta(hours=hours), kind=""
        ).delete()
    for hours, sender, subject, body, category, user_key, code, read in NOTICES:
        user = users.get(user_key) if user_key else None
        oce = codes.get(code) if code else None
        if user is None and oce is None:
            continue
        notice = upsert(
            Notification,
            {
                "user": user,
                "oce_code": oce,
                "subject": subject,
                "created_on": base - timedelta(hours=hours),
            },
            {"sender": sender, "body": body, "category": category},
            report,
        )
        if not read:
            continue
        readers = [user] if user else _sharers(oce, users)
        for reader in readers:
            upsert(NotificationRead, {"notification": notice, "user": reader}, {}, report)


def _sharers(oce, users):
    operator_id = oce.registration.operator_id
    return [u for u in users.values() if u.operator_id == operator_id and u.is_representative]
