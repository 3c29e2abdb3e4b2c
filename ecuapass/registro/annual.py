"""The annual update (Res. SENAE-DGN-2016-0364-RE): every representative confirms or updates its
registration each January.

Dated rule, dates from settings (month, day):

* ``ANNUAL_UPDATE_REMINDER_FROM`` (default 12-01): from this day of the previous year the
  representatives who have not confirmed for the coming year get a reminder (buzón + e-mail,
  once per year: ``manage.py annual_update_reminders``, run daily).
* ``ANNUAL_UPDATE_DEADLINE`` (default 01-31): after it, a representative registered before the
  year began who has not confirmed for the year is disabled — its portal session reaches only the
  confirmation page and 3.2.3 (``AnnualUpdateMiddleware``) and its API requests, by token or
  session, are refused (``api.permissions.ScopedToOce``, reading ``latest_confirmed`` from the
  user's access snapshot, section ``annual``) — until it confirms (``confirm``) or updates its
  registration (3.2.3 counts as confirming). A confirmation made for the coming year (from the
  reminder day on) lifts a hold of the current one too.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecuapass.accounts.models import User

from .models import ConfirmacionAnual

SUBJECT = "COMUNICADO DE ECUAPASS - ACTUALIZACIÓN ANUAL DE REGISTRO {year}"
SESSION_OK = "ecuapass_annual_ok"


def _month_day(name: str, default: tuple[int, int]) -> tuple[int, int]:
    value = getattr(settings, name, None)
    if not value:
        return default
    month, day = (int(x) for x in str(value).split("-"))
    return month, day


def deadline(year: int) -> dt.date:
    month, day = _month_day("ANNUAL_UPDATE_DEADLINE", (1, 31))
    return dt.date(year, month, day)


def reminder_from(year: int) -> dt.date:
    """The first reminder day for the update of ``year`` (in the previous year by default)."""
    month, day = _month_day("ANNUAL_UPDATE_REMINDER_FROM", (12, 1))
    return dt.date(year - 1 if month > deadline(year).month else year, month, day)


def target_year(today: dt.date) -> int:
    """The year whose update is due or coming on ``today``."""
    return today.year + 1 if today >= reminder_from(today.year + 1) else today.year


def applies_to(user) -> bool:
    return getattr(user, "kind", None) == User.Kind.REPRESENTANTE


def latest_confirmed(user) -> int | None:
    """The latest year the representative confirmed its registration for (0: never; None for
    users the rule does not apply to, without a query). A section of the user's access snapshot
    (``accounts.access_cache``), invalidated by a new confirmation (``connect``)."""
    if not applies_to(user):
        return None
    latest = ConfirmacionAnual.objects.filter(user_id=user.pk).aggregate(m=Max("year"))["m"]
    return latest or 0


def overdue(user, today: dt.date | None = None, *, latest: int | None = None) -> bool:
    """Disabled by the rule: past the year's deadline without confirming for the year (or a later
    one). ``latest``: ``latest_confirmed(user)`` when the caller has it (else one query)."""
    today = today or timezone.localdate()
    if not applies_to(user) or today <= deadline(today.year):
        return False
    if timezone.localtime(user.date_joined).date() >= dt.date(today.year, 1, 1):
        return False  # registered this year: its registration is current
    if latest is None:
        latest = latest_confirmed(user)
    return latest < today.year


HOLD_MESSAGE = gettext_lazy(
    "El registro de su empresa requiere la actualización anual: el representante legal debe "
    "confirmarlo o actualizarlo en el portal (Soporte al Cliente > 3.2.3) para seguir usando "
    "ECUAPASS."
)


def confirm(user, today: dt.date | None = None) -> None:
    year = target_year(today or timezone.localdate())
    try:
        with transaction.atomic():
            ConfirmacionAnual.objects.create(user=user, year=year)
    except IntegrityError:
        pass


def due_for_reminder(today: dt.date):
    """Representatives to remind on ``today`` (between the reminder day and the deadline)."""
    year = target_year(today)
    if not (reminder_from(year) <= today <= deadline(year)):
        return User.objects.none(), year
    done = ConfirmacionAnual.objects.filter(year=year).values("user_id")
    return (
        User.objects.filter(kind=User.Kind.REPRESENTANTE, state=User.State.ACTIVE, is_active=True)
        .exclude(pk__in=done)
        .order_by("pk"),
        year,
    )


def send_reminders(today: dt.date | None = None) -> int:
    """One reminder per representative and year (idempotent)."""
    from ecuapass.notifications.models import Category, Notification
    from ecuapass.notifications.services import SENDER_SENAE, notify

    today = today or timezone.localdate()
    users, year = due_for_reminder(today)
    subject = SUBJECT.format(year=year)
    sent = 0
    for user in users.iterator():
        if Notification.objects.filter(user=user, subject=subject).exists():
            continue
        notify(
            sender=SENDER_SENAE,
            subject=subject,
            body=_(
                "Estimado %(name)s: hasta el %(deadline)s debe confirmar o actualizar la"
                " información de registro de su empresa en ECUAPASS (Soporte al Cliente > 3.2.3)."
                " Los usuarios no actualizados a esa fecha quedarán deshabilitados hasta que lo"
                " hagan."
            )
            % {"name": user.get_full_name(), "deadline": deadline(year).strftime("%d/%m/%Y")},
            category=Category.SECURITY,
            user=user,
        )
        sent += 1
    return sent


def session_mark() -> str:
    """What a session remembers once checked: valid until the year or the deadline's side changes."""
    today = timezone.localdate()
    return f"{today.year}:{int(today > deadline(today.year))}"


def connect() -> None:
    """The user's access snapshot carries ``latest_confirmed`` (section ``annual``); a new
    confirmation bumps the user's access version, so the hold lifts on the next request."""
    from ecuapass.accounts.access_cache import bump_on_change, register_section

    register_section("annual", lambda user, _code: latest_confirmed(user))
    bump_on_change(ConfirmacionAnual, lambda confirmation: confirmation.user_id)
