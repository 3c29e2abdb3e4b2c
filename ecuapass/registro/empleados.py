"""3.2.4 Administración de empleado: the representative approves, rejects, suspends,
reactivates its operator's employees and decides which códigos de OCE and menu options each holds.

The checks stay where they were (``accounts.context.usable_codes``, ``portal.holds_any_option``,
the API token authentication), evaluated on every request: a withdrawn code or option takes
effect at the employee's next request, on the portal and the API. Tokens of a withdrawn code are
also revoked.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.accounts.models import Grant, OceCode, User
from ecuapass.notifications.models import Category
from ecuapass.notifications.services import SENDER_SENAE, notify
from ecuapass.portal.models import Access, GrantedOption, MenuEntry

from .models import Solicitud

SUBJECT = "COMUNICADO DE ECUAPASS - ADMINISTRACIÓN DE EMPLEADO"


def employees_of(operator):
    return User.objects.filter(operator=operator, kind=User.Kind.EMPLEADO)


def employee_for(rep, pk: int) -> User:
    """The employee ``pk`` of the representative's operator (404-like PermissionDenied otherwise)."""
    employee = employees_of(rep.operator).filter(pk=pk).first()
    if employee is None:
        raise PermissionDenied
    return employee


def grantable_entries(oce_code) -> list[MenuEntry]:
    """Menu options a representative may grant under ``oce_code`` (bound to grants, shown)."""
    type_code = oce_code.registration.oce_type.code
    return list(
        MenuEntry.objects.filter(active=True, available=True, access=Access.GRANT)
        .filter(Q(oce_types__isnull=True) | Q(oce_types__code=type_code))
        .distinct()
        .order_by("sort_key")
    )


def company_codes(operator):
    return (
        OceCode.objects.filter(registration__operator=operator)
        .select_related("registration__oce_type")
        .order_by("code")
    )


def _tell(employee, body: str) -> None:
    notify(
        sender=SENDER_SENAE, subject=SUBJECT, body=body, category=Category.SECURITY, user=employee
    )


def set_grants(rep, employee: User, chosen: dict[str, list[str]], *, approve: bool = False):
    """Give ``employee`` exactly the codes in ``chosen`` ({código: [menu numbers]}).

    Codes not chosen lose their grant (and the employee's tokens on them); ``approve`` also
    activates a pending employee.
    """
    from ecuapass.api.models import ApiToken

    codes = {c.code: c for c in company_codes(rep.operator)}
    unknown = set(chosen) - set(codes)
    if unknown:
        raise PermissionDenied
    with transaction.atomic():
        employee = User.objects.select_for_update().get(pk=employee.pk)
        removed = Grant.objects.filter(user=employee).exclude(oce_code__code__in=list(chosen))
        removed_codes = list(removed.values_list("oce_code_id", flat=True))
        removed.delete()
        ApiToken.objects.filter(
            user=employee, oce_code_id__in=removed_codes, revoked_on=None
        ).update(revoked_on=timezone.now())
        for code_value, numbers in chosen.items():
            code = codes[code_value]
            grant, _c = Grant.objects.get_or_create(user=employee, oce_code=code)
            grant.approved, grant.all_options = True, False
            grant.save()
            allowed = {e.number: e for e in grantable_entries(code)}
            wanted = [allowed[n] for n in numbers if n in allowed]
            GrantedOption.objects.filter(grant=grant).exclude(
                entry__in=[e.pk for e in wanted]
            ).delete()
            have = set(GrantedOption.objects.filter(grant=grant).values_list("entry_id", flat=True))
            GrantedOption.objects.bulk_create(
                [GrantedOption(grant=grant, entry=e) for e in wanted if e.pk not in have]
            )
        approved_now = approve and employee.state == User.State.PENDING
        if approved_now:
            employee.state, employee.is_active = User.State.ACTIVE, True
            employee.save(update_fields=["state", "is_active"])
            Solicitud.objects.filter(user=employee, state=Solicitud.State.PENDIENTE).update(
                state=Solicitud.State.APROBADA, decided_by=rep, decided_on=timezone.now()
            )
        summary = "; ".join(f"{c}: {', '.join(n) or '-'}" for c, n in sorted(chosen.items()))
        _tell(
            employee,
            (
                _("Su solicitud de empleado fue aprobada por %(rep)s. Códigos y opciones: %(s)s.")
                if approved_now
                else _("Sus códigos y opciones fueron modificados por %(rep)s: %(s)s.")
            )
            % {"rep": rep.get_full_name(), "s": summary or "-"},
        )
    return employee


def reject(rep, employee: User, reason: str) -> User:
    with transaction.atomic():
        employee = User.objects.select_for_update().get(pk=employee.pk)
        if employee.state != User.State.PENDING:
            raise PermissionDenied
        Grant.objects.filter(user=employee).delete()
        employee.state, employee.is_active = User.State.SUSPENDED, False
        employee.save(update_fields=["state", "is_active"])
        Solicitud.objects.filter(user=employee, state=Solicitud.State.PENDIENTE).update(
            state=Solicitud.State.RECHAZADA,
            reason=reason,
            decided_by=rep,
            decided_on=timezone.now(),
        )
        _tell(employee, _("Su solicitud de empleado fue rechazada. Motivo: %(r)s") % {"r": reason})
    return employee


def suspend(rep, employee: User) -> User:
    with transaction.atomic():
        employee.state, employee.is_active = User.State.SUSPENDED, False
        employee.save(update_fields=["state", "is_active"])
        _tell(employee, _("Su usuario fue suspendido por el representante de la empresa."))
    return employee


def reactivate(rep, employee: User) -> User:
    with transaction.atomic():
        employee.state, employee.is_active = User.State.ACTIVE, True
        employee.save(update_fields=["state", "is_active"])
        _tell(employee, _("Su usuario fue reactivado por el representante de la empresa."))
    return employee
