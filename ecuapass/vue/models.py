"""Ventanilla Única: control agencies, their permit types, the requests and the issued permits.

* ``Entidad`` — a control agency (AGROCALIDAD, ARCSA…), an organisation with its own staff.
* ``Funcionario`` — a user working for one agency as técnico revisor or director (aprobador);
  like SENAE's officers they sign in through the same portal with a second factor.
* ``TipoDocumento`` — a permit type of an agency: the form's fields as a schema (a new permit
  needs no code), required attachments, the tasa with its legal basis, the review deadline in
  business days, the validity, whether the director signs, how many subsanaciones are allowed
  and which tariff lines it covers (the tariff's restriction rows name it by agency + document).
* ``Solicitud`` — the content of the e-doc ``VUE`` (the request): type, form data, products.
* ``Actuacion`` — every step of the review (asignación, devolución, subsanación, decisión).
* ``DocumentoEmitido`` — the documento de control previo: number, holder, validity, conditions,
  a verification code for the public page; ``Saldo`` its authorised quantity per product and
  ``Descargo`` each quantity a declaration discharged from it (atomic, never overdrawn).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecuapass.api.models import TokenBase
from ecuapass.core.models import AuditedModel


class Entidad(AuditedModel):
    code = models.CharField(_("sigla"), max_length=20, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    ruc = models.CharField(_("RUC"), max_length=13, blank=True)
    active = models.BooleanField(_("activa"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("entidad de control")
        verbose_name_plural = _("entidades de control")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Rol(models.TextChoices):
    TECNICO = "tecnico", _("Técnico revisor")
    DIRECTOR = "director", _("Director / aprobador")


class FuncionarioQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True, user__is_active=True, user__state="activo")


class Funcionario(AuditedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="funcionario_vue",
        verbose_name=_("usuario"),
    )
    entidad = models.ForeignKey(
        Entidad,
        on_delete=models.PROTECT,
        related_name="funcionarios",
        verbose_name=_("entidad"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    rol = models.CharField(_("rol"), max_length=10, choices=Rol.choices)
    active = models.BooleanField(_("activo"), default=True)
    history = HistoricalRecords()

    objects = FuncionarioQuerySet.as_manager()

    class Meta:
        verbose_name = _("funcionario de entidad de control")
        verbose_name_plural = _("funcionarios de entidades de control")
        ordering = ["entidad", "user__username"]
        indexes = [models.Index(fields=["entidad", "rol", "active"], name="vue_func_entidad_rol")]

    def __str__(self) -> str:
        return f"{self.user.username} ({self.entidad.code}, {self.get_rol_display()})"

    @property
    def is_usable(self) -> bool:
        return self.active and self.user.is_active and self.user.state == "activo"


TOKEN_PREFIX = "ecpv"  # noqa: S105 - the public part of every agency system's token


class FuncionarioToken(TokenBase):
    """``Authorization: Token <token>`` on ``/api/v1/interno/vue/``: an agency's own system acting
    as one of its staff, with that staff member's entidad and rol read on every request."""

    funcionario = models.ForeignKey(
        Funcionario,
        on_delete=models.CASCADE,
        related_name="tokens",
        verbose_name=_("funcionario de la entidad"),
    )

    class Meta(TokenBase.Meta):
        verbose_name = _("token de sistema de entidad de control")
        verbose_name_plural = _("tokens de sistemas de entidades de control")

    @classmethod
    def issue(cls, *, funcionario: Funcionario, name: str) -> tuple[FuncionarioToken, str]:
        """Create a token; returns it and the raw value (shown once, never stored)."""
        return cls._issue(TOKEN_PREFIX, name=name, funcionario=funcionario)


class Operacion(models.TextChoices):
    IMPORTACION = "importacion", _("Importación")
    EXPORTACION = "exportacion", _("Exportación")


