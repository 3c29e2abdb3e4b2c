"""The two state columns of every e-doc: Estado de Transmisión and Estado del Documento."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TransmissionState(models.TextChoices):
    """Did the submission arrive and pass the formal checks (operator, structure)?"""

    SIN_ENVIAR = "sin_enviar", _("Sin enviar")
    RECIBIDO = "recibido", _("Recibido")
    PROCESADO = "procesado", _("Procesado")
    ERROR = "error", _("Error")


class DocumentState(models.TextChoices):
    """Where the trámite is. Values never repeat a TransmissionState value."""

    BORRADOR = "borrador", _("Borrador")
    REGISTRADO = "registrado", _("Registrado")
    ACEPTADO = "aceptado", _("Aceptado")
    RECHAZADO = "rechazado", _("Rechazado")
    CANAL_ASIGNADO = "canal_asignado", _("Canal de aforo asignado")
    EN_AFORO = "en_aforo", _("En aforo")
    AFORO_CERRADO = "aforo_cerrado", _("Aforo cerrado")
    LIQUIDADO = "liquidado", _("Liquidado / pendiente de pago")
    PAGADO = "pagado", _("Pagado")
    SALIDA_AUTORIZADA = "salida_autorizada", _("Salida autorizada")
    ANULADO = "anulado", _("Anulado")


class Channel(models.TextChoices):
    PORTAL = "P", _("Portal")
    SOFTWARE = "S", _("Software del OCE (API)")


class CanalAforo(models.TextChoices):
    AUTOMATICO = "automatico", _("Aforo automático")
    ELECTRONICO = "electronico", _("Aforo electrónico")
    DOCUMENTAL = "documental", _("Aforo documental")
    FISICO_INTRUSIVO = "fisico_intrusivo", _("Aforo físico intrusivo")
    FISICO_NO_INTRUSIVO = "fisico_no_intrusivo", _("Aforo físico no intrusivo")


# Named groups (lite-api style).
EDITABLE_STATES = {DocumentState.BORRADOR}
TERMINAL_STATES = {DocumentState.RECHAZADO, DocumentState.SALIDA_AUTORIZADA, DocumentState.ANULADO}
SENT_STATES = {s for s in DocumentState} - {DocumentState.BORRADOR}

# One "Estado" filter (1.3 and the API) takes either kind of value.
FILTER_CHOICES = [
    (
        _("Estado de Transmisión"),
        [(s.value, s.label) for s in TransmissionState if s != TransmissionState.SIN_ENVIAR],
    ),
    (
        _("Estado del Documento"),
        [(s.value, s.label) for s in DocumentState if s != DocumentState.BORRADOR],
    ),
]
TRANSMISSION_VALUES = {s.value for s in TransmissionState}
DOCUMENT_VALUES = {s.value for s in DocumentState}
