"""What the DAI owes: its liquidación at acceptance, then the despacho's liquidación
complementaria and multas at the cierre. Called by the DAI type's hooks (customs.edoc); each
call is idempotent (one obligation per source)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Concept
from .reference_data import codes_by_tributo
from .services import Line, issue_obligation

# The liquidación's tributes, in its order (customs.Liquidacion fields).
TRIBUTES = ("ad_valorem", "especifico", "salvaguardia", "fodinfa", "ice", "iva")


def issue_for_accepted(edoc):
    """The DAI's liquidación becomes an obligation of the importer (None when nothing is owed)."""
    dai = edoc.content
    liq = getattr(dai, "liquidacion", None) if dai is not None else None
    if liq is None or liq.total_tributos <= 0:
        return None
    codes = codes_by_tributo()
    lines = [
        Line(codes[t], getattr(liq, f"total_{t}")) for t in TRIBUTES if getattr(liq, f"total_{t}")
    ]
    return issue_obligation(
        dai.importador_ruc,
        Concept.LIQUIDACION,
        lines,
        source=dai,
        distrito=dai.distrito,
        edoc=edoc,
        debtor_name=dai.importador_nombre,
        description=_("Liquidación de la DAI %(n)s") % {"n": edoc.document_number},
        issued_on=edoc.accepted_on or timezone.now(),
    )


def _cases_of(edoc) -> list[int]:
    from ecuapass.despacho.models import AforoCase
    from ecuapass.edocs import batch

    def with_cases(ids):
        return AforoCase.objects.filter(edoc_id__in=ids).values_list("edoc_id", flat=True)

    # In a worker's batch, which of its documents have a case is read once for the batch.
    if batch.known_absent(CASES, edoc.pk, lambda: {e.pk for e in batch.held()}, with_cases):
        return []
    return list(AforoCase.objects.filter(edoc=edoc).order_by().values_list("pk", flat=True))


CASES = "despacho.aforocase"  # despacho._open says when it opens one (edocs.batch.written)


def issue_for_cierre(edoc, *, cases: list[int] | None = None) -> list:
    """The cierre's liquidación complementaria and multas become obligations.

    ``cases``: the document's aforo cases (``_cases_of``) when the caller read them."""
    from ecuapass.despacho.models import Multa, Reliquidacion

    # A DAI closed without aforo (canal automático, at acceptance) has no case: one query.
    cases = _cases_of(edoc) if cases is None else cases
    if not cases:
        return []
    dai = edoc.content
    issued = []
    codes = codes_by_tributo()
    for rel in Reliquidacion.objects.filter(case__in=cases, diferencia__lt=0):
        from .creditos import for_lowering

        for_lowering(
            edoc,
            -rel.diferencia,
            source=rel,
            description=_("Rebaja de tributos en el aforo de la DAI %(n)s")
            % {"n": edoc.document_number},
        )
    for rel in Reliquidacion.objects.filter(case__in=cases).exclude(numero=""):
        lines = [
            Line(codes[t.tributo], t.diferencia)
            for t in rel.tributos.all()
            if t.tributo in codes and t.diferencia
        ]
        if sum(line.amount for line in lines) > 0:
            issued.append(
                issue_obligation(
                    dai.importador_ruc,
                    Concept.COMPLEMENTARIA,
                    lines,
                    source=rel,
                    distrito=dai.distrito,
                    edoc=edoc,
                    debtor_name=dai.importador_nombre,
                    description=_("Liquidación complementaria %(n)s") % {"n": rel.numero},
                    issued_on=rel.issued_on,
                )
            )
    for multa in Multa.objects.filter(case__in=cases):
        issued.append(
            issue_obligation(
                multa.importer_ruc,
                Concept.MULTA,
                [Line("MULTA", multa.amount, multa.legal_basis)],
                source=multa,
                distrito=dai.distrito,
                edoc=edoc,
                debtor_name=dai.importador_nombre,
                description=_("Multa %(c)s - %(n)s") % {"c": multa.code, "n": multa.name},
                issued_on=multa.imposed_on,
            )
        )
    return issued


def after_cierre(edoc) -> None:
    """Effect of the DAI's cierre transitions: charges of the cierre, then the levante if due.

    The liquidación's obligation is (re)issued first (idempotent), so a DAI never leaves
    without its liquidación in the ledger, whatever path brought it here.
    """
    from .levante import release_if_covered

    liquidacion = issue_for_accepted(edoc)
    cases = _cases_of(edoc)
    issue_for_cierre(edoc, cases=cases)
    if not cases and _holds(liquidacion):
        # Without a case nothing above paid anything, and the liquidación's obligation just
        # issued (or read) is still open: it holds the goods, no need to look the others up.
        return
    # ``edoc`` is the cierre's locked, just-moved document: without a case nothing above paid
    # anything (no levante fired meanwhile by a payment), so its state is the row's.
    release_if_covered(edoc, current=not cases)


def _holds(obligation) -> bool:
    """``obligation`` (as its issuer just saw it) holds the goods: open and not guaranteed
    (``levante.uncovered``)."""
    from .models import Obligation

    return (
        obligation is not None
        and obligation.state in Obligation.OPEN
        and obligation.garantia_id is None
    )


def after_anulacion(edoc) -> None:
    from .abandono import on_annulled
    from .services import annul_for_document

    on_annulled(edoc)
    annul_for_document(edoc)


def after_dai_version(sender, instance, created, **kwargs) -> None:
    """``post_save`` of ``correcciones.DaiVersion``: an approved correction (or sustitutiva)
    that raised the tributes is a liquidación complementaria of the difference per tribute; one
    that lowered them is a nota de crédito (``creditos.for_lowering``)."""
    if not created or not instance.diferencia_tributos:
        return
    if instance.diferencia_tributos < 0:
        from .creditos import for_lowering

        for_lowering(
            instance.dai,
            -instance.diferencia_tributos,
            source=instance,
            description=_("Rebaja de tributos por la versión %(v)s de la DAI %(n)s")
            % {"v": instance.numero, "n": instance.dai.document_number},
        )
        return
    from decimal import Decimal

    edoc = instance.dai
    dai = edoc.content
    before, after = instance.liquidacion_antes or {}, instance.liquidacion_despues or {}
    codes = codes_by_tributo()
    lines = []
    for t in TRIBUTES:
        diff = Decimal(str(after.get(f"total_{t}") or "0")) - Decimal(
            str(before.get(f"total_{t}") or "0")
        )
        if diff:
            lines.append(Line(codes[t], diff))
    if sum((line.amount for line in lines), Decimal("0")) <= 0:
        return
    issue_obligation(
        dai.importador_ruc,
        Concept.COMPLEMENTARIA,
        lines,
        source=instance,
        distrito=dai.distrito,
        edoc=edoc,
        debtor_name=dai.importador_nombre,
        description=_("Liquidación complementaria por la versión %(v)s de la DAI %(n)s")
        % {"v": instance.numero, "n": edoc.document_number},
    )
