"""Garantías: registered by the operator (general: per operator, for a period and amount;
específica: per declaration), approved or rejected by a supervisor of SENAE, used to cover a
DAI's obligations so the goods leave before payment, **efectivizadas** by an officer when a
covered obligation is not paid (the garantía's amount is applied to it as a payment collected
by «GARANTIA», which is the history), and announced 30 days before they expire."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.core.formatting import fecha, money
from ecuapass.core.models import CustomsDistrict
from ecuapass.core.money import cents

from .errors import ObligacionError
from .models import ZERO, Garantia, GarantiaDistrito, Obligation, Payment

COLLECTOR = "GARANTIA"
EXPIRY_NOTICE_DAYS = 30


def register(
    operator_ruc: str,
    *,
    tipo: str,
    garante: str,
    numero: str,
    amount,
    valid_from: date,
    valid_to: date,
    edoc=None,
    distritos=(),
) -> Garantia:
    """Register a garantía. A específica answers in its declaration's distrito; a general one
    in the ``distritos`` it lists (at least one, each a distrito aduanero of the catalog)."""
    if tipo not in Garantia.Tipo.values:
        raise ObligacionError(_("Elija el tipo de garantía."), field="tipo")
    if not (garante or "").strip():
        raise ObligacionError(_("Indique el garante (banco o aseguradora)."), field="garante")
    if not (numero or "").strip():
        raise ObligacionError(_("Indique el número de la garantía."), field="numero")
    amount = cents(amount)
    if amount <= 0:
        raise ObligacionError(_("El monto de la garantía debe ser mayor que cero."), field="monto")
    if valid_to < valid_from or valid_to < timezone.localdate():
        raise ObligacionError(_("La vigencia de la garantía no es válida."), field="vigente_hasta")
    if tipo == Garantia.Tipo.ESPECIFICA and edoc is None:
        raise ObligacionError(
            _("Una garantía específica se registra para una declaración."), field="declaracion"
        )
    if tipo == Garantia.Tipo.ESPECIFICA:
        codes = [edoc.content.distrito]
    else:
        codes = sorted({str(c).strip() for c in distritos if str(c).strip()})
        known = set(
            CustomsDistrict.objects.filter(code__in=codes, active=True).values_list(
                "code", flat=True
            )
        )
        if not codes or set(codes) - known:
            raise ObligacionError(
                _("Elija los distritos aduaneros que cubre la garantía general."),
                field="distritos",
            )
    with transaction.atomic():
        garantia = Garantia.objects.create(
            tipo=tipo,
            operator_ruc=operator_ruc,
            edoc=edoc if tipo == Garantia.Tipo.ESPECIFICA else None,
            garante=garante.strip()[:200],
            numero=numero.strip()[:40],
            amount=amount,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        GarantiaDistrito.objects.bulk_create(
            GarantiaDistrito(garantia=garantia, distrito=code) for code in codes
        )
    return garantia


def for_officer(officer):
    """The garantías an officer sees and decides: those of its distritos (all for an
    administrador)."""
    qs = Garantia.objects.all()
    if not officer.acts_everywhere:
        qs = qs.filter(
            pk__in=GarantiaDistrito.objects.filter(
                distrito__in=sorted(officer.distrito_codes)
            ).values("garantia_id")
        )
    return qs


def may_decide(garantia: Garantia, officer) -> bool:
    """An officer decides a garantía only for every distrito it covers (a general garantía over
    several distritos: an officer of all of them, or an administrador); it sees it from any."""
    return officer.acts_everywhere or {d.distrito for d in garantia.distritos.all()} <= set(
        officer.distrito_codes
    )


def used(garantia: Garantia) -> Decimal:
    """What efectivizaciones took from the garantía."""
    return (
        Payment.objects.filter(collector=COLLECTOR, reference=f"G{garantia.pk}").aggregate(
            s=Sum("total")
        )["s"]
        or ZERO
    )


def covered_total(garantia: Garantia) -> Decimal:
    return (
        Obligation.objects.filter(garantia=garantia, state__in=Obligation.OPEN).aggregate(
            s=Sum("amount")
        )["s"]
        or ZERO
    )


def _open_uncovered(garantia: Garantia):
    qs = Obligation.objects.filter(
        debtor_ruc=garantia.operator_ruc,
        state__in=Obligation.OPEN,
        garantia__isnull=True,
        edoc__isnull=False,
        distrito__in=garantia.distritos.values("distrito"),
    )
    if garantia.tipo == Garantia.Tipo.ESPECIFICA:
        qs = qs.filter(edoc=garantia.edoc)
    return qs.order_by("exigible_on", "pk")


def apply(garantia: Garantia) -> list:
    """Cover the operator's open DAI obligations within the garantía's available amount, then
    give the levante to the DAIs now covered. Returns the documents released."""
    from .levante import release_if_covered

    if garantia.state != Garantia.State.APROBADA or garantia.valid_to < timezone.localdate():
        return []
    available = garantia.amount - used(garantia) - covered_total(garantia)
    touched = []
    for o in _open_uncovered(garantia).select_for_update():
        if o.amount > available:
            continue
        o.garantia = garantia
        o.save(update_fields=["garantia"])
        available -= o.amount
        touched.append(o.edoc)
    released = []
    for edoc in {e.pk: e for e in touched}.values():
        if release_if_covered(edoc):
            released.append(edoc)
    return released


def decide(garantia: Garantia, *, approve: bool, note: str = "", officer=None) -> Garantia:
    with transaction.atomic():
        garantia = Garantia.objects.select_for_update().get(pk=garantia.pk)
        if officer is not None and not may_decide(garantia, officer):
            raise ObligacionError(
                _(
                    "La garantía cubre los distritos %(d)s: la decide un funcionario de todos "
                    "ellos o el administrador."
                )
                % {"d": ", ".join(garantia.distrito_codes)}
            )
        if garantia.state != Garantia.State.REGISTRADA:
            raise ObligacionError(_("La garantía ya fue decidida."))
        if not approve and not (note or "").strip():
            raise ObligacionError(_("Indique el motivo del rechazo."), field="motivo")
        garantia.state = Garantia.State.APROBADA if approve else Garantia.State.RECHAZADA
        garantia.decided_on = timezone.now()
        garantia.note = (note or "").strip()[:2000]
        garantia.save(update_fields=["state", "decided_on", "note"])
        if approve:
            apply(garantia)
        _notify(
            garantia,
            _("GARANTÍA APROBADA - %(n)s") if approve else _("GARANTÍA RECHAZADA - %(n)s"),
            _("La garantía %(n)s de %(g)s por USD %(m)s fue %(d)s. %(nota)s"),
            decision=_("aprobada") if approve else _("rechazada"),
        )
    return garantia


def efectivizar(garantia: Garantia, obligation: Obligation, *, user=None) -> Payment:
    """Apply the garantía to an unpaid, exigible obligation it covers (a payment «GARANTIA»)."""
    from . import services

    with transaction.atomic():
        garantia = Garantia.objects.select_for_update().get(pk=garantia.pk)
        if garantia.state not in (Garantia.State.APROBADA, Garantia.State.VENCIDA):
            raise ObligacionError(_("La garantía no está aprobada."))
        if obligation.garantia_id != garantia.pk or not obligation.is_open:
            raise ObligacionError(
                _("La obligación no está cubierta por esta garantía o ya fue pagada.")
            )
        if obligation.exigible_on >= timezone.localdate():
            raise ObligacionError(_("La obligación aún no está vencida."))
        due = services.amount_due(obligation).total
        if due > garantia.amount - used(garantia):
            raise ObligacionError(_("El saldo de la garantía no alcanza para la obligación."))
        payment = services.pay(
            obligation, amount=due, collector=COLLECTOR, reference=f"G{garantia.pk}", user=user
        )
        if garantia.amount - used(garantia) <= 0:
            garantia.state = Garantia.State.EFECTIVIZADA
            garantia.save(update_fields=["state"])
        _notify(
            garantia,
            _("GARANTÍA EFECTIVIZADA - %(n)s"),
            _("La garantía %(n)s de %(g)s por USD %(m)s fue %(d)s. %(nota)s"),
            decision=_("efectivizada"),
            extra=_("Se aplicaron USD %(t)s a la obligación %(o)s.")
            % {"t": money(due), "o": obligation.numero},
        )
    return payment


def notify_expiring(on: date | None = None) -> int:
    """Notices 30 days before a garantía expires (once per garantía). Returns how many."""
    on = on or timezone.localdate()
    limit = on + timedelta(days=EXPIRY_NOTICE_DAYS)
    n = 0
    for garantia in Garantia.objects.filter(
        state=Garantia.State.APROBADA, valid_to__lte=limit, valid_to__gte=on, expiry_notice_on=None
    ):
        garantia.expiry_notice_on = on
        garantia.save(update_fields=["expiry_notice_on"])
        _notify(
            garantia,
            _("GARANTÍA POR VENCER - %(n)s"),
            _("La garantía %(n)s de %(g)s por USD %(m)s vence el %(d)s. %(nota)s"),
            decision=fecha(garantia.valid_to),
        )
        n += 1
    return n


def _notify(garantia, subject, body, *, decision: str, extra: str = "") -> None:
    from .notices import to_operator

    values = {
        "n": garantia.numero,
        "g": garantia.garante,
        "m": money(garantia.amount),
        "d": decision,
        "nota": (extra or garantia.note or ""),
    }
    to_operator(garantia.operator_ruc, subject=subject % values, body=body % values)
