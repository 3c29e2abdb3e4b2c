"""NUEVO REGISTRO: solicitudes de uso, e-mail verification, approval and rejection.

* ``availability(ruc, username)`` — the only answer about existence the public gets (rate-limited
  by the view): is this ID Usuario free under this RUC (no user, no open solicitud)?
* ``file_solicitud`` — the applicant's data, password hashed, e-mail code sent (state
  *verificación*). ``verify_email`` with the code then:
  - Usuario General: the user is created active at once;
  - Empleado: the user is created *pendiente* with unapproved grants on the codes asked for, and
    the company's representatives are told (their 3.2.4 approves);
  - Representante / Entidad pública / Organismo: waits for a SENAE officer (portal interno),
    ``approve`` creates the operator, its registrations and códigos de OCE and the user.
Every outcome is notified (buzón + e-mail once a user exists; e-mail before).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.accounts.models import (
    Grant,
    OceCode,
    OceRegistration,
    Operator,
    User,
    UserManager,
)
from ecuapass.core.models import OceType
from ecuapass.core.numbering import next_value
from ecuapass.notifications.models import Category
from ecuapass.notifications.services import SENDER_SENAE, notify

from . import codes
from .models import SecurityCode, Solicitud
from .tasks import send_code_email, send_plain_email

K = Solicitud.Kind
S = Solicitud.State
P = SecurityCode.Purpose
OFFICER_KINDS = (K.REPRESENTANTE, K.ENTIDAD_PUBLICA, K.ORGANISMO)
# An unverified solicitud holds its ID Usuario this long.
HOLD = timedelta(days=1)
SUBJECT_CODE = "COMUNICADO DE ECUAPASS - VERIFICACIÓN DE CORREO"
SUBJECT_RECEIVED = "COMUNICADO DE ECUAPASS - SOLICITUD DE USO RECIBIDA"
SUBJECT_APPROVED = "COMUNICADO DE ECUAPASS - SOLICITUD DE USO APROBADA"
SUBJECT_REJECTED = "COMUNICADO DE ECUAPASS - SOLICITUD DE USO RECHAZADA"
SUBJECT_EMPLOYEE = "Nueva solicitud de empleado"


class InvalidCode(Exception):
    pass


def _open_solicitudes(ruc: str, username: str):
    fresh = Q(state=S.VERIFICACION, created_on__gte=timezone.now() - HOLD)
    return Solicitud.objects.filter(ruc=ruc, username=username.strip().lower()).filter(
        Q(state=S.PENDIENTE) | fresh
    )


def availability(ruc: str, username: str) -> bool:
    key = UserManager.make_login_key(ruc, username)
    return (
        not User.objects.filter(login_key=key).exists()
        and not _open_solicitudes(ruc, username).exists()
    )


def code_key(solicitud: Solicitud) -> str:
    return f"solicitud:{solicitud.pk}"


def _send_code(solicitud: Solicitud) -> None:
    code, raw = codes.issue(P.REGISTRO, code_key(solicitud), email=solicitud.email)
    body = _(
        "Su código de verificación de correo para la solicitud de uso de ECUAPASS (ID Usuario"
        " %(username)s) es %(code)s. Es válido por %(minutes)s minutos."
    ) % {"username": solicitud.username, "code": raw, "minutes": codes.code_minutes()}
    send_code_email.enqueue(code.pk, SUBJECT_CODE, body)


def file_solicitud(data: dict, documento=None) -> Solicitud:
    """Record a solicitud (state verificación) and e-mail its code. ``data``: the form's data."""
    with transaction.atomic():
        solicitud = Solicitud.objects.create(
            kind=data["kind"],
            ruc=data["ruc"],
            legal_name=data.get("legal_name", ""),
            operator_kind=data.get("operator_kind", ""),
            address=data.get("address", ""),
            phone=data.get("phone", ""),
            oce_types=",".join(data.get("oce_types") or []),
            oce_codes=",".join(data.get("oce_codes") or []),
            username=data["username"].strip().lower(),
            first_name=data["first_name"],
            last_name=data["last_name"],
            id_number=data.get("id_number", ""),
            email=data["email"],
            password=make_password(data["password1"]),
            convenio_accepted_on=timezone.now() if data.get("convenio") else None,
            documento=documento or "",
        )
        _send_code(solicitud)
    return solicitud


def resend_code(solicitud: Solicitud) -> None:
    with transaction.atomic():
        _send_code(solicitud)


def _make_user(solicitud: Solicitud, *, operator=None, kind=None, state=User.State.ACTIVE) -> User:
    user = User(
        login_ruc=solicitud.ruc,
        username=solicitud.username,
        operator=operator,
        first_name=solicitud.first_name,
        last_name=solicitud.last_name,
        id_number=solicitud.id_number,
        email=solicitud.email,
        kind=kind or solicitud.kind,
        state=state,
    )
    user.password = solicitud.password  # already hashed
    user.save()
    return user


def verify_email(solicitud: Solicitud, raw: str) -> Solicitud:
    """Accept the e-mail code and move the solicitud on (see the module's docstring)."""
    with transaction.atomic():
        solicitud = Solicitud.objects.select_for_update().get(pk=solicitud.pk)
        ok = solicitud.state == S.VERIFICACION and codes.consume(
            P.REGISTRO, code_key(solicitud), raw
        )
        if ok:
            _after_verification(solicitud)
    if not ok:
        raise InvalidCode
    return solicitud


