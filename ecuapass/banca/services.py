"""What a bank does: consult an obligation, pay it, reverse its own payment, reconcile a day.

The bank's API and its "banca en línea" screen both call these; money moves only through the
ledger's services (``ecuapass.obligaciones.services``). Payments and reversals are idempotent
per ``Idempotency-Key`` of the bank: the first answer is stored and replayed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.obligaciones import services as ledger
from ecuapass.obligaciones.errors import ObligacionError
from ecuapass.obligaciones.models import Payment

from .models import BankRequest, EntidadFinanciera


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict


def entidad_of(user) -> EntidadFinanciera | None:
    """The active bank ``user`` acts for, or None."""
    if user is None or not user.is_authenticated or not getattr(user, "operator_id", None):
        return None
    return EntidadFinanciera.objects.filter(operator_id=user.operator_id, active=True).first()


def _error(status: int, code: str, detail: str, field: str | None = None) -> Answer:
    body = {"error": code, "detail": str(detail)}
    if field:
        body["fields"] = {field: [str(detail)]}
    return Answer(status, body)


def consult(numero: str, on: date | None = None) -> Answer:
    obligation = ledger.find(numero)
    if obligation is None:
        return _error(
            404, "not_found", _("No existe una obligación con ese número de liquidación.")
        )
    due = ledger.amount_due(obligation, on)
    return Answer(
        200,
        {
            "numero": obligation.numero,
            "deudor": {"ruc": obligation.debtor_ruc, "nombre": obligation.debtor_name},
            "concepto": obligation.concept,
            "descripcion": obligation.description,
            "estado": obligation.state,
            "monto": str(obligation.amount),
            "capital_pendiente": str(due.principal),
            "intereses": str(due.interest),
            "valor_a_pagar": str(due.total),
            "fecha": due.on.isoformat(),
            "pagable": obligation.is_open,
        },
    )


def _payment_body(payment: Payment) -> dict:
    obligation = payment.obligation
    edoc = obligation.edoc
    return {
        "pago": payment.pk,
        "tipo": payment.kind,
        "numero": obligation.numero,
        "monto": str(payment.total),
        "capital": str(payment.principal),
        "intereses": str(payment.interest),
        "referencia": payment.reference,
        "fecha": payment.paid_at.isoformat(),
        "fecha_contable": payment.fecha_contable.isoformat(),
        "estado_obligacion": obligation.state,
        "documento": edoc.document_number if edoc else "",
        "estado_documento": edoc.estado_documento if edoc else "",
    }


def _idempotent(entidad, key: str, operation: str, payload: dict, action) -> Answer:
    """Run ``action`` once per (bank, key); the same key with other data is refused."""
    key = (key or "").strip()
    if not key or len(key) > 80:
        return _error(
            400,
            "idempotency_key_required",
            _("La cabecera Idempotency-Key es obligatoria (hasta 80 caracteres)."),
        )
    digest = hashlib.sha256(
        json.dumps({"op": operation, **payload}, sort_keys=True, default=str).encode()
    ).hexdigest()

    def replay(stored: BankRequest) -> Answer:
        if stored.request_hash != digest:
            return _error(
                422,
                "idempotency_key_reused",
                _("La Idempotency-Key ya se usó con otros datos."),
            )
        return Answer(stored.status_code, stored.response)

    stored = BankRequest.objects.filter(entidad=entidad, key=key).first()
    if stored is not None:
        return replay(stored)
    try:
        with transaction.atomic():
            answer = action()
            BankRequest.objects.create(
                entidad=entidad,
                key=key,
                operation=operation,
                request_hash=digest,
                status_code=answer.status,
                response=answer.body,
            )
            return answer
    except IntegrityError:  # the same key, concurrently: its answer wins, ours is rolled back
        return replay(BankRequest.objects.get(entidad=entidad, key=key))


def _amount(value) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def pay(entidad, *, numero: str, monto, referencia: str, key: str, user=None) -> Answer:
    payload = {"numero": str(numero), "monto": str(monto), "referencia": str(referencia)}

    def action() -> Answer:
        amount = _amount(monto)
        if amount is None or amount <= 0:
            return _error(400, "invalid", _("Indique el monto pagado."), "monto")
        if not str(referencia or "").strip():
            return _error(400, "invalid", _("Indique la referencia del banco."), "referencia")
        obligation = ledger.find(numero)
        if obligation is None:
            return _error(
                404, "not_found", _("No existe una obligación con ese número de liquidación.")
            )
        try:
            payment = ledger.pay(
                obligation,
                amount=amount,
                collector=entidad.code,
                reference=str(referencia).strip(),
                user=user,
            )
        except ObligacionError as exc:
            status = 409 if exc.code == "no_pendiente" else 422
            return _error(status, exc.code, exc.message, exc.field)
        payment.obligation.refresh_from_db()
        if payment.obligation.edoc_id:
            payment.obligation.edoc.refresh_from_db()
        return Answer(201, _payment_body(payment))

    return _idempotent(entidad, key, "pago", payload, action)


def reverse(entidad, *, payment_id: int, key: str, user=None) -> Answer:
    def action() -> Answer:
        payment = (
            Payment.objects.filter(pk=payment_id, collector=entidad.code, kind=Payment.Kind.PAGO)
            .select_related("obligation")
            .first()
        )
        if payment is None:
            return _error(404, "not_found", _("No existe un pago suyo con ese identificador."))
        try:
            reversal = ledger.reverse(payment, collector=entidad.code, user=user)
        except ObligacionError as exc:
            return _error(409, exc.code, exc.message)
        return Answer(201, _payment_body(reversal))

    return _idempotent(entidad, key, "reverso", {"pago": int(payment_id)}, action)


def collected(entidad, fecha: date):
    """What ``entidad`` collected on ``fecha`` (fecha contable): payments and reversals."""
    return (
        Payment.objects.filter(collector=entidad.code, fecha_contable=fecha)
        .select_related("obligation")
        .order_by("paid_at", "pk")
    )


def conciliacion(entidad, fecha: date) -> dict:
    rows = collected(entidad, fecha)
    totals = rows.aggregate(total=Sum("total"), n=Count("pk"))
    return {
        "entidad": entidad.code,
        "fecha": fecha.isoformat(),
        "cantidad": totals["n"] or 0,
        "total": str(totals["total"] or Decimal("0.00")),
        "movimientos": [
            {
                "pago": p.pk,
                "tipo": p.kind,
                "numero": p.obligation.numero,
                "referencia": p.reference,
                "monto": str(p.total),
                "fecha": p.paid_at.isoformat(),
            }
            for p in rows
        ],
    }


@dataclass(frozen=True)
class Difference:
    kind: str  # "falta_en_banco" | "falta_en_libro" | "monto_distinto"
    referencia: str
    numero: str
    libro: Decimal | None
    banco: Decimal | None


def compare(entidad, fecha: date, reported: list[dict]) -> list[Difference]:
    """SENAE's reconciliation: the bank's report of a day (referencia, numero, monto) against
    the ledger's net collection per reference (payments minus reversals)."""
    ledger_rows: dict[str, tuple[str, Decimal]] = {}
    for p in collected(entidad, fecha):
        numero, total = ledger_rows.get(p.reference, (p.obligation.numero, Decimal("0")))
        ledger_rows[p.reference] = (numero, total + p.total)
    ledger_rows = {ref: v for ref, v in ledger_rows.items() if v[1] != 0}
    bank_rows: dict[str, tuple[str, Decimal]] = {}
    for row in reported:
        ref = str(row.get("referencia", "")).strip()
        amount = _amount(row.get("monto")) or Decimal("0")
        numero, total = bank_rows.get(ref, (str(row.get("numero", "")).strip(), Decimal("0")))
        bank_rows[ref] = (numero, total + amount)
    differences = []
    for ref in sorted(set(ledger_rows) | set(bank_rows)):
        mine, theirs = ledger_rows.get(ref), bank_rows.get(ref)
        if theirs is None:
            differences.append(Difference("falta_en_banco", ref, mine[0], mine[1], None))
        elif mine is None:
            differences.append(Difference("falta_en_libro", ref, theirs[0], None, theirs[1]))
        elif mine[1] != theirs[1] or mine[0] != theirs[0]:
            differences.append(Difference("monto_distinto", ref, mine[0], mine[1], theirs[1]))
    return differences


def today() -> date:
    return timezone.localdate()
