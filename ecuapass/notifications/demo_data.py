"""About 30 demo notices across the demo users and OCE mailboxes, read and unread."""

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
        5,
        "SISTEMA",
        "e-Doc DAI recibido",
        "La Declaración Aduanera de Importación con número de entrega 29000001202600000012S fue recibida.",
        Category.EDOC,
        None,
        "29000001",
        False,
    ),
    (
        8,
        "SENAE",
        "Canal de aforo asignado: documental",
        "A la declaración 028-2026-10-00012345 se le asignó el canal de aforo documental.",
        Category.DECLARATION,
        None,
        "29000001",
        False,
    ),
    (
        26,
        "SENAE",
        "Liquidación generada",
        "Se generó la liquidación de tributos de la declaración 028-2026-10-00012345. Pague dentro del plazo para evitar el abandono tácito.",
        Category.PAYMENT,
        None,
        "29000001",
        True,
    ),
    (
        48,
        "SISTEMA",
        "e-Doc rechazado en validación",
        "El e-Doc 29000001202600000010S fue rechazado: El código de OCE ingresado no es el correcto.",
        Category.EDOC,
        None,
        "29000001",
        True,
    ),
    (
        72,
        "SENAE",
        "Salida autorizada",
        "La declaración 028-2026-10-00012001 tiene salida autorizada.",
        Category.DECLARATION,
        None,
        "29000001",
        True,
    ),
    (
        96,
        "ARCSA",
        "Notificación sanitaria aprobada",
        "La solicitud de notificación sanitaria fue aprobada; el documento de acompañamiento está disponible.",
        Category.VUE,
        None,
        "29000001",
        False,
    ),
    (
        10,
        "SISTEMA",
        "e-Doc DAE recibido",
        "La Declaración Aduanera de Exportación con número de entrega 29000002202600000004S fue recibida.",
        Category.EDOC,
        None,
        "29000002",
        False,
    ),
    (
        60,
        "SENAE",
        "DAE regularizada",
        "La DAE 028-2026-40-00004567 fue regularizada.",
        Category.DECLARATION,
        None,
        "29000002",
        True,
    ),
    (
        12,
        "SENAE",
        "Informe de novedades de carga",
        "El depósito temporal registró una novedad de ingreso para la carga de exportación.",
        Category.OTHER,
        None,
        "29000003",
        False,
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
        6,
        "SISTEMA",
        "DAI transmitida por cuenta de Comercial Demo del Pacífico S.A.",
        "La DAI 17910020202600000031S se transmitió por cuenta del cliente 0991003002001.",
        Category.EDOC,
        None,
        "17910020",
        False,
    ),
    (
        28,
        "SENAE",
        "Canal de aforo asignado: físico intrusivo",
        "A la declaración 028-2026-10-00012399 se le asignó aforo físico intrusivo.",
        Category.DECLARATION,
        None,
        "17910020",
        True,
    ),
    (
        55,
        "SENAE",
        "Garantía general por vencer",
        "La garantía general del agente vence en 30 días.",
        Category.PAYMENT,
        None,
        "17910020",
        False,
    ),
    (
        90,
        "SISTEMA",
        "Liquidación complementaria",
        "Se generó una liquidación complementaria para la declaración 028-2026-10-00012001.",
        Category.PAYMENT,
        None,
        "17910020",
        True,
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
        11,
        "SENAE",
        "Ingreso de mercancías a depósito (IMDT) aceptado",
        "El IMDT 09920050202600000120S fue aceptado.",
        Category.EDOC,
        None,
        "09920050",
        False,
    ),
    (
        36,
        "SENAE",
        "Mercancía en abandono tácito",
        "La carga MRN CEC2026MSC0001 cumple 20 días sin pago de tributos.",
        Category.DECLARATION,
        None,
        "09920050",
        False,
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


def load(report: LoadReport) -> None:
    users = {(u.login_ruc, u.username): u for u in User.objects.all()}
    codes = {c.code: c for c in OceCode.objects.select_related("registration__operator")}
    base = timezone.make_aware(BASE)
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
