"""Notas de crédito: tributes lowered after the fact — an approved correction (DAI-COR/SUS) or
an aforo whose reliquidación is below the liquidación — are credited, never edited away.

``for_lowering`` issues one nota de crédito per source (idempotent) with its own gap-free number
``NC-distrito-año-secuencial`` and applies it at once to the same DAI's unpaid tributes as
**adjusting entries** (``Payment`` kind ajuste, principal only: a tribute that was not owed
bears no interest), so their due amount simply drops; what is left — the part already paid — is
the debtor's **saldo a favor**, shown in 1.12, which the operator ``apply``-s to another pending
obligation of the same debtor (``Payment`` kind credito: the whole amount due today when the
saldo reaches it, otherwise principal and interest to the day in proportion). Sums reconcile: a nota's amount is
its applications plus its saldo; an obligation's settled principal never exceeds its amount."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecuapass.core.money import cents
from ecuapass.core.numbering import next_value

from .errors import ObligacionError
from .models import ZERO, Concept, NotaCredito, Obligation, Payment
from .services import amount_due, paid_principal, settle_if_covered, source_key_of

COLLECTOR = "NOTA-CREDITO"
LEGAL_BASIS = (
    "Código Tributario arts. 51 y 122 a 123 (compensación; pago en exceso) y COPCI art. 115; "
    "base de muestra, no oficial"
)
TRIBUTE_CONCEPTS = (Concept.LIQUIDACION, Concept.COMPLEMENTARIA)


def numero_for(distrito: str, on) -> str:
    seq = next_value(f"obligaciones.nota_credito:{distrito}:{on.year}")
    return f"NC-{distrito}-{on.year:04d}-{seq:08d}"


def applied(nota: NotaCredito) -> Decimal:
    return Payment.objects.filter(nota_credito=nota).aggregate(s=Sum("total"))["s"] or ZERO


def saldo(nota: NotaCredito) -> Decimal:
    return nota.amount - applied(nota)


def issue(
    debtor_ruc: str,
    amount,
    *,
    source,
    distrito: str,
    edoc=None,
    debtor_name: str = "",
    description: str = "",
) -> NotaCredito | None:
    """A nota de crédito (idempotent per ``source``); None when there is nothing to credit."""
    amount = cents(amount)
    if amount <= 0:
        return None
    key = source_key_of(source)
    with transaction.atomic():
        existing = NotaCredito.objects.filter(source_key=key).first()
        if existing is not None:
            return existing
        now = timezone.now()
        return NotaCredito.objects.create(
            numero=numero_for(distrito, timezone.localdate(now)),
            debtor_ruc=debtor_ruc,
            debtor_name=debtor_name[:300],
            distrito=distrito,
            edoc=edoc,
            source_key=key,
            amount=amount,
            issued_on=now,
            description=str(description)[:300],
            legal_basis=LEGAL_BASIS,
        )


def for_lowering(edoc, amount, *, source, description: str = "") -> NotaCredito | None:
    """Credit ``amount`` lowered from the DAI ``edoc``'s tributes (idempotent per ``source``):
    the DAI's unpaid tributes drop first (adjusting entries), the rest is saldo a favor."""
    dai = edoc.content
    with transaction.atomic():
        if NotaCredito.objects.filter(source_key=source_key_of(source)).exists():
            return NotaCredito.objects.get(source_key=source_key_of(source))
        nota = issue(
            dai.importador_ruc,
            amount,
            source=source,
            distrito=dai.distrito,
            edoc=edoc,
            debtor_name=dai.importador_nombre,
            description=description,
        )
        if nota is None:
            return None
        for obligation in (
            Obligation.objects.select_for_update()
            .filter(edoc=edoc, state__in=Obligation.OPEN, concept__in=TRIBUTE_CONCEPTS)
            .order_by("-pk")
        ):
            if saldo(nota) <= 0:
                break
            _draw(nota, obligation, kind=Payment.Kind.AJUSTE, at=nota.issued_on)
        _notify(nota)
    return nota


def _draw(nota, locked, *, kind, at, user=None) -> Payment:
    available = saldo(nota)
    outstanding = locked.amount - paid_principal(locked)
    if kind == Payment.Kind.AJUSTE:
        principal, interest = min(available, outstanding), ZERO
    else:
        due = amount_due(locked, timezone.localdate(at))
        if available >= due.total:
            principal, interest = due.principal, due.interest
        else:
            # In proportion: simple interest is linear in the principal, so what remains
            # bears exactly its own interest from the exigible date.
            principal = min(cents(due.principal * available / due.total), outstanding)
            interest = available - principal
    row = Payment.objects.create(
        obligation=locked,
        kind=kind,
        principal=principal,
        interest=interest,
        total=principal + interest,
        paid_at=at,
        fecha_contable=timezone.localdate(at),
        collector=COLLECTOR,
        reference=nota.numero,
        nota_credito=nota,
        by_user=user if getattr(user, "is_authenticated", False) else None,
    )
    settle_if_covered(locked, row)
    return row


def apply(nota: NotaCredito, obligation: Obligation, *, user=None) -> Payment:
    """Apply the saldo a favor of ``nota`` to a pending obligation of the same debtor."""
    with transaction.atomic():
        nota = NotaCredito.objects.select_for_update().get(pk=nota.pk)
        locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if locked.debtor_ruc != nota.debtor_ruc:
            raise ObligacionError(
                _("La nota de crédito solo se aplica a obligaciones del mismo deudor."),
                field="obligacion",
            )
        if not locked.is_open:
            raise ObligacionError(
                _("La obligación %(n)s no está pendiente de pago.") % {"n": locked.numero},
                field="obligacion",
            )
        if saldo(nota) <= 0:
            raise ObligacionError(_("La nota de crédito no tiene saldo."), field="obligacion")
        return _draw(nota, locked, kind=Payment.Kind.CREDITO, at=timezone.now(), user=user)


def with_saldo(qs):
    """Notas annotated with ``saldo`` (amount less what was drawn), in one query."""
    from django.db.models import F, Value
    from django.db.models.functions import Coalesce

    return qs.annotate(
        usado=Coalesce(Sum("aplicaciones__total"), Value(ZERO)), saldo=F("amount") - F("usado")
    )


def saldo_a_favor(ruc: str) -> Decimal:
    notas = with_saldo(NotaCredito.objects.filter(debtor_ruc=ruc))
    return sum((n.saldo for n in notas), ZERO)


def _notify(nota: NotaCredito) -> None:
    from .notices import to_operator

    to_operator(
        nota.debtor_ruc,
        subject=gettext_lazy("NOTA DE CRÉDITO - %(t)s"),
        body=gettext_lazy(
            "Se emitió la nota de crédito %(t)s por USD %(m)s: %(d)s. Se aplicó a los "
            "tributos impagos de la declaración; el resto queda como saldo a favor en "
            "«Obligaciones pendientes de pago»."
        ),
        params={"t": nota.numero, "m": nota.amount, "d": nota.description},
        related=nota.edoc,
    )
