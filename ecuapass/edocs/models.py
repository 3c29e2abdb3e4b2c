"""The e-doc engine: documents, envíos (immutable submissions), errors, status history.

* ``EDocument`` — one e-doc of any registered type, with its two states. Its
  content (a DAI…) lives in the type's own model with a OneToOne ``edoc``.
* ``Envio`` — the submission exactly as sent, with its número de entrega.
  Written once, never updated.
* ``DocumentError`` — an "Observación": phase, rule code, field, message.
* ``StatusChange`` — one row per transition of either state.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from ecuapass.core.models import AuditedModel
from ecuapass.core.reversing import path_for

from . import registry
from .rules import Phase
from .states import CanalAforo, Channel, DocumentState, TransmissionState

S = DocumentState
T = TransmissionState


# --- transition permissions and conditions -------------------------------------
def has_number(instance) -> bool:
    return bool(instance.document_number)


def transmission_processed(instance) -> bool:
    return instance.estado_transmision != T.RECIBIDO


def is_party_oce(oce) -> bool:
    """Codes of a titular (importer/exporter) see what was filed for their operator."""
    from ecuapass.core.models import Capability

    return oce.registration.oce_type.has(Capability.TITULAR)


class EDocumentQuerySet(models.QuerySet):
    def sent(self):
        return self.exclude(estado_documento=S.BORRADOR)

    def drafts(self):
        return self.filter(estado_documento=S.BORRADOR)

    def visible_to(self, oce):
        """The one rule of who sees a document: scope to the active código de OCE.

        A filer sees what its code filed (drafts included); a code whose tipo de
        OCE is a party (``OceType.has(PARTY)``: the importer/exporter) also sees
        what was filed for its operator, drafts excepted. Used by the portal,
        the API, exports and prints (``edocs.access``) and, in its index-friendly
        form ``sent_visible_to``, by 1.3.
        """
        if is_party_oce(oce):
            return self.filter(
                models.Q(filer_oce_id=oce.pk)
                | (
                    models.Q(party_operator_id=oce.registration.operator_id)
                    & ~models.Q(estado_documento=S.BORRADOR)
                )
            )
        return self.filter(filer_oce_id=oce.pk)

    def sent_visible_to(self, oce):
        """``visible_to`` for sent documents as one indexed predicate (1.3's page and count).

        The engine sets the party of everything a party code files to its own
        operator, so for a party "filed by me or for me" is "party = my operator".
        """
        qs = self.filter(sent_on__isnull=False)
        if is_party_oce(oce):
            return qs.filter(party_operator_id=oce.registration.operator_id)
        return qs.filter(filer_oce_id=oce.pk)

    def filed_by(self, oce):
        return self.filter(filer_oce_id=oce.pk)


class EDocument(AuditedModel):
    doc_type = models.CharField(_("tipo de documento"), max_length=12)
    operation = models.CharField(
        _("tipo de operación"), max_length=16, choices=registry.Operation.CHOICES
    )
    title = models.CharField(_("nombre del documento"), max_length=200)
    filer_oce = models.ForeignKey(
        "accounts.OceCode",
        on_delete=models.PROTECT,
        related_name="filed_edocs",
        verbose_name=_("código de OCE del declarante"),
        db_index=False,  # edoc_filer_sent leads with it (tests/test_indexes.py)
    )
    party_operator = models.ForeignKey(
        "accounts.Operator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="edocs",
        verbose_name=_("operador titular"),
        db_index=False,  # edoc_party_sent leads with it (tests/test_indexes.py)
    )
    reference = models.CharField(_("referencia"), max_length=100, blank=True)
    numero_entrega = models.CharField(
        _("número de entrega"), max_length=21, null=True, blank=True, unique=True
    )
    channel = models.CharField(_("canal"), max_length=1, choices=Channel.choices, blank=True)
    sent_on = models.DateTimeField(_("fecha-hora de entrega"), null=True, blank=True)
    document_number = models.CharField(_("número de documento"), max_length=30, blank=True)
    estado_transmision = FSMField(
        _("estado de transmisión"), max_length=12, choices=T.choices, default=T.SIN_ENVIAR
    )
    # The engine's states (S) and, after acceptance, the type's lifecycle states.
    estado_documento = FSMField(_("estado del documento"), max_length=30, default=S.BORRADOR)
    canal_aforo = models.CharField(
        _("canal de aforo"), max_length=20, choices=CanalAforo.choices, blank=True
    )
    # The distrito aduanero whose officers handle it (DocumentType.distrito_of), set at submission.
    distrito = models.CharField(_("distrito aduanero"), max_length=3, blank=True)
    processed_on = models.DateTimeField(_("procesado el"), null=True, blank=True)
    accepted_on = models.DateTimeField(_("aceptado el"), null=True, blank=True)
    job_id = models.CharField(_("trabajo en cola"), max_length=64, blank=True)
    processing_attempts = models.PositiveIntegerField(_("intentos de procesamiento"), default=0)

    objects = EDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("documento electrónico")
        verbose_name_plural = _("documentos electrónicos")
        ordering = ["-sent_on", "-id"]
        indexes = [
            # 1.3: the filer's list and the party's list, newest first.
            models.Index(fields=["filer_oce", "-sent_on", "-id"], name="edoc_filer_sent"),
            models.Index(fields=["party_operator", "-sent_on", "-id"], name="edoc_party_sent"),
            # 1.3 filtered by Estado del Documento (the common filter): page and count
            # stay within the index (measured: count 260 ms → index-only, bench/).
            models.Index(
                fields=["party_operator", "estado_documento", "-sent_on", "-id"],
                name="edoc_party_state_sent",
            ),
            models.Index(
                fields=["filer_oce", "estado_documento", "-sent_on", "-id"],
                name="edoc_filer_state_sent",
            ),
            models.Index(fields=["document_number"], name="edoc_docnum"),
            models.Index(fields=["estado_transmision", "sent_on"], name="edoc_tx_sent"),
            # The officers' bandeja: a distrito's trámites in a state, oldest first.
            models.Index(
                fields=["distrito", "estado_documento", "sent_on"], name="edoc_distrito_state"
            ),
        ]

    def __str__(self) -> str:
        return self.numero_entrega or f"{self.doc_type} borrador {self.pk}"

    # --- helpers ----------------------------------------------------------------
    @property
    def type(self) -> registry.DocumentType:
        return registry.get(self.doc_type)

    @property
    def content(self):
        if not hasattr(self, "_content_cache"):
            self._content_cache = self.type.content_for(self)
        return self._content_cache

    @property
    def is_draft(self) -> bool:
        return self.estado_documento == S.BORRADOR

    def get_estado_documento_display(self) -> str:
        """The label of the state, the engine's or the type's lifecycle's."""
        from .lifecycle import state_label

        return state_label(self.estado_documento)

    def get_absolute_url(self) -> str:
        return path_for("edocs:documento", self.pk)  # reverse(), its template kept

    # --- Estado de Transmisión --------------------------------------------------
    @transition(field=estado_transmision, source=T.SIN_ENVIAR, target=T.RECIBIDO)
    def recibir(self, *, by=None, process="", note=""):
        """The envío was stored with its número de entrega."""

    @transition(field=estado_transmision, source=T.RECIBIDO, target=T.PROCESADO)
    def marcar_procesado(self, *, by=None, process="", note=""):
        """Formal checks passed (operator and document phases)."""
        self.processed_on = timezone.now()

    @transition(field=estado_transmision, source=T.RECIBIDO, target=T.ERROR)
    def marcar_error(self, *, by=None, process="", note=""):
        """Formal checks failed."""
        self.processed_on = timezone.now()

    # --- Estado del Documento ---------------------------------------------------
    @transition(field=estado_documento, source=S.BORRADOR, target=S.REGISTRADO)
    def registrar(self, *, by=None, process="", note=""):
        """Sent: from now on the document is immutable."""

    @transition(
        field=estado_documento,
        source=S.REGISTRADO,
        target=S.ACEPTADO,
        conditions=[has_number],
    )
    def aceptar(self, *, by=None, process="", note=""):
        self.accepted_on = timezone.now()

    @transition(
        field=estado_documento,
        source=S.REGISTRADO,
        target=S.RECHAZADO,
        conditions=[transmission_processed],
    )
    def rechazar(self, *, by=None, process="", note=""):
        """Every error is recorded as a DocumentError before this."""


# --- 1.3's counts: a version per scope, bumped when a document of it changes (ADR 0013) ----
# 1.3 keeps its capped count per (scope, filters) under the scope's version
# (``selectors.capped_count``). A document's scopes are its filer's código de OCE and, when set,
# its party's operator (``sent_visible_to``). Every save or delete of an EDocument through the
# ORM bumps both — once per transaction, after the commit — so the next 1.3 of either scope
# counts afresh; until the commit, 1.3 inside that transaction counts without the cache. Writes that bypass ``save()`` (``QuerySet.update``, ``bulk_create``,
# ``bulk_update``) of a field 1.3 filters on must call ``documents_changed`` themselves;
# ``selectors.COUNT_TTL`` bounds what one that does not could leave stale.


def count_version_key(*, oce_id=None, operator_id=None) -> str:
    return f"edocs:v:oce{oce_id}" if oce_id is not None else f"edocs:v:op{operator_id}"


def documents_changed(oce_ids=(), operator_ids=()) -> None:
    """Documents of these códigos de OCE (filers) / operators (parties) were created, changed
    state or were deleted: 1.3's counts of those scopes start afresh after the commit (one
    write per transaction, whatever the number of documents it saves, with the transaction's
    other cache writes: ``ops.cache.set_after_commit``)."""
    import uuid

    from ecuapass.ops.cache import set_after_commit

    keys = {count_version_key(oce_id=i) for i in oce_ids if i is not None}
    keys |= {count_version_key(operator_id=i) for i in operator_ids if i is not None}
    set_after_commit({key: uuid.uuid4().hex for key in sorted(keys)})


def uncommitted_count_versions() -> set[str]:
    """The version keys this connection's open transaction will bump at its commit: 1.3
    neither reads nor stores a count of those scopes meanwhile (it would be the old one)."""
    from ecuapass.ops.cache import pending_after_commit

    return set(pending_after_commit())


def _on_document_written(sender, instance, **kwargs) -> None:
    documents_changed((instance.filer_oce_id,), (instance.party_operator_id,))


models.signals.post_save.connect(
    _on_document_written, sender=EDocument, dispatch_uid="edocs_count_version_save"
)
models.signals.post_delete.connect(
    _on_document_written, sender=EDocument, dispatch_uid="edocs_count_version_delete"
)


class EnvioQuerySet(models.QuerySet):
    def update(self, **kwargs):  # pragma: no cover - guard
        raise ValidationError(_("Un envío es inmutable."))


class Envio(models.Model):
    """A submission exactly as sent. Immutable: written once."""

    document = models.OneToOneField(
        EDocument, on_delete=models.PROTECT, related_name="envio", verbose_name=_("documento")
    )
    numero_entrega = models.CharField(_("número de entrega"), max_length=21, unique=True)
    channel = models.CharField(_("canal"), max_length=1, choices=Channel.choices)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("usuario remitente"),
    )
    sender_oce = models.ForeignKey(
        "accounts.OceCode",
        on_delete=models.PROTECT,
        related_name="envios",
        verbose_name=_("código de OCE remitente"),
    )
    sent_on = models.DateTimeField(_("fecha-hora de entrega"), default=timezone.now)
    payload = models.JSONField(_("contenido enviado (JSON)"))
    payload_xml = models.TextField(_("contenido enviado (XML)"), blank=True)
    idempotency_key = models.CharField(_("clave de idempotencia"), max_length=100, blank=True)
    # The payload passed the type's serializer when it was received (the API validates it
    # before answering 202): the worker's structure check (DOC-001) does not run it again.
    schema_checked = models.BooleanField(_("estructura validada al recibirlo"), default=False)

    objects = EnvioQuerySet.as_manager()

    class Meta:
        verbose_name = _("envío")
        verbose_name_plural = _("envíos")
        constraints = [
            models.UniqueConstraint(
                fields=["sender_oce", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="uniq_envio_idempotency",
            )
        ]

    def __str__(self) -> str:
        return self.numero_entrega

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Un envío es inmutable."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Un envío es inmutable."))


