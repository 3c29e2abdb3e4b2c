"""1.11 Solicitud de facilidades de pago para obligaciones pendientes.

The operator selects open obligations, proposes a down payment (at least
``ECUAPASS_FACILIDAD_CUOTA_MINIMA_PCT`` of the total) and a number of monthly dividends (up to
``ECUAPASS_FACILIDAD_MAX_DIVIDENDOS``), sees the amortisation table (French system, interest on
the outstanding balance at the rate in force), and files it as the e-doc type FAC. A supervisor
of the distrito approves (the plan, its cuota inicial and dividends become obligations; the
covered obligations stop being exigible) or denies with a reason. Two consecutive missed
dividends cancel the plan (``revisar_facilidades``): the unpaid balance becomes one obligation
exigible at once.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.core.formatting import money
from ecuapass.core.money import cents
from ecuapass.core.numbering import next_value

from .models import ZERO, Concept, Obligation, PaymentPlan, SolicitudFacilidad
from .services import Line, amount_due, issue_obligation

CODE = "FAC"
APROBADA = "facilidad_aprobada"
DENEGADA = "facilidad_denegada"
PROCESS = "facilidades"
CAPITAL_BASIS = "Código Tributario art. 152 y 153 (facilidades de pago); COPCI art. 116"


def minimum_pct() -> Decimal:
    return Decimal(str(getattr(settings, "ECUAPASS_FACILIDAD_CUOTA_MINIMA_PCT", "20")))


def max_dividends() -> int:
    return int(getattr(settings, "ECUAPASS_FACILIDAD_MAX_DIVIDENDOS", 24))


def garantia_threshold() -> Decimal:
    return Decimal(str(getattr(settings, "ECUAPASS_FACILIDAD_GARANTIA_UMBRAL", "10000")))


def annual_rate(on: date) -> Decimal:
    from .models import TasaInteres

    row = TasaInteres.objects.filter(valid_from__lte=on).order_by("-valid_from").first()
    return row.annual_rate if row else Decimal("0")


@dataclass(frozen=True)
class Dividend:
    n: int
    due_on: date
    capital: Decimal
    interest: Decimal
    balance: Decimal

    @property
    def total(self) -> Decimal:
        return self.capital + self.interest

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "vence": self.due_on.isoformat(),
            "capital": str(self.capital),
            "intereses": str(self.interest),
            "cuota": str(self.total),
            "saldo": str(self.balance),
        }


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def amortisation(balance: Decimal, n: int, rate: Decimal, start: date) -> list[Dividend]:
    """French system: equal monthly payments, interest on the outstanding balance (cents
    half-up per row), the last row clears the balance exactly."""
    balance = cents(balance)
    r = rate / Decimal("1200")
    if r:
        payment = cents(balance * r / (1 - (1 + r) ** -n))
    else:
        payment = cents(balance / n)
    rows = []
    for k in range(1, n + 1):
        interest = cents(balance * r)
        capital = balance if k == n else min(balance, payment - interest)
        balance = balance - capital
        rows.append(Dividend(k, add_months(start, k), capital, interest, balance))
    return rows


def total_of(obligations, on: date) -> Decimal:
    return sum((amount_due(o, on).total for o in obligations), ZERO)


def preview(obligations, cuota_inicial: Decimal, dividendos: int, on: date) -> dict:
    total = total_of(obligations, on)
    rate = annual_rate(on)
    rows = amortisation(total - cuota_inicial, dividendos, rate, on)
    return {"total": total, "rate": rate, "rows": rows}


# --- approval (effect of the FAC lifecycle's «aprobar», in its transaction) ----------------------
def approve(edoc) -> PaymentPlan:
    solicitud = SolicitudFacilidad.objects.get(edoc=edoc)
    today = timezone.localdate()
    covered = list(solicitud.obligations.select_for_update().order_by("pk"))
    if any(not o.is_open for o in covered):
        raise ValueError("obligation no longer open")
    total = total_of(covered, today)
    cuota = solicitud.cuota_inicial
    rows = amortisation(total - cuota, solicitud.dividendos, annual_rate(today), today)
    plan = PaymentPlan.objects.create(
        edoc=edoc, debtor_ruc=solicitud.debtor_ruc, approved_on=timezone.now(), total=total
    )
    Obligation.objects.filter(pk__in=[o.pk for o in covered]).update(
        state=Obligation.State.EN_FACILIDAD, plan=plan
    )
    common = {
        "distrito": solicitud.distrito or "000",
        "debtor_name": solicitud.debtor_name,
        "plan": plan,
    }
    issue_obligation(
        solicitud.debtor_ruc,
        Concept.CUOTA_INICIAL,
        [Line("CAPITAL", cuota, CAPITAL_BASIS)],
        source=f"obligaciones.paymentplan:{plan.pk}:cuota",
        description=_("Cuota inicial de la facilidad de pago %(n)s") % {"n": edoc.document_number},
        **common,
    )
    for row in rows:
        lines = [Line("CAPITAL", row.capital, CAPITAL_BASIS)]
        if row.interest:
            lines.append(Line("INTERESES", row.interest))
        issue_obligation(
            solicitud.debtor_ruc,
            Concept.DIVIDENDO,
            lines,
            source=f"obligaciones.paymentplan:{plan.pk}:{row.n}",
            description=_("Dividendo %(k)s de %(n)s de la facilidad de pago %(f)s")
            % {"k": row.n, "n": len(rows), "f": edoc.document_number},
            exigible_on=row.due_on,
            **common,
        )
    from .levante import release_if_covered

    for doc in {o.edoc for o in covered if o.edoc_id}:
        release_if_covered(doc)
    return plan


def plan_obligations(plan):
    return Obligation.objects.filter(plan=plan).exclude(state=Obligation.State.EN_FACILIDAD)


def on_paid(sender, obligation, payment, **kwargs):
    """A plan whose cuota inicial and dividends are all paid ends: its obligations are paid."""
    if not obligation.plan_id or obligation.concept not in (
        Concept.DIVIDENDO,
        Concept.CUOTA_INICIAL,
    ):
        return
    plan = PaymentPlan.objects.select_for_update().get(pk=obligation.plan_id)
    if plan.state != PaymentPlan.State.VIGENTE:
        return
    if plan_obligations(plan).filter(state__in=Obligation.OPEN).exists():
        return
    plan.state = PaymentPlan.State.TERMINADA
    plan.save(update_fields=["state"])
    Obligation.objects.filter(plan=plan, state=Obligation.State.EN_FACILIDAD).update(
        state=Obligation.State.PAGADA, paid_on=payment.paid_at
    )


# --- cancellation after two consecutive missed dividends ------------------------------------------
def missed_in_a_row(plan, on: date) -> int:
    """Dividends overdue and unpaid, counted from the earliest unpaid one."""
    dividends = Obligation.objects.filter(plan=plan, concept=Concept.DIVIDENDO).order_by(
        "exigible_on", "pk"
    )
    run = 0
    for d in dividends:
        if d.state == Obligation.State.PAGADA:
            run = 0
            continue
        if d.exigible_on < on:
            run += 1
        else:
            break
    return run


def cancel_if_defaulted(plan, on: date | None = None) -> Obligation | None:
    """Cancel ``plan`` after two consecutive missed dividends; returns the balance obligation."""
    on = on or timezone.localdate()
    with transaction.atomic():
        plan = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.state != PaymentPlan.State.VIGENTE or missed_in_a_row(plan, on) < 2:
            return None
        unpaid = list(plan_obligations(plan).filter(state__in=Obligation.OPEN))
        capital = ZERO
        interest = ZERO
        for o in unpaid:
            for c in o.components.all():
                if c.code == "INTERESES":
                    if o.exigible_on < on:
                        interest += c.amount
                else:
                    capital += c.amount
        Obligation.objects.filter(pk__in=[o.pk for o in unpaid]).update(
            state=Obligation.State.ANULADA
        )
        plan.state = PaymentPlan.State.CANCELADA
        plan.cancelled_on = timezone.now()
        plan.save(update_fields=["state", "cancelled_on"])
        lines = [Line("CAPITAL", capital, CAPITAL_BASIS)]
        if interest:
            lines.append(Line("INTERESES", interest))
        first = Obligation.objects.filter(plan=plan).order_by("pk").first()
        saldo = issue_obligation(
            plan.debtor_ruc,
            Concept.SALDO,
            lines,
            source=f"obligaciones.paymentplan:{plan.pk}:saldo",
            distrito=first.distrito if first else "000",
            debtor_name=first.debtor_name if first else "",
            description=_("Saldo de la facilidad de pago %(f)s cancelada por incumplimiento")
            % {"f": plan.edoc.document_number},
            exigible_on=on,
        )
        _notify_cancelled(plan, saldo)
    return saldo


def _notify_cancelled(plan, saldo) -> None:
    from django.utils.translation import gettext_lazy

    from ecuapass.edocs.lifecycle import Notice, send_notice

    send_notice(
        plan.edoc,
        Notice(
            subject=gettext_lazy("FACILIDAD DE PAGO CANCELADA - %(numero)s"),
            body=gettext_lazy(
                "La facilidad de pago %(numero)s fue cancelada por dos dividendos consecutivos "
                "impagos: el saldo es exigible de inmediato con intereses. %(nota)s"
            ),
        ),
        note=_("Obligación %(n)s por USD %(m)s.") % {"n": saldo.numero, "m": money(saldo.amount)},
    )


def review_all(on: date | None = None) -> int:
    """The daily job: cancel every defaulted plan; returns how many."""
    n = 0
    for plan in PaymentPlan.objects.filter(state=PaymentPlan.State.VIGENTE):
        if cancel_if_defaulted(plan, on) is not None:
            n += 1
    return n


def number(edoc, content) -> str:
    on = timezone.localdate(edoc.sent_on)
    distrito = content.distrito or "000"
    seq = next_value(f"obligaciones.facilidad:{distrito}:{on.year}")
    return f"{distrito}-{on.year:04d}-FP-{seq:08d}"
