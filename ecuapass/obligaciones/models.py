"""The obligations ledger: what an operator owes SENAE and how it was paid.

* ``Obligation`` — one amount owed (liquidación of a DAI, liquidación complementaria, multa,
  tasa, dividend of a facilidad de pago…): its número de liquidación, the debtor (RUC), the
  concept, when it became exigible and its state. Its amount is the sum of its
  ``Component`` rows (tribute code, amount, legal basis) and never changes.
* ``Payment`` — append-only: a payment collected by a bank, or the reversal of one (a new row
  with negative amounts that points to the payment it reverses). Nothing is ever edited.
* ``TasaInteres`` — the interest rate on late payment in force per trimester (dated rows with
  legal basis).
* ``Feriado`` — Ecuador's national holidays, a dated calendar (abandono's business days).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


def money_field(label, **kwargs):
    return models.DecimalField(label, max_digits=16, decimal_places=2, **kwargs)


class Concept(models.TextChoices):
    LIQUIDACION = "liquidacion", _("Liquidación de la declaración")
    COMPLEMENTARIA = "complementaria", _("Liquidación complementaria")
    MULTA = "multa", _("Multa")
    TASA = "tasa", _("Tasa")
    INTERESES = "intereses", _("Intereses")
    DIVIDENDO = "dividendo", _("Dividendo de facilidad de pago")
    CUOTA_INICIAL = "cuota_inicial", _("Cuota inicial de facilidad de pago")
    SALDO = "saldo", _("Saldo de facilidad de pago cancelada")


class ObligationQuerySet(models.QuerySet):
    def visible_to(self, oce):
        """What an OCE may see: owed by its operator, or of documents it filed."""
        return self.filter(Q(debtor_ruc=oce.registration.operator.ruc) | Q(edoc__filer_oce=oce))

    def open(self):
        return self.filter(state__in=Obligation.OPEN)


class LedgerEntry(models.Model):
    """What an obligation and a nota de crédito share: the debtor, the distrito, where it comes
    from ("customs.dai:12", "despacho.multa:3", "correcciones.daiversion:4": one per source), the
    amount (never changed) and when it was issued."""

    debtor_ruc = models.CharField(_("RUC del deudor"), max_length=13)
    debtor_name = models.CharField(_("deudor"), max_length=300, blank=True)
    description = models.CharField(_("descripción"), max_length=300, blank=True)
    distrito = models.CharField(_("distrito aduanero"), max_length=3)
    source_key = models.CharField(_("origen"), max_length=80, unique=True)
    amount = money_field(_("monto (USD)"))
    issued_on = models.DateTimeField(_("emitida el"))

    class Meta:
        abstract = True


class Obligation(LedgerEntry):
    class State(models.TextChoices):
        PENDIENTE = "pendiente", _("Pendiente de pago")
        PAGADA = "pagada", _("Pagada")
        EN_FACILIDAD = "en_facilidad", _("En facilidad de pago")
        ANULADA = "anulada", _("Anulada")
        VENCIDA = "vencida", _("Vencida / título de crédito")

    # States in which the obligation can still be paid.
    OPEN = (State.PENDIENTE, State.VENCIDA)

    numero = models.CharField(_("número de liquidación"), max_length=30, unique=True)
    concept = models.CharField(_("concepto"), max_length=20, choices=Concept.choices)
    # The document whose release depends on it (a DAI), if any.
    edoc = models.ForeignKey(
        "edocs.EDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
        verbose_name=_("documento"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    exigible_on = models.DateField(_("exigible desde"))
    state = models.CharField(
        _("estado"), max_length=14, choices=State.choices, default=State.PENDIENTE
    )
    paid_on = models.DateTimeField(_("pagada el"), null=True, blank=True)
    # The facilidad de pago that covers it, or whose dividend it is.
    plan = models.ForeignKey(
        "obligaciones.PaymentPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("facilidad de pago"),
    )
    # Covered by an approved garantía (the goods may leave before payment).
    garantia = models.ForeignKey(
        "obligaciones.Garantia",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="covered",
        verbose_name=_("garantía"),
    )

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligación")
        verbose_name_plural = _("obligaciones")
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["debtor_ruc", "state", "-issued_on"], name="oblig_debtor"),
            models.Index(fields=["edoc", "state"], name="oblig_edoc"),
            models.Index(fields=["state", "exigible_on"], name="oblig_exigible"),
        ]

    def __str__(self) -> str:
        return f"{self.numero} ({self.amount} USD)"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN


class Component(models.Model):
    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="components")
    code = models.CharField(_("código"), max_length=20)
    amount = money_field(_("monto (USD)"))
    legal_basis = models.CharField(_("base legal"), max_length=300)

    class Meta:
        verbose_name = _("componente")
        verbose_name_plural = _("componentes")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.amount}"


class Payment(models.Model):
    """What settles an obligation, never edited: a payment, the reversal of one (negative
    amounts, ``reverses`` set), the adjusting entry of a rebaja (a nota de crédito applied to
    the same DAI's unpaid tributes: the due amount drops) or the application of a saldo a favor
    (a nota de crédito applied to another obligation of the same debtor)."""

    class Kind(models.TextChoices):
        PAGO = "pago", _("Pago")
        REVERSO = "reverso", _("Reverso")
        AJUSTE = "ajuste", _("Ajuste por rebaja de la liquidación")
        CREDITO = "credito", _("Aplicación de saldo a favor")

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("tipo"), max_length=8, choices=Kind.choices, default=Kind.PAGO)
    principal = money_field(_("capital"))
    interest = money_field(_("intereses"), default=ZERO)
    total = money_field(_("total"))
    paid_at = models.DateTimeField(_("fecha y hora"))
    fecha_contable = models.DateField(_("fecha contable"))
    # The collecting bank (banca.EntidadFinanciera.code) and its own reference.
    collector = models.CharField(_("entidad recaudadora"), max_length=20, blank=True)
    reference = models.CharField(_("referencia"), max_length=60, blank=True)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
        verbose_name=_("reversa a"),
    )
    # The nota de crédito an adjusting entry or an application draws on.
    nota_credito = models.ForeignKey(
        "obligaciones.NotaCredito",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aplicaciones",
        verbose_name=_("nota de crédito"),
    )
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pago")
        verbose_name_plural = _("pagos")
        ordering = ["paid_at", "pk"]
        indexes = [
            models.Index(fields=["collector", "fecha_contable"], name="pago_conciliacion"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.total} {self.obligation_id}"


class TasaInteres(models.Model):
    """The annual interest rate on late payment in force in a trimester."""

    valid_from = models.DateField(_("vigente desde"))
    valid_to = models.DateField(_("vigente hasta"), null=True, blank=True)
    annual_rate = models.DecimalField(_("tasa anual (%)"), max_digits=7, decimal_places=4)
    legal_basis = models.CharField(_("base legal"), max_length=300)

    class Meta:
        verbose_name = _("tasa de interés por mora")
        verbose_name_plural = _("tasas de interés por mora")
        ordering = ["valid_from"]
        constraints = [models.UniqueConstraint(fields=["valid_from"], name="uniq_tasa_desde")]

    def __str__(self) -> str:
        return f"{self.valid_from} {self.annual_rate} %"


class Feriado(models.Model):
    """A national holiday (the calendar of business days of the abandono)."""

    fecha = models.DateField(_("fecha"), unique=True)
    name = models.CharField(_("feriado"), max_length=120)
    legal_basis = models.CharField(_("base legal"), max_length=300)

    class Meta:
        verbose_name = _("feriado nacional")
        verbose_name_plural = _("feriados nacionales")
        ordering = ["fecha"]

    def __str__(self) -> str:
        return f"{self.fecha} {self.name}"


class PaymentPlan(models.Model):
    """A facilidad de pago approved from a 1.11 request (filled by slice 4)."""

    class State(models.TextChoices):
        VIGENTE = "vigente", _("Vigente")
        CANCELADA = "cancelada", _("Cancelada por incumplimiento")
        TERMINADA = "terminada", _("Terminada")

    edoc = models.OneToOneField(
        "edocs.EDocument", on_delete=models.PROTECT, related_name="payment_plan"
    )
    debtor_ruc = models.CharField(_("RUC del deudor"), max_length=13)
    state = models.CharField(
        _("estado"), max_length=10, choices=State.choices, default=State.VIGENTE
    )
    approved_on = models.DateTimeField(_("aprobada el"))
    cancelled_on = models.DateTimeField(_("cancelada el"), null=True, blank=True)
    total = money_field(_("total"))

    class Meta:
        verbose_name = _("facilidad de pago")
        verbose_name_plural = _("facilidades de pago")

    def __str__(self) -> str:
        return f"{self.edoc_id} {self.state}"


class Garantia(models.Model):
    """A garantía general (per operator) or específica (per declaration) (slice 6)."""

    class Tipo(models.TextChoices):
        GENERAL = "general", _("General")
        ESPECIFICA = "especifica", _("Específica")

    class State(models.TextChoices):
        REGISTRADA = "registrada", _("Registrada")
        APROBADA = "aprobada", _("Aprobada")
        RECHAZADA = "rechazada", _("Rechazada")
        EFECTIVIZADA = "efectivizada", _("Efectivizada")
        VENCIDA = "vencida", _("Vencida")

    tipo = models.CharField(_("tipo"), max_length=10, choices=Tipo.choices)
    operator_ruc = models.CharField(_("RUC del operador"), max_length=13, db_index=True)
    edoc = models.ForeignKey(
        "edocs.EDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    garante = models.CharField(_("garante (banco o aseguradora)"), max_length=200)
    numero = models.CharField(_("número de la garantía"), max_length=40)
    amount = money_field(_("monto (USD)"))
    valid_from = models.DateField(_("vigente desde"))
    valid_to = models.DateField(_("vigente hasta"))
    state = models.CharField(
        _("estado"), max_length=12, choices=State.choices, default=State.REGISTRADA
    )
    registered_on = models.DateTimeField(_("registrada el"), auto_now_add=True)
    decided_on = models.DateTimeField(_("decidida el"), null=True, blank=True)
    note = models.TextField(_("motivo"), blank=True)
    expiry_notice_on = models.DateField(_("aviso de vencimiento el"), null=True, blank=True)

    class Meta:
        verbose_name = _("garantía")
        verbose_name_plural = _("garantías")
        indexes = [models.Index(fields=["state", "valid_to"], name="garantia_vence")]

    def __str__(self) -> str:
        return f"{self.numero} ({self.garante})"

    @property
    def distrito_codes(self) -> list[str]:
        return sorted(d.distrito for d in self.distritos.all())


class GarantiaDistrito(models.Model):
    """A distrito aduanero a garantía answers in: a específica's is its declaration's, a
    general one lists those it covers. Officers see and decide the garantías of their own."""

    garantia = models.ForeignKey(
        Garantia, on_delete=models.CASCADE, related_name="distritos", db_index=False
    )
    distrito = models.CharField(_("distrito aduanero"), max_length=3)

    class Meta:
        verbose_name = _("distrito de la garantía")
        verbose_name_plural = _("distritos de la garantía")
        ordering = ["distrito"]
        constraints = [
            models.UniqueConstraint(fields=["garantia", "distrito"], name="uniq_garantia_distrito")
        ]
        indexes = [models.Index(fields=["distrito", "garantia"], name="garantia_distrito")]

    def __str__(self) -> str:
        return self.distrito


class SolicitudFacilidad(models.Model):
    """The content of a 1.11 request (e-doc type FAC): the obligations, the down payment, the
    number of monthly dividends, the amortisation table shown before filing, the garantía."""

    edoc = models.OneToOneField(
        "edocs.EDocument", on_delete=models.CASCADE, related_name="solicitud_facilidad"
    )
    debtor_ruc = models.CharField(_("RUC del deudor"), max_length=13)
    debtor_name = models.CharField(_("deudor"), max_length=300, blank=True)
    distrito = models.CharField(_("distrito aduanero"), max_length=3, blank=True)
    # The números de liquidación as filed; ``obligations`` are those that exist.
    numeros = models.JSONField(_("números de liquidación"), default=list)
    obligations = models.ManyToManyField(Obligation, related_name="solicitudes_facilidad")
    total = money_field(_("total de las obligaciones (USD)"), default=ZERO)
    cuota_inicial = money_field(_("cuota inicial (USD)"))
    dividendos = models.PositiveSmallIntegerField(_("número de dividendos mensuales"))
    tasa_anual = models.DecimalField(
        _("tasa anual (%)"), max_digits=7, decimal_places=4, default=Decimal("0")
    )
    tabla = models.JSONField(_("tabla de amortización"), default=list, blank=True)
    garante = models.CharField(_("garante (banco o aseguradora)"), max_length=200, blank=True)
    garantia_numero = models.CharField(_("número de la garantía"), max_length=40, blank=True)
    garantia_monto = money_field(_("monto de la garantía (USD)"), null=True, blank=True)
    garantia_hasta = models.DateField(_("garantía vigente hasta"), null=True, blank=True)

    class Meta:
        verbose_name = _("solicitud de facilidades de pago")
        verbose_name_plural = _("solicitudes de facilidades de pago")

    def __str__(self) -> str:
        return f"{self.edoc_id} {self.debtor_ruc}"


class CausalAbandono(models.Model):
    """A ground of abandono tácito (COPCI art. 142) as a dated, configurable rule."""

    code = models.CharField(_("código"), max_length=20)
    name = models.CharField(_("causal"), max_length=300)
    legal_basis = models.CharField(_("base legal"), max_length=300)
    # Empty: the term is another dated rule's (the cargo's ControlCarga.dias_para_declarar).
    plazo_dias = models.PositiveSmallIntegerField(_("plazo (días)"), null=True, blank=True)
    multa = money_field(_("multa para subsanar (USD)"), default=ZERO)
    valid_from = models.DateField(_("vigente desde"))
    valid_to = models.DateField(_("vigente hasta"), null=True, blank=True)
    active = models.BooleanField(_("activa"), default=True)

    class Meta:
        verbose_name = _("causal de abandono tácito")
        verbose_name_plural = _("causales de abandono tácito")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="uniq_causal_desde")
        ]

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class Abandono(models.Model):
    """Goods in abandono tácito: its ground, the 25 business-day cure window, the outcome.

    The subject is the goods: the declaration (``edoc``, a DAI) and/or the cargo it declares
    (``documento``, the transport document of the manifest). Cargo not declared in time has
    only its ``documento`` until a DAI declares it; unpaid tributes of a DAI with no manifested
    cargo (the old regime) have only the ``edoc``. At least one is set.
    """

    class State(models.TextChoices):
        TACITO = "tacito", _("En abandono tácito")
        CURADO = "curado", _("Subsanado")
        DEFINITIVO = "definitivo", _("Abandono definitivo")

    edoc = models.ForeignKey(
        "edocs.EDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="abandonos",
        verbose_name=_("declaración"),
    )
    documento = models.ForeignKey(
        "carga.DocumentoTransporte",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="abandonos",
        verbose_name=_("documento de transporte"),
    )
    causal = models.ForeignKey(CausalAbandono, on_delete=models.PROTECT, related_name="+")
    debtor_ruc = models.CharField(_("RUC del operador"), max_length=13)
    distrito = models.CharField(_("distrito aduanero"), max_length=3)
    started_on = models.DateField(_("desde"))
    cure_until = models.DateField(_("plazo para subsanar"))
    state = models.CharField(
        _("estado"), max_length=10, choices=State.choices, default=State.TACITO
    )
    multa = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(_("cerrado el"), null=True, blank=True)

    class Meta:
        verbose_name = _("abandono")
        verbose_name_plural = _("abandonos")
        indexes = [
            models.Index(fields=["debtor_ruc", "state", "-started_on"], name="abandono_operador"),
            models.Index(fields=["distrito", "state", "-started_on"], name="abandono_distrito"),
            models.Index(fields=["state", "cure_until"], name="abandono_vence"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(edoc__isnull=False) | Q(documento__isnull=False),
                name="abandono_con_sujeto",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.state}"

    @property
    def subject(self) -> str:
        """The goods, as the consulta and the notices name them."""
        parts = []
        if self.edoc_id:
            parts.append(self.edoc.document_number)
        if self.documento_id:
            parts.append(f"{self.documento.referencia} ({self.documento.numero})")
        return " — ".join(parts)


class PlazoTitulo(models.Model):
    """After how many days unpaid past its exigible date an obligation is issued a título de
    crédito (dated rows with legal basis, like the tax rules)."""

    dias = models.PositiveSmallIntegerField(_("días de mora"))
    valid_from = models.DateField(_("vigente desde"))
    valid_to = models.DateField(_("vigente hasta"), null=True, blank=True)
    legal_basis = models.CharField(_("base legal"), max_length=300)

    class Meta:
        verbose_name = _("plazo para emitir el título de crédito")
        verbose_name_plural = _("plazos para emitir títulos de crédito")
        constraints = [models.UniqueConstraint(fields=["valid_from"], name="uniq_plazo_titulo")]

    def __str__(self) -> str:
        return f"{self.valid_from} {self.dias}"


class TituloCredito(models.Model):
    """The título de crédito issued for an obligation left unpaid past its term: its own
    gap-free number, the date, the amount with interest to that day and the legal basis. The
    obligation stays payable through the banks (interest to the day of payment)."""

    numero = models.CharField(_("número del título de crédito"), max_length=30, unique=True)
    obligation = models.OneToOneField(
        Obligation,
        on_delete=models.PROTECT,
        related_name="titulo",
        verbose_name=_("obligación"),
    )
    issued_on = models.DateField(_("emitido el"))
    principal = money_field(_("capital"))
    interest = money_field(_("intereses a la fecha de emisión"))
    total = money_field(_("total a la fecha de emisión"))
    legal_basis = models.CharField(_("base legal"), max_length=300)

    class Meta:
        verbose_name = _("título de crédito")
        verbose_name_plural = _("títulos de crédito")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.numero


class NotaCredito(LedgerEntry):
    """A credit for tributes lowered after the fact (an approved correction, an aforo): its own
    gap-free number ``NC-distrito-año-secuencial``, the debtor, the amount. Append-only: its
    ``aplicaciones`` (``Payment`` rows of kind ajuste/credito) draw on it; what is left is the
    debtor's saldo a favor."""

    numero = models.CharField(_("número de la nota de crédito"), max_length=30, unique=True)
    edoc = models.ForeignKey(
        "edocs.EDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notas_credito",
        verbose_name=_("documento"),
    )
    legal_basis = models.CharField(_("base legal"), max_length=300)

    class Meta:
        verbose_name = _("nota de crédito")
        verbose_name_plural = _("notas de crédito")
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["debtor_ruc", "-issued_on"], name="nota_credito_deudor")]

    def __str__(self) -> str:
        return f"{self.numero} ({self.amount} USD)"