class TipoDocumento(AuditedModel):
    entidad = models.ForeignKey(
        Entidad, on_delete=models.PROTECT, related_name="tipos", verbose_name=_("entidad")
    )
    code = models.CharField(_("código"), max_length=20, unique=True)
    name = models.CharField(_("nombre"), max_length=200)
    operacion = models.CharField(_("operación"), max_length=12, choices=Operacion.choices)
    # The tariff's restriction rows name the permit by agency (= entidad.code) and this text.
    documento_arancel = models.CharField(
        _("documento en el arancel"),
        max_length=200,
        blank=True,
        help_text=_("Texto del documento requerido en las restricciones del arancel."),
    )
    # Lines the permit may cover when the tariff does not mark them (e.g. export certificates):
    # subpartida prefixes, "0808" or "0808.10".
    subpartidas = models.JSONField(_("subpartidas (prefijos)"), default=list, blank=True)
    campos = models.JSONField(
        _("campos del formulario"),
        default=list,
        blank=True,
        help_text=_(
            "Lista de campos: nombre, etiqueta, tipo (texto, numero, fecha, opcion), "
            "obligatorio, opciones, max."
        ),
    )
    adjuntos_requeridos = models.JSONField(_("adjuntos requeridos"), default=list, blank=True)
    tasa = models.DecimalField(
        _("tasa (USD)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    tasa_base_legal = models.CharField(_("base legal de la tasa"), max_length=300, blank=True)
    plazo_dias_habiles = models.PositiveSmallIntegerField(
        _("plazo de atención (días hábiles)"), default=5
    )
    vigencia_dias = models.PositiveIntegerField(_("vigencia (días)"), default=90)
    requiere_director = models.BooleanField(_("requiere aprobación del director"), default=False)
    max_subsanaciones = models.PositiveSmallIntegerField(_("subsanaciones permitidas"), default=2)
    active = models.BooleanField(_("activo"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tipo de documento VUE")
        verbose_name_plural = _("tipos de documento VUE")
        ordering = ["entidad", "code"]

    def __str__(self) -> str:
        return f"{self.entidad.code} - {self.name}"


class Solicitud(models.Model):
    edoc = models.OneToOneField(
        "edocs.EDocument",
        on_delete=models.CASCADE,
        related_name="solicitud_vue",
        verbose_name=_("documento"),
    )
    tipo = models.ForeignKey(
        TipoDocumento, on_delete=models.PROTECT, related_name="+", verbose_name=_("tipo")
    )
    datos = models.JSONField(_("datos del formulario"), default=dict, blank=True)
    asignado_a = models.ForeignKey(
        Funcionario,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="asignadas",
        verbose_name=_("técnico asignado"),
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    subsanaciones = models.PositiveSmallIntegerField(_("subsanaciones"), default=0)
    tasa_numero = models.CharField(_("orden de pago de la tasa"), max_length=40, blank=True)
    pagada_el = models.DateTimeField(_("tasa pagada el"), null=True, blank=True)
    vence_el = models.DateField(_("plazo de atención hasta"), null=True, blank=True)
    observaciones = models.TextField(_("observaciones para subsanar"), blank=True)

    class Meta:
        verbose_name = _("solicitud VUE")
        verbose_name_plural = _("solicitudes VUE")
        indexes = [models.Index(fields=["asignado_a", "vence_el"], name="vue_sol_asignado")]

    def __str__(self) -> str:
        return str(self.edoc)

    @property
    def entidad(self) -> Entidad:
        return self.tipo.entidad

    def datos_mostrados(self) -> list[tuple[str, str]]:
        """(label, value as a person reads it) of each field of the form, in the schema's order."""
        from datetime import date

        from ecuapass.core import formatting

        rows = []
        for campo in self.tipo.campos:
            value = (self.datos or {}).get(campo["nombre"], "")
            if value and campo.get("tipo") == "fecha":
                value = formatting.fecha(date.fromisoformat(value))
            elif value and campo.get("tipo") == "numero":
                value = formatting.number(value)
            rows.append((campo.get("etiqueta") or campo["nombre"], value))
        return rows


class Producto(models.Model):
    solicitud = models.ForeignKey(
        Solicitud, on_delete=models.CASCADE, related_name="productos", db_index=False
    )
    numero = models.PositiveSmallIntegerField(_("número"))
    subpartida = models.CharField(_("subpartida"), max_length=10)
    descripcion = models.CharField(_("descripción"), max_length=300)
    cantidad = models.DecimalField(_("cantidad"), max_digits=16, decimal_places=3)
    unidad = models.CharField(_("unidad"), max_length=8)

    class Meta:
        ordering = ["solicitud", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["solicitud", "numero"], name="uniq_vue_producto"),
            models.CheckConstraint(condition=Q(cantidad__gt=0), name="vue_producto_cantidad"),
        ]

    def __str__(self) -> str:
        return f"{self.numero}. {self.subpartida}"


class Adjunto(models.Model):
    """A file of the request, stored outside the web root by ``ecuapass.despacho.files``."""

    solicitud = models.ForeignKey(Solicitud, on_delete=models.CASCADE, related_name="adjuntos")
    etiqueta = models.CharField(_("documento"), max_length=120, blank=True)
    stored_name = models.CharField(max_length=120, unique=True, editable=False)
    original_name = models.CharField(_("nombre del archivo"), max_length=200)
    content_type = models.CharField(_("tipo de contenido"), max_length=40)
    size = models.PositiveIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_on = models.DateTimeField(_("subido el"), default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Actuacion(models.Model):
    class Tipo(models.TextChoices):
        ASIGNACION = "asignacion", _("Asignación")
        REASIGNACION = "reasignacion", _("Reasignación")
        DEVOLUCION = "devolucion", _("Devuelta para subsanación")
        SUBSANACION = "subsanacion", _("Subsanación presentada")
        APROBACION = "aprobacion", _("Aprobada por el técnico")
        EMISION = "emision", _("Documento emitido")
        NEGACION = "negacion", _("Negada")
        ANULACION = "anulacion", _("Documento anulado")

    solicitud = models.ForeignKey(Solicitud, on_delete=models.CASCADE, related_name="actuaciones")
    tipo = models.CharField(_("actuación"), max_length=14, choices=Tipo.choices)
    por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    funcionario = models.ForeignKey(
        Funcionario, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nota = models.TextField(_("nota"), blank=True)
    el = models.DateTimeField(_("fecha-hora"), default=timezone.now)

    class Meta:
        ordering = ["solicitud", "el", "id"]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} {self.el:%Y-%m-%d}"


def _codigo() -> str:
    return secrets.token_urlsafe(12)


class DocumentoEmitido(models.Model):
    class Estado(models.TextChoices):
        VIGENTE = "vigente", _("Vigente")
        ANULADO = "anulado", _("Anulado")

    numero = models.CharField(_("número"), max_length=40, unique=True)
    solicitud = models.OneToOneField(
        Solicitud, on_delete=models.PROTECT, related_name="emitido", verbose_name=_("solicitud")
    )
    tipo = models.ForeignKey(
        TipoDocumento, on_delete=models.PROTECT, related_name="emitidos", db_index=False
    )
    titular = models.ForeignKey(
        "accounts.Operator",
        on_delete=models.PROTECT,
        related_name="documentos_vue",
        db_index=False,  # a composite index leads with it (tests/test_indexes.py)
    )
    valido_desde = models.DateField(_("válido desde"))
    valido_hasta = models.DateField(_("válido hasta"))
    condiciones = models.TextField(_("condiciones"), blank=True)
    estado = models.CharField(_("estado"), max_length=10, choices=Estado.choices, default="vigente")
    emitido_el = models.DateTimeField(_("emitido el"), default=timezone.now)
    emitido_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    codigo_verificacion = models.CharField(max_length=32, unique=True, default=_codigo)
    aviso_vencimiento_el = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("documento de control previo")
        verbose_name_plural = _("documentos de control previo")
        ordering = ["-emitido_el"]
        indexes = [
            models.Index(fields=["titular", "valido_hasta"], name="vue_emitido_titular"),
            models.Index(fields=["tipo", "titular"], name="vue_emitido_tipo"),
        ]

    def __str__(self) -> str:
        return self.numero

    def get_absolute_url(self) -> str:
        return reverse("vue:verificar", args=[self.numero, self.codigo_verificacion])

    def situacion(self, on=None) -> str:
        """vigente / vencido / anulado / agotado on ``on`` (today)."""
        on = on or timezone.localdate()
        if self.estado == self.Estado.ANULADO:
            return "anulado"
        if on > self.valido_hasta or on < self.valido_desde:
            return "vencido"
        if all(s.disponible <= 0 for s in self.saldos.all()):
            return "agotado"
        return "vigente"


SITUACIONES = {
    "vigente": _("VÁLIDO: el documento está vigente."),
    "vencido": _("VENCIDO: el documento no está vigente en esta fecha."),
    "anulado": _("ANULADO: el documento fue anulado por la entidad."),
    "agotado": _("AGOTADO: no queda saldo autorizado."),
}


class Saldo(models.Model):
    documento = models.ForeignKey(
        DocumentoEmitido, on_delete=models.CASCADE, related_name="saldos", db_index=False
    )
    numero = models.PositiveSmallIntegerField(_("producto"))
    subpartida = models.CharField(_("subpartida"), max_length=10)
    descripcion = models.CharField(_("descripción"), max_length=300)
    unidad = models.CharField(_("unidad"), max_length=8)
    autorizado = models.DecimalField(_("cantidad autorizada"), max_digits=16, decimal_places=3)
    descargado = models.DecimalField(
        _("cantidad descargada"), max_digits=16, decimal_places=3, default=Decimal("0")
    )

    class Meta:
        ordering = ["documento", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["documento", "numero"], name="uniq_vue_saldo"),
            models.CheckConstraint(
                condition=Q(descargado__lte=F("autorizado")) & Q(descargado__gte=0),
                name="vue_saldo_no_sobregiro",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.documento_id}/{self.numero} {self.subpartida}"

    @property
    def disponible(self) -> Decimal:
        return self.autorizado - self.descargado


class Descargo(models.Model):
    saldo = models.ForeignKey(
        Saldo, on_delete=models.PROTECT, related_name="descargos", db_index=False
    )
    declaracion = models.ForeignKey(
        "edocs.EDocument", on_delete=models.PROTECT, related_name="descargos_vue"
    )
    item = models.PositiveIntegerField(_("ítem"))
    cantidad = models.DecimalField(_("cantidad"), max_digits=16, decimal_places=3)
    el = models.DateTimeField(_("fecha-hora"), default=timezone.now)

    class Meta:
        ordering = ["saldo", "el"]
        constraints = [
            models.UniqueConstraint(
                fields=["saldo", "declaracion", "item"], name="uniq_vue_descargo"
            )
        ]

    def __str__(self) -> str:
        return f"{self.declaracion_id}/{self.item}: {self.cantidad}"
