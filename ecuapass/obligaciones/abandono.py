"""Abandono tácito (COPCI art. 142): grounds as dated rows (``CausalAbandono``), each with its
set-based finder; a daily job (``manage.py revisar_abandono``) marks the goods found en abandono
tácito with the multa to subsanar, notifies the operator and opens the 25 business-day cure
window (weekends and the national holidays of ``Feriado``). Paying everything the declaration
owes, multa included, cures it; otherwise the job declares it definitivo.

The grounds and their subjects (``Abandono`` names the DAI and/or the cargo):

* ``NO_DECLARADA`` (lit. a) — manifested cargo arrived (the manifest's ``fecha_llegada``) more
  than ``ControlCarga.dias_para_declarar`` days ago (the control in force on the arrival date;
  cargo arrived before any control is the old regime's) and no DAI discharged it. Subject: the
  transport document; the DAI that later declares it is linked when it is accepted.
* ``TRIBUTOS_IMPAGOS`` (lit. b) — the DAI's tributes still open ``plazo_dias`` after becoming
  exigible (obligations under a facilidad de pago or a garantía are not «open»). Subject: the
  DAI, and its cargo when it discharged one.
* ``ALMACENAMIENTO`` (lit. c) — cargo entered the depósito temporal (IMDT) more than
  ``plazo_dias`` days ago and has not left. Subject: the transport document (and its DAI).

One open abandono per subject: goods already en abandono tácito are not marked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Abandono, CausalAbandono, Concept, Feriado, Obligation
from .services import Line, issue_obligation

CURE_BUSINESS_DAYS = 25
NO_DECLARADA = "NO_DECLARADA"
TRIBUTOS_IMPAGOS = "TRIBUTOS_IMPAGOS"
ALMACENAMIENTO = "ALMACENAMIENTO"
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


@dataclass(frozen=True)
class Subject:
    """Goods found on a ground: the DAI and/or the cargo, who answers for them, where."""

    edoc_id: int | None
    documento_id: int | None
    debtor_ruc: str
    debtor_name: str
    distrito: str


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _open_subjects():
    return Abandono.objects.filter(state=Abandono.State.TACITO)


def _unpaid_tributes(causal: CausalAbandono, on: date) -> list[Subject]:
    limit = on - timedelta(days=causal.plazo_dias or 0)
    rows = (
        Obligation.objects.filter(
            state__in=Obligation.OPEN,
            garantia__isnull=True,
            concept__in=TRIBUTE_CONCEPTS,
            exigible_on__lt=limit,
            edoc__isnull=False,
        )
        .exclude(edoc__abandonos__state=Abandono.State.TACITO)
        .order_by("edoc_id", "pk")
        .values_list("edoc_id", "debtor_ruc", "debtor_name", "distrito")
    )
    first = {}
    for edoc_id, ruc, name, distrito in rows:
        first.setdefault(edoc_id, (ruc, name, distrito))
    from ecuapass.carga.models import Descargo

    cargo = dict(
        Descargo.objects.filter(dai_id__in=list(first)).values_list("dai_id", "documento_id")
    )
    return [Subject(e, cargo.get(e), *first[e]) for e in first]


def _cargo_subjects(documentos) -> list[Subject]:
    """Subjects of transport documents (a queryset): consignee, distrito, the DAI if any."""
    rows = documentos.values_list(
        "pk", "consignatario_ruc", "consignatario_nombre", "manifiesto__distrito"
    ).order_by("pk")
    rows = list(rows)
    from ecuapass.carga.models import Descargo

    dai = dict(
        Descargo.objects.filter(documento_id__in=[r[0] for r in rows]).values_list(
            "documento_id", "dai_id"
        )
    )
    return [Subject(dai.get(pk), pk, ruc, name, distrito) for pk, ruc, name, distrito in rows]


def _not_declared(causal: CausalAbandono, on: date) -> list[Subject]:
    """Arrived cargo past the term to declare of the control in force at its arrival."""
    from ecuapass.carga.models import ControlCarga, DocumentoTransporte

    found = []
    for control in ControlCarga.objects.order_by("vigente_desde"):
        arrived = Q(manifiesto__fecha_llegada__gte=_midnight(control.vigente_desde)) & Q(
            manifiesto__fecha_llegada__lt=_midnight(on - timedelta(days=control.dias_para_declarar))
        )
        if control.vigente_hasta:
            arrived &= Q(
                manifiesto__fecha_llegada__lt=_midnight(control.vigente_hasta + timedelta(days=1))
            )
        documentos = (
            DocumentoTransporte.objects.filter(arrived, manifiesto__mrn__isnull=False)
            .exclude(hsn="")
            # A consolidated master is declared through its houses.
            .filter(hijos__isnull=True, descargos__isnull=True)
            .exclude(abandonos__state=Abandono.State.TACITO)
        )
        found += _cargo_subjects(documentos)
    return found


def _storage_exceeded(causal: CausalAbandono, on: date) -> list[Subject]:
    """Cargo in the depósito temporal since before the term and not gone out."""
    from ecuapass.carga.models import DocumentoTransporte, EventoCarga

    limit = _midnight(on - timedelta(days=causal.plazo_dias or 0))
    entered = EventoCarga.objects.filter(tipo=EventoCarga.Tipo.INGRESO, fecha_hora__lt=limit)
    left = EventoCarga.objects.filter(tipo=EventoCarga.Tipo.SALIDA)
    documentos = (
        DocumentoTransporte.objects.filter(pk__in=entered.values("documento_id"))
        .exclude(pk__in=left.values("documento_id"))
        .exclude(abandonos__state=Abandono.State.TACITO)
        .exclude(descargos__dai__abandonos__state=Abandono.State.TACITO)
    )
    return _cargo_subjects(documentos)


# The grounds this job detects, in the order they are checked each day.
FINDERS = {
    NO_DECLARADA: _not_declared,
    TRIBUTOS_IMPAGOS: _unpaid_tributes,
    ALMACENAMIENTO: _storage_exceeded,
}


def detect(on: date | None = None) -> list[Abandono]:
    """Mark the goods found on every ground in force; idempotent (one open abandono each)."""
    on = on or timezone.localdate()
    created = []
    for code, finder in FINDERS.items():
        causal = causal_in_force(code, on)
        if causal is None:
            continue
        for subject in finder(causal, on):
            abandono = _mark(causal, subject, on)
            if abandono is not None:
                created.append(abandono)
    return created


def _mark(causal: CausalAbandono, subject: Subject, on: date) -> Abandono | None:
    with transaction.atomic():
        open_ = _open_subjects()
        if (subject.edoc_id and open_.filter(edoc_id=subject.edoc_id).exists()) or (
            subject.documento_id and open_.filter(documento_id=subject.documento_id).exists()
        ):
            return None  # found on an earlier ground today
        abandono = Abandono.objects.create(
            edoc_id=subject.edoc_id,
            documento_id=subject.documento_id,
            causal=causal,
            debtor_ruc=subject.debtor_ruc,
            distrito=subject.distrito,
            started_on=on,
            cure_until=add_business_days(on, CURE_BUSINESS_DAYS),
        )
        if causal.multa > 0 and subject.debtor_ruc:
            abandono.multa = issue_obligation(
                subject.debtor_ruc,
                Concept.MULTA,
                [Line("MULTA", causal.multa, causal.legal_basis)],
                source=abandono,
                distrito=subject.distrito,
                edoc=abandono.edoc,
                debtor_name=subject.debtor_name,
                description=_("Multa por abandono tácito de %(n)s") % {"n": abandono.subject},
            )
            abandono.save(update_fields=["multa"])
        _notify(
            abandono,
            gettext_lazy("ABANDONO TÁCITO - %(n)s"),
            gettext_lazy(
                "La mercancía %(n)s está en abandono tácito (%(c)s). Puede subsanarlo hasta "
                "el %(f)s declarándola y pagando los tributos y la multa."
            ),
        )
    return abandono


def on_declared(sender, instance, created, **kwargs) -> None:
    """``post_save`` of ``carga.Descargo``: the DAI that declares cargo en abandono becomes the
    abandono's declaration, and the multa waits with the DAI's own charges for its levante."""
    if not created:
        return
    for abandono in _open_subjects().filter(documento_id=instance.documento_id, edoc=None):
        abandono.edoc_id = instance.dai_id
        abandono.save(update_fields=["edoc"])
        if abandono.multa_id:
            Obligation.objects.filter(pk=abandono.multa_id, edoc=None).update(
                edoc_id=instance.dai_id
            )


def on_annulled(edoc) -> None:
    """An annulled DAI gives cargo en abandono back: the abandono is the cargo's alone again and
    its multa leaves the DAI (so the DAI's annulment does not annul it)."""
    for abandono in _open_subjects().filter(edoc=edoc, documento__isnull=False):
        abandono.edoc = None
        abandono.save(update_fields=["edoc"])
        if abandono.multa_id:
            Obligation.objects.filter(pk=abandono.multa_id).update(edoc=None)


def _is_cured(abandono: Abandono) -> bool:
    """Declared, and its declaration (multa included) owes nothing open."""
    if abandono.edoc_id is None:
        return False
    if (
        abandono.multa_id
        and Obligation.objects.filter(pk=abandono.multa_id, state__in=Obligation.OPEN).exists()
    ):
        return False
    return not Obligation.objects.filter(
        edoc_id=abandono.edoc_id, state__in=Obligation.OPEN
    ).exists()


def _cure(abandono: Abandono, on: date) -> bool:
    if not _is_cured(abandono):
        return False
    abandono.state = Abandono.State.CURADO
    abandono.closed_on = on
    abandono.save(update_fields=["state", "closed_on"])
    return True


def cure_if_paid(sender, obligation, payment, **kwargs) -> None:
    """``obligation_paid`` receiver: an abandono whose goods owe nothing more is cured."""
    match = Q(multa_id=obligation.pk)
    if obligation.edoc_id:
        match |= Q(edoc_id=obligation.edoc_id)
    for abandono in _open_subjects().select_for_update().filter(match):
        _cure(abandono, timezone.localdate())


def expire(on: date | None = None) -> int:
    """Abandonos tácitos past their cure window become definitivos."""
    on = on or timezone.localdate()
    n = 0
    for abandono in _open_subjects().filter(cure_until__lt=on).select_related("edoc", "causal"):
        if _cure(abandono, on):  # declared with nothing to pay: no payment cured it
            continue
        abandono.state = Abandono.State.DEFINITIVO
        abandono.closed_on = on
        abandono.save(update_fields=["state", "closed_on"])
        _notify(
            abandono,
            gettext_lazy("ABANDONO DEFINITIVO - %(n)s"),
            gettext_lazy(
                "La mercancía %(n)s quedó en abandono definitivo (%(c)s): venció el plazo "
                "para subsanar el %(f)s."
            ),
        )
        n += 1
    return n


def _notify(abandono, subject, body) -> None:
    """To the declaration's filer and importer, or else the cargo's consignee; and the
    depósito temporal that holds the cargo."""
    from ecuapass.edocs.notices import CATEGORY, SENDER, recipients
    from ecuapass.notifications.services import notify

    from .notices import to_operator

    params = {"n": abandono.subject, "c": abandono.causal.name, "f": abandono.cure_until}
    codes = list(recipients(abandono.edoc)) if abandono.edoc_id else []
    if abandono.edoc_id is None:
        to_operator(abandono.debtor_ruc, subject=subject, body=body, params=params)
    if abandono.documento_id and abandono.documento.deposito_id:
        codes.append(abandono.documento.deposito)
    for code in {c.pk: c for c in codes}.values():
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
    """The operator's own (it answers for them) and the cargo its depósito holds."""
    return Abandono.objects.filter(
        Q(debtor_ruc=oce.registration.operator.ruc) | Q(documento__deposito=oce)
    )


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
    return qs.select_related("edoc", "causal", "documento__manifiesto").order_by(
        "-started_on", "-pk"
    )
