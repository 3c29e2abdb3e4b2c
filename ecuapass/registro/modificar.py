"""3.2.3 Modificar información de registro: a user edits its registration.

* The user's own data apply at once; the company's data (a representative's operator) wait for
  a SENAE officer (portal interno) and apply when approved.
* A new e-mail needs the código de seguridad sent to it (purpose ``correo``, 15 minutes).
* Every change is a ``CambioRegistro`` row (fields, old and new values): the history; the
  Convenio de uso is accepted again with each change.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecuapass.accounts.models import Operator, User
from ecuapass.notifications.models import Category
from ecuapass.notifications.services import SENDER_SENAE, notify

from . import codes
from .models import CambioRegistro, SecurityCode
from .tasks import send_code_email

P = SecurityCode.Purpose
SUBJECT = "COMUNICADO DE ECUAPASS - MODIFICACIÓN DE REGISTRO"
USER_FIELDS = {
    "first_name": gettext_lazy("Nombres"),
    "last_name": gettext_lazy("Apellidos"),
    "id_number": gettext_lazy("Cédula o pasaporte"),
    "email": gettext_lazy("Correo electrónico"),
}
COMPANY_FIELDS = {
    "legal_name": gettext_lazy("Razón social"),
    "address": gettext_lazy("Dirección"),
    "company_email": gettext_lazy("Correo electrónico de la empresa"),
    "phone": gettext_lazy("Teléfono"),
}
# form field → Operator field
OPERATOR_FIELD = {
    "legal_name": "legal_name",
    "address": "address",
    "company_email": "email",
    "phone": "phone",
}


class InvalidCode(Exception):
    pass


def edits_company(user) -> bool:
    return user.is_representative and user.operator_id is not None


def current(user) -> dict:
    data = {name: getattr(user, name) for name in USER_FIELDS}
    if edits_company(user):
        op = user.operator
        data.update({f: getattr(op, o) for f, o in OPERATOR_FIELD.items()})
    return data


def changes_of(user, data: dict) -> dict[str, list[str]]:
    before = current(user)
    return {
        name: [str(before[name] or ""), str(data.get(name) or "")]
        for name in before
        if str(before[name] or "") != str(data.get(name) or "")
    }


def email_key(user, email: str) -> str:
    return f"user:{user.pk}:{email.strip().lower()}"


def send_email_code(user, email: str) -> None:
    with transaction.atomic():
        code, raw = codes.issue(P.CORREO, email_key(user, email), user=user, email=email)
        body = _(
            "Su código de seguridad para registrar este correo en ECUAPASS (usuario %(username)s)"
            " es %(code)s. Es válido por %(minutes)s minutos."
        ) % {"username": user.username, "code": raw, "minutes": codes.code_minutes()}
        send_code_email.enqueue(code.pk, "COMUNICADO DE ECUAPASS - CÓDIGO DE SEGURIDAD", body)


def apply(user, data: dict, *, code: str = "") -> list[CambioRegistro]:
    """Record and apply the changes; the company's wait for SENAE. Raises InvalidCode."""
    changed = changes_of(user, data)
    if not changed:
        return []
    now = timezone.now()
    own = {k: v for k, v in changed.items() if k in USER_FIELDS}
    company = {k: v for k, v in changed.items() if k in COMPANY_FIELDS}
    result = []
    with transaction.atomic():
        failed = "email" in own and not codes.consume(
            P.CORREO, email_key(user, own["email"][1]), code, require_user=True
        )
        if not failed:
            if own:
                locked = User.objects.select_for_update().get(pk=user.pk)
                for name, (_old, new) in own.items():
                    setattr(locked, name, new)
                locked.save(update_fields=list(own))
                result.append(
                    CambioRegistro.objects.create(
                        user=user,
                        changes=own,
                        state=CambioRegistro.State.APLICADO,
                        convenio_accepted_on=now,
                    )
                )
            if company:
                result.append(
                    CambioRegistro.objects.create(
                        user=user,
                        operator_id=user.operator_id,
                        changes=company,
                        state=CambioRegistro.State.PENDIENTE,
                        convenio_accepted_on=now,
                    )
                )
            from . import annual

            if annual.applies_to(user):
                annual.confirm(user)
            notify(
                sender=SENDER_SENAE,
                subject=SUBJECT,
                body=(
                    _(
                        "Se modificó su información de registro: %(fields)s. Los datos de la"
                        " empresa se aplicarán cuando SENAE los apruebe."
                    )
                    if company
                    else _("Se modificó su información de registro: %(fields)s.")
                )
                % {"fields": ", ".join(str(label_of(k)) for k in changed)},
                category=Category.SECURITY,
                user=user,
            )
    if failed:
        raise InvalidCode
    return result


def label_of(name: str):
    return USER_FIELDS.get(name) or COMPANY_FIELDS.get(name) or name


def decide(cambio: CambioRegistro, *, officer_user, approve: bool, reason: str = ""):
    """A SENAE officer approves (applies to the operator) or rejects a company-data change."""
    with transaction.atomic():
        cambio = CambioRegistro.objects.select_for_update().get(pk=cambio.pk)
        if cambio.state != CambioRegistro.State.PENDIENTE:
            raise ValueError("not pending")
        if approve:
            operator = Operator.objects.select_for_update().get(pk=cambio.operator_id)
            for name, (_old, new) in cambio.changes.items():
                setattr(operator, OPERATOR_FIELD[name], new)
            operator.save()
            cambio.state = CambioRegistro.State.APLICADO
        else:
            cambio.state, cambio.reason = CambioRegistro.State.RECHAZADO, reason
        cambio.decided_by, cambio.decided_on = officer_user, timezone.now()
        cambio.save()
        notify(
            sender=SENDER_SENAE,
            subject=SUBJECT,
            body=(
                _("SENAE aprobó el cambio de los datos de su empresa.")
                if approve
                else _("SENAE rechazó el cambio de los datos de su empresa. Motivo: %(r)s")
                % {"r": reason}
            ),
            category=Category.SECURITY,
            user=cambio.user,
        )
    return cambio