class DocumentError(models.Model):
    """An "Observación" of processing: the field and the message."""

    document = models.ForeignKey(EDocument, on_delete=models.CASCADE, related_name="errors")
    phase = models.CharField(_("fase"), max_length=12, choices=Phase.CHOICES)
    code = models.CharField(_("código"), max_length=20)
    field = models.CharField(_("campo"), max_length=100, blank=True)
    message = models.TextField(_("observación"))

    class Meta:
        verbose_name = _("observación")
        verbose_name_plural = _("observaciones")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code} {self.field}: {self.message}"


class StatusChange(models.Model):
    """One transition of either state: from, to, when, by whom or which process, note."""

    class Field(models.TextChoices):
        TRANSMISION = "transmision", _("Estado de Transmisión")
        DOCUMENTO = "documento", _("Estado del Documento")

    document = models.ForeignKey(
        EDocument, on_delete=models.CASCADE, related_name="history", db_index=False
    )
    field = models.CharField(_("estado"), max_length=12, choices=Field.choices)
    transition = models.CharField(_("transición"), max_length=60)
    from_state = models.CharField(_("desde"), max_length=30)
    to_state = models.CharField(_("hacia"), max_length=30)
    at = models.DateTimeField(_("fecha-hora"), default=timezone.now)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("usuario"),
    )
    by_process = models.CharField(_("proceso"), max_length=60, blank=True)
    # The actor under which a lifecycle transition was fired (filer, party, an officer role…).
    by_role = models.CharField(_("rol"), max_length=40, blank=True)
    ip = models.GenericIPAddressField(_("dirección IP"), null=True, blank=True)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("cambio de estado")
        verbose_name_plural = _("historial de estados")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["document", "at"], name="edoc_history_doc")]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"

    def label(self, value: str) -> str:
        if self.field == self.Field.DOCUMENTO:
            from .lifecycle import state_label

            return state_label(value)
        try:
            return TransmissionState(value).label
        except ValueError:
            return value

    @property
    def actor_display(self) -> str:
        """Who did it, as an operator may read it: an officer by role, never by name."""
        from .lifecycle import FILER, PARTY, PROCESS, actor_label

        if self.by_role and self.by_role not in (FILER, PARTY, PROCESS):
            role = actor_label(self.by_role)
            if self.by_user_id and getattr(settings, "ECUAPASS_OPERATORS_SEE_OFFICER_NAMES", False):
                return f"{role}: {self.by_user.get_full_name() or self.by_user.username}"
            return role
        if self.by_user_id:
            return self.by_user.username
        return self.by_process

    @property
    def from_label(self) -> str:
        return self.label(self.from_state)

    @property
    def to_label(self) -> str:
        return self.label(self.to_state)
