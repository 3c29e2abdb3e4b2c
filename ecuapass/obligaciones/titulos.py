"""Títulos de crédito (Código Tributario arts. 149–151): an obligation still pending
``PlazoTitulo.dias`` days after it became exigible — not covered by a garantía, not a dividend
of a facilidad de pago (the plan's cancellation handles those), not under a facilidad (its state
is «en facilidad de pago») — is issued a título de crédito with its own gap-free number
``TC-distrito-año-secuencial``, the date, the amount with interest to that day and the legal
basis. The obligation turns «vencida / título de crédito» and its debtor is notified; it stays
payable through the banks by either number, with interest to the day of payment, which settles
the título. A daily job (``manage.py emitir_titulos``) issues them."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ecuapass.core.numbering import next_value

from .models import Obligation, PlazoTitulo, TituloCredito
from .services import amount_due


def plazo_in_force(on: date) -> PlazoTitulo | None:
    return (
        PlazoTitulo.objects.filter(valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )


def overdue(on: date, plazo: PlazoTitulo):
    """Obligations due a título on ``on`` (one query over the index (state, exigible_on))."""
    return Obligation.objects.filter(
        state=Obligation.State.PENDIENTE,
        exigible_on__lt=on - timedelta(days=plazo.dias),
        garantia__isnull=True,
        plan__isnull=True,
        titulo__isnull=True,
    )


def numero_for(distrito: str, on: date) -> str:
    seq = next_value(f"obligaciones.titulo:{distrito}:{on.year}")
    return f"TC-{distrito}-{on.year:04d}-{seq:08d}"


def issue(obligation: Obligation, plazo: PlazoTitulo, on: date) -> TituloCredito | None:
    """Issue the título of ``obligation`` if it is still due one (None otherwise)."""
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if (
            not overdue(on, plazo).filter(pk=locked.pk).exists()
            or TituloCredito.objects.filter(obligation=locked).exists()
        ):
            return None
        due = amount_due(locked, on)
        titulo = TituloCredito.objects.create(
            numero=numero_for(locked.distrito, on),
            obligation=locked,
            issued_on=on,
            principal=due.principal,
            interest=due.interest,
            total=due.total,
            legal_basis=plazo.legal_basis,
        )
        locked.state = Obligation.State.VENCIDA
        locked.save(update_fields=["state"])
        _notify(titulo)
    return titulo


def issue_due(on: date | None = None) -> list[TituloCredito]:
    """The daily job: a título for every obligation past the term; idempotent."""
    on = on or timezone.localdate()
    plazo = plazo_in_force(on)
    if plazo is None:
        return []
    issued = []
    for obligation in overdue(on, plazo).order_by("pk").iterator():
        titulo = issue(obligation, plazo, on)
        if titulo is not None:
            issued.append(titulo)
    return issued


def find(numero: str) -> Obligation | None:
    titulo = (
        TituloCredito.objects.select_related("obligation")
        .filter(numero=str(numero).strip()[:30])
        .first()
    )
    return titulo.obligation if titulo else None


def _notify(titulo: TituloCredito) -> None:
    from .notices import to_operator

    o = titulo.obligation
    to_operator(
        o.debtor_ruc,
        subject=gettext_lazy("TÍTULO DE CRÉDITO - %(t)s"),
        body=gettext_lazy(
            "Se emitió el título de crédito %(t)s por la obligación %(n)s (%(c)s), impaga "
            "desde el %(e)s: USD %(m)s con intereses al %(f)s (%(b)s). Pague en una entidad "
            "financiera con el número de liquidación o del título; los intereses corren hasta "
            "el día del pago."
        ),
        params={
            "t": titulo.numero,
            "n": o.numero,
            "c": o.get_concept_display(),
            "e": o.exigible_on,
            "m": titulo.total,
            "f": titulo.issued_on,
            "b": titulo.legal_basis,
        },
        related=o.edoc,
    )
