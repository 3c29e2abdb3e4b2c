"""Abandono tácito (COPCI art. 142): grounds as dated rows (``CausalAbandono``); a daily job
(``manage.py revisar_abandono``) finds DAIs whose tributes are unpaid ``plazo_dias`` after
becoming exigible (obligations under a facilidad de pago or a garantía are not «open», so they
never count), marks them en abandono tácito with the multa to subsanar, notifies the operator and
opens the 25 business-day cure window (weekends and the national holidays of ``Feriado``).
Paying everything, multa included, cures it; otherwise the job declares it definitivo.

Only the ground of unpaid tributes is detected here: the other two need the cargo's arrival and
storage dates (the cargo context's data) and are loaded inactive.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Abandono, CausalAbandono, Concept, Feriado, Obligation
from .services import Line, issue_obligation

CURE_BUSINESS_DAYS = 25
TRIBUTOS_IMPAGOS = "TRIBUTOS_IMPAGOS"
TRIBUTE_CONCEPTS = (Concept.LIQUIDACION, Concept.COMPLEMENTARIA)


def is_business_day(day: date, holidays: set[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: date, days: int) -> date:
    """``start`` moved ``days`` business days ahead (Monday–Friday, not a national holiday)."""
    holidays = set(
        Feriado.objects.filter(
            fecha__gt=start, fecha__lte=start + timedelta(days=days * 3 + 30)
        ).values_list("fecha", flat=True)
    )
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            left -= 1
    return day


def causal_in_force(code: str, on: date) -> CausalAbandono | None:
    return (
        CausalAbandono.objects.filter(code=code, active=True, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )


def detect(on: date | None = None) -> list[Abandono]:
    """Mark the DAIs with tributes unpaid past the term; idempotent (one open abandono each)."""
    on = on or timezone.localdate()
    causal = causal_in_force(TRIBUTOS_IMPAGOS, on)
    if causal is None:
        return []
    limit = on - timedelta(days=causal.plazo_dias)
    edoc_ids = (
        Obligation.objects.filter(
            state__in=Obligation.OPEN,
            garantia__isnull=True,
            concept__in=TRIBUTE_CONCEPTS,
            exigible_on__lt=limit,
            edoc__isnull=False,
        )
        .exclude(edoc__abandonos__state=Abandono.State.TACITO)
        .values_list("edoc_id", flat=True)
        .distinct()
    )
    created = []
    for edoc_id in list(edoc_ids):
        with transaction.atomic():
            first = (
                Obligation.objects.select_related("edoc")
                .filter(edoc_id=edoc_id, concept__in=TRIBUTE_CONCEPTS)
                .order_by("pk")
                .first()
            )
            abandono = Abandono.objects.create(
                edoc=first.edoc,
                causal=causal,
                debtor_ruc=first.debtor_ruc,
                distrito=first.distrito,
                started_on=on,
                cure_until=add_business_days(on, CURE_BUSINESS_DAYS),
            )
            if causal.multa > 0:
                abandono.multa = issue_obligation(
                    first.debtor_ruc,
                    Concept.MULTA,
                    [Line("MULTA", causal.multa, causal.legal_basis)],
                    source=abandono,
                    distrito=first.distrito,
                    edoc=first.edoc,
                    debtor_name=first.debtor_name,
                    description=_("Multa por abandono tácito de la DAI %(n)s")
                    % {"n": first.edoc.document_number},
                )
                abandono.save(update_fields=["multa"])
            _notify(
                abandono,
                gettext_lazy("ABANDONO TÁCITO - %(n)s"),
                gettext_lazy(
                    "La mercancía de la declaración %(n)s está en abandono tácito (%(c)s). "
                    "Puede subsanarlo hasta el %(f)s pagando los tributos y la multa."
                ),
            )
            created.append(abandono)
    return created


def cure_if_paid(sender, obligation, payment, **kwargs) -> None:
    """``obligation_paid`` receiver: an abandono whose DAI owes nothing more is cured."""
    if not obligation.edoc_id:
        return
    for abandono in Abandono.objects.select_for_update().filter(
        edoc_id=obligation.edoc_id, state=Abandono.State.TACITO
    ):
        if not Obligation.objects.filter(
            edoc_id=obligation.edoc_id, state__in=Obligation.OPEN
        ).exists():
            abandono.state = Abandono.State.CURADO
            abandono.closed_on = timezone.localdate()
            abandono.save(update_fields=["state", "closed_on"])


def expire(on: date | None = None) -> int:
    """Abandonos tácitos past their cure window become definitivos."""
    on = on or timezone.localdate()
    n = 0
    for abandono in Abandono.objects.filter(state=Abandono.State.TACITO, cure_until__lt=on):
        abandono.state = Abandono.State.DEFINITIVO
        abandono.closed_on = on
        abandono.save(update_fields=["state", "closed_on"])
        _notify(
            abandono,
            gettext_lazy("ABANDONO DEFINITIVO - %(n)s"),
            gettext_lazy(
                "La mercancía de la declaración %(n)s quedó en abandono definitivo (%(c)s): "
                "venció el plazo para subsanar el %(f)s."
            ),
        )
        n += 1
    return n


def _notify(abandono, subject, body) -> None:
    from ecuapass.edocs.notices import CATEGORY, SENDER, recipients
    from ecuapass.notifications.services import notify

    params = {
        "n": abandono.edoc.document_number,
        "c": abandono.causal.name,
        "f": abandono.cure_until,
    }
    for code in recipients(abandono.edoc):
        notify(
            oce_code=code,
            subject=subject,
            body=body,
            params=params,
            sender=SENDER,
            category=CATEGORY,
            related=abandono.edoc,
        )


def for_operator(oce):
    return Abandono.objects.filter(debtor_ruc=oce.registration.operator.ruc)


def for_officer(officer):
    qs = Abandono.objects.all()
    if not officer.acts_everywhere:
        qs = qs.filter(distrito__in=sorted(officer.distrito_codes))
    return qs


def filtered(qs, *, estado: str = "", desde=None, hasta=None):
    if estado in Abandono.State.values:
        qs = qs.filter(state=estado)
    if desde:
        qs = qs.filter(started_on__gte=desde)
    if hasta:
        qs = qs.filter(started_on__lte=hasta)
    return qs.select_related("edoc", "causal").order_by("-started_on", "-pk")
