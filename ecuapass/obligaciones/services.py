"""The ledger's public services: issue obligations, tell what is due, pay, reverse.

Other contexts call these (never the models):

* ``issue_obligation(debtor_ruc, concept, components, *, source=…)`` — one obligation per
  source (idempotent: issuing again for the same source returns the existing one).
* ``amount_due(obligation, on)`` — principal outstanding plus interest to the day.
* ``pay(obligation, amount=…, collector=…, reference=…)`` / ``reverse(payment, …)``.
* ``obligation_paid`` — a signal sent inside the paying transaction when an obligation
  becomes fully paid (``sender=Obligation, obligation=…, payment=…``); ``obligation_unpaid``
  when a reversal reopens it.

Every action runs in one transaction; errors are ``ObligacionError`` (Spanish, field named).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.core.db import insert
from ecuapass.core.formatting import money
from ecuapass.core.money import cents
from ecuapass.core.numbering import next_value
from ecuapass.edocs import batch

from .errors import ObligacionError
from .interest import interest_for
from .models import ZERO, Component, Concept, Obligation, Payment
from .reference_data import legal_bases

# Sent inside the transaction that completes the payment of an obligation.
obligation_paid = Signal()
# Sent inside the transaction of a reversal that makes a paid obligation pending again.
obligation_unpaid = Signal()

NATIONAL = "000"  # distrito of obligations not tied to a distrito aduanero (e.g. VUE tasas)


@dataclass(frozen=True)
class Line:
    """One component: a code (AD-VALOREM, IVA, MULTA, TASA…), its amount, its legal basis."""

    code: str
    amount: Decimal
    legal_basis: str = ""


@dataclass(frozen=True)
class Due:
    principal: Decimal
    interest: Decimal
    on: date

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


def source_key_of(source) -> str:
    """``"app_label.model:pk"`` of a model instance (the obligation's origin)."""
    if isinstance(source, str):
        return source[:80]
    meta = source._meta
    return f"{meta.app_label}.{meta.model_name}:{source.pk}"


def for_source(source):
    """The obligation issued for ``source`` (a model instance or a source key), or None."""
    return Obligation.objects.filter(source_key=source_key_of(source)).first()


def numero_for(distrito: str, on: date) -> str:
    """``distrito-año-secuencial`` from a gap-free sequence (call inside the transaction)."""
    seq = next_value(f"obligaciones.liquidacion:{distrito}:{on.year}")
    return f"{distrito}-{on.year:04d}-{seq:08d}"


def _lines(components: Iterable) -> list[Line]:
    bases = legal_bases()
    lines = []
    for c in components:
        if isinstance(c, Line):
            line = c
        elif isinstance(c, dict):
            line = Line(c["code"], c["amount"], c.get("legal_basis", ""))
        else:
            line = Line(*c)
        code = str(line.code).strip().upper()[:20]
        basis = (line.legal_basis or bases.get(code, "")).strip()
        if not code:
            raise ObligacionError(_("Cada componente necesita un código."), field="componentes")
        if not basis:
            raise ObligacionError(
                _("El componente %(c)s necesita su base legal.") % {"c": code},
                field="componentes",
            )
        lines.append(Line(code, cents(line.amount), basis[:300]))
    return lines


def issue_obligation(
    debtor_ruc: str,
    concept: str,
    components: Iterable,
    *,
    source,
    distrito: str = NATIONAL,
    edoc=None,
    debtor_name: str = "",
    description: str = "",
    exigible_on: date | None = None,
    issued_on: datetime | None = None,
    plan=None,
) -> Obligation:
    """Issue one obligation (idempotent per ``source``); returns it.

    ``components``: ``Line`` objects, dicts ``{"code", "amount", "legal_basis"}`` or tuples;
    a missing legal basis is taken from the ledger's catalog (data/componentes.csv).
    ``source``: the model instance (or e-doc) it comes from, or a source key string.
    ``edoc``: the document whose release (levante) waits for it, if any.
    """
    if concept not in Concept.values:
        raise ObligacionError(_("Concepto de obligación desconocido."), field="concepto")
    lines = _lines(components)
    amount = sum((line.amount for line in lines), ZERO)
    if amount <= 0:
        raise ObligacionError(
            _("El monto de la obligación debe ser mayor que cero."), field="monto"
        )
    key = source_key_of(source)
    # Issued a moment ago by the same document's processing in a worker's batch (e.g. the
    # DAI's liquidación at acceptance, issued again by the automatic cierre's effect).
    issued = batch.recalled(("obligaciones.issued", key))
    if issued is not None:
        return issued
    issued_on = issued_on or timezone.now()
    # No savepoint of its own: whatever fails here fails the caller's transaction (or its
    # savepoint) with it; nobody catches a failure of it and goes on in the same transaction.
    with transaction.atomic(savepoint=False):
        existing = (
            None
            if batch.known_absent(_SOURCES, key, _batch_sources, _issued_sources)
            else Obligation.objects.filter(source_key=key).first()
        )
        if existing is not None:
            return existing
        # save(force_insert=True) with its signals, the statement built once (core.db.insert)
        [obligation] = insert(
            [
                Obligation(
                    numero=numero_for(distrito or NATIONAL, timezone.localdate(issued_on)),
                    debtor_ruc=debtor_ruc,
                    debtor_name=debtor_name[:300],
                    concept=concept,
                    description=str(description)[:300],
                    distrito=distrito or NATIONAL,
                    edoc=edoc,
                    source_key=key,
                    amount=amount,
                    issued_on=issued_on,
                    exigible_on=exigible_on or timezone.localdate(issued_on),
                    plan=plan,
                )
            ],
            signals=True,
        )
        components = [
            Component(
                obligation=obligation, code=ln.code, amount=ln.amount, legal_basis=ln.legal_basis
            )
            for ln in lines
        ]
        # In a worker's batch, written with the batch's other components in one INSERT at its
        # end (nothing in a batch reads them back; edocs.batch.insert_at_end); otherwise one
        # INSERT … VALUES for its few components now (core.db.insert).
        if batch.active():
            for component in components:
                batch.insert_at_end(component)
        else:
            insert(components)
    batch.remember(("obligaciones.issued", key), obligation)
    batch.written(_SOURCES, key)
    return obligation


_SOURCES = "obligaciones.source_key"


def _batch_sources() -> set[str]:
    """The source keys of a worker's batch's contents (e.g. its DAIs: their liquidaciones)."""
    return {
        source_key_of(e._content_cache)
        for e in batch.held()
        if getattr(e, "_content_cache", None) is not None
    }


def _issued_sources(keys: set[str]) -> set[str]:
    return set(Obligation.objects.filter(source_key__in=keys).values_list("source_key", flat=True))


def paid_principal(obligation: Obligation) -> Decimal:
    return obligation.payments.aggregate(s=Sum("principal"))["s"] or ZERO


def amount_due(obligation: Obligation, on: date | None = None, *, paid=None, rates=None) -> Due:
    """What paying ``obligation`` costs on ``on`` (today): outstanding principal + interest.

    Lists pass ``paid`` (annotated principal paid) and ``rates`` (``interest.rates_until``) so
    that a page costs no query per row.
    """
    on = on or timezone.localdate()
    if not obligation.is_open:
        return Due(ZERO, ZERO, on)
    principal = obligation.amount - (paid_principal(obligation) if paid is None else paid)
    return Due(principal, interest_for(principal, obligation.exigible_on, on, rates), on)


def find(numero: str) -> Obligation | None:
    """The obligation with this número de liquidación, or whose título de crédito it is."""
    obligation = Obligation.objects.filter(numero=str(numero).strip()[:30]).first()
    if obligation is None:
        from .titulos import find as by_titulo

        obligation = by_titulo(numero)
    return obligation


def pay(
    obligation: Obligation,
    *,
    amount: Decimal,
    collector: str,
    reference: str = "",
    paid_at: datetime | None = None,
    user=None,
) -> Payment:
    """Collect the whole amount due today; partial or wrong amounts are refused.

    In the same transaction: the obligation becomes «pagada», ``obligation_paid`` is sent and
    the document it belongs to gets its levante if everything is now covered.
    """
    paid_at = paid_at or timezone.now()
    on = timezone.localdate(paid_at)
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if not locked.is_open:
            raise ObligacionError(
                _("La obligación %(n)s no está pendiente de pago (estado: %(s)s).")
                % {"n": locked.numero, "s": locked.get_state_display()},
                code="no_pendiente",
            )
        due = amount_due(locked, on)
        try:
            amount = cents(amount)
        except (ArithmeticError, TypeError, ValueError) as exc:
            raise ObligacionError(_("Monto no válido."), field="monto") from exc
        if amount < due.total:
            raise ObligacionError(
                _("No se aceptan pagos parciales: el valor a pagar hoy es USD %(t)s.")
                % {"t": money(due.total)},
                field="monto",
                code="pago_parcial",
            )
        if amount != due.total:
            raise ObligacionError(
                _("El monto no corresponde: el valor a pagar hoy es USD %(t)s.")
                % {"t": money(due.total)},
                field="monto",
                code="monto_incorrecto",
            )
        payment = Payment.objects.create(
            obligation=locked,
            principal=due.principal,
            interest=due.interest,
            total=due.total,
            paid_at=paid_at,
            fecha_contable=on,
            collector=collector[:20],
            reference=str(reference)[:60],
            by_user=user if getattr(user, "is_authenticated", False) else None,
        )
        settle_if_covered(locked, payment)
    return payment


def settle_if_covered(locked: Obligation, payment: Payment) -> bool:
    """After ``payment`` (a payment, an adjusting entry, an application of credit): when the
    rows cover the whole amount, the obligation is «pagada», ``obligation_paid`` is sent and its
    document gets the levante if everything is covered now. Call under the obligation's lock."""
    if paid_principal(locked) < locked.amount:
        return False
    locked.state = Obligation.State.PAGADA
    locked.paid_on = payment.paid_at
    locked.save(update_fields=["state", "paid_on"])
    obligation_paid.send(sender=Obligation, obligation=locked, payment=payment)
    if locked.edoc_id:
        from .levante import release_if_covered

        release_if_covered(locked.edoc)
    return True


def reverse(payment: Payment, *, collector: str, user=None, at: datetime | None = None) -> Payment:
    """The collecting bank reverses its own payment, the same day; the obligation reopens."""
    at = at or timezone.now()
    with transaction.atomic():
        original = Payment.objects.select_for_update().get(pk=payment.pk)
        if original.kind != Payment.Kind.PAGO or original.collector != collector:
            raise ObligacionError(_("Solo se reversa un pago propio."), code="no_reversible")
        if Payment.objects.filter(reverses=original).exists():
            raise ObligacionError(_("El pago ya fue reversado."), code="ya_reversado")
        if timezone.localdate(at) != original.fecha_contable:
            raise ObligacionError(
                _("Un pago solo puede reversarse el mismo día en que se hizo."),
                code="fuera_de_plazo",
            )
        obligation = Obligation.objects.select_for_update().get(pk=original.obligation_id)
        if obligation.edoc_id and _released(obligation.edoc):
            raise ObligacionError(
                _("La mercancía ya tiene salida autorizada: el pago no puede reversarse."),
                code="levante_otorgado",
            )
        reversal = Payment.objects.create(
            obligation=obligation,
            kind=Payment.Kind.REVERSO,
            principal=-original.principal,
            interest=-original.interest,
            total=-original.total,
            paid_at=at,
            fecha_contable=timezone.localdate(at),
            collector=original.collector,
            reference=original.reference,
            reverses=original,
            by_user=user if getattr(user, "is_authenticated", False) else None,
        )
        # Reopened: pending again, or still under its título de crédito.
        obligation.state = (
            Obligation.State.VENCIDA
            if hasattr(obligation, "titulo")
            else Obligation.State.PENDIENTE
        )
        obligation.paid_on = None
        obligation.save(update_fields=["state", "paid_on"])
        obligation_unpaid.send(sender=Obligation, obligation=obligation, payment=reversal)
    return reversal


def _released(edoc) -> bool:
    from .levante import SALIDA_AUTORIZADA

    return edoc.estado_documento == SALIDA_AUTORIZADA


def annul_for_document(edoc, *, reason: str = "") -> int:
    """An anulada declaration's open obligations are annulled (the ledger keeps them)."""
    return Obligation.objects.filter(edoc=edoc, state__in=Obligation.OPEN).update(
        state=Obligation.State.ANULADA
    )


def totals_for_document(edoc) -> Decimal:
    """The sum of the document's obligations (not annulled) less its notas de crédito (the
    tributes lowered afterwards): what its page shows as liquidado."""
    from .models import NotaCredito

    owed = (
        Obligation.objects.filter(edoc=edoc)
        .exclude(state=Obligation.State.ANULADA)
        .aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    return owed - (NotaCredito.objects.filter(edoc=edoc).aggregate(s=Sum("amount"))["s"] or ZERO)