def _after_verification(solicitud: Solicitud) -> None:
    now = timezone.now()
    solicitud.email_verified_on = now
    if solicitud.kind == K.USUARIO_GENERAL:
        solicitud.user = _make_user(solicitud)
        solicitud.state, solicitud.decided_on = S.APROBADA, now
        solicitud.save()
        notify(
            sender=SENDER_SENAE,
            subject=SUBJECT_APPROVED,
            body=_(
                "Estimado %(name)s: su registro como Usuario General fue activado. Ingrese con su"
                " cédula %(ruc)s y el ID Usuario %(username)s."
            )
            % {"name": solicitud.first_name, "ruc": solicitud.ruc, "username": solicitud.username},
            category=Category.SECURITY,
            user=solicitud.user,
        )
        return
    if solicitud.kind == K.EMPLEADO:
        operator = Operator.objects.get(ruc=solicitud.ruc)
        user = _make_user(solicitud, operator=operator, state=User.State.PENDING)
        for code in OceCode.objects.filter(
            code__in=solicitud.oce_code_list, registration__operator=operator
        ):
            Grant.objects.create(user=user, oce_code=code, approved=False)
        solicitud.user, solicitud.state = user, S.PENDIENTE
        solicitud.save()
        for rep in operator.users.filter(kind=User.Kind.REPRESENTANTE, state=User.State.ACTIVE):
            notify(
                sender=SENDER_SENAE,
                subject=SUBJECT_EMPLOYEE,
                body=_(
                    "%(name)s (ID Usuario %(username)s) solicita acceso como empleado de"
                    " %(company)s a los códigos %(codes)s. Revísela en Soporte al Cliente > 3.2.4"
                    " Administración de empleado."
                )
                % {
                    "name": user.get_full_name(),
                    "username": user.username,
                    "company": operator.legal_name,
                    "codes": ", ".join(solicitud.oce_code_list),
                },
                category=Category.COMMUNIQUE,
                user=rep,
            )
        return
    solicitud.state = S.PENDIENTE
    solicitud.save()
    send_plain_email.enqueue(
        solicitud.email,
        SUBJECT_RECEIVED,
        _(
            "Su solicitud de uso de ECUAPASS para el RUC %(ruc)s (ID Usuario %(username)s) fue"
            " recibida y será revisada por SENAE. Le avisaremos el resultado por correo."
        )
        % {"ruc": solicitud.ruc, "username": solicitud.username},
    )


def _new_oce_code() -> str:
    while True:
        code = f"{30000000 + next_value('codigo-oce'):08d}"
        if not OceCode.objects.filter(code=code).exists():
            return code


def approve(solicitud: Solicitud, *, officer_user) -> Solicitud:
    """A SENAE officer approves a representative's (entity's, organism's) solicitud."""
    with transaction.atomic():
        solicitud = Solicitud.objects.select_for_update().get(pk=solicitud.pk)
        if solicitud.state != S.PENDIENTE or solicitud.kind not in OFFICER_KINDS:
            raise ValueError("solicitud not pending an officer's decision")
        operator, _created = Operator.objects.get_or_create(
            ruc=solicitud.ruc,
            defaults={
                "legal_name": solicitud.legal_name,
                "kind": solicitud.operator_kind or Operator.Kind.SOCIEDAD,
                "address": solicitud.address,
                "email": solicitud.email,
                "phone": solicitud.phone,
            },
        )
        new_codes = []
        for type_code in solicitud.oce_type_list:
            registration, _c = OceRegistration.objects.get_or_create(
                operator=operator, oce_type=OceType.objects.get(code=type_code)
            )
            if not registration.codes.exists():
                new_codes.append(
                    OceCode.objects.create(code=_new_oce_code(), registration=registration)
                )
        user = _make_user(solicitud, operator=operator)
        now = timezone.now()
        solicitud.user, solicitud.state = user, S.APROBADA
        solicitud.decided_by, solicitud.decided_on = officer_user, now
        solicitud.save()
        notify(
            sender=SENDER_SENAE,
            subject=SUBJECT_APPROVED,
            body=_(
                "Su solicitud de uso para el RUC %(ruc)s fue aprobada. Ingrese con el RUC, el ID"
                " Usuario %(username)s y su contraseña. Códigos de OCE: %(codes)s."
            )
            % {
                "ruc": solicitud.ruc,
                "username": user.username,
                "codes": ", ".join(c.code for c in new_codes) or "-",
            },
            category=Category.SECURITY,
            user=user,
        )
    return solicitud


def reject(solicitud: Solicitud, *, officer_user, reason: str) -> Solicitud:
    with transaction.atomic():
        solicitud = Solicitud.objects.select_for_update().get(pk=solicitud.pk)
        if solicitud.state != S.PENDIENTE or solicitud.kind not in OFFICER_KINDS:
            raise ValueError("solicitud not pending an officer's decision")
        solicitud.state, solicitud.reason = S.RECHAZADA, reason
        solicitud.decided_by, solicitud.decided_on = officer_user, timezone.now()
        solicitud.save()
        send_plain_email.enqueue(
            solicitud.email,
            SUBJECT_REJECTED,
            _("Su solicitud de uso para el RUC %(ruc)s fue rechazada. Motivo: %(reason)s")
            % {"ruc": solicitud.ruc, "reason": reason},
        )
    return solicitud
