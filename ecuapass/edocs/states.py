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
    """The engine's own document states, common to every type.

    What happens after "aceptado" is declared by each type's ``Lifecycle``
    (``ecuapass/edocs/lifecycle.py``); its states share this column, so the 1.3
    indexes serve every type. Values never repeat a TransmissionState value.
    """

    BORRADOR = "borrador", _("Borrador")
    REGISTRADO = "registrado", _("Registrado")
    ACEPTADO = "aceptado", _("Aceptado")
    RECHAZADO = "rechazado", _("Rechazado")
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


def document_state_choices() -> list[tuple[str, str]]:
    """Every Estado del Documento a sent document can be in: the engine's, then each type's."""
    from . import registry

    seen = {DocumentState.BORRADOR.value}
    choices = []
    for value, label in [(s.value, s.label) for s in DocumentState] + [
        state for t in registry.all_types() for state in t.lifecycle.states
    ]:
        if value not in seen:
            seen.add(value)
            choices.append((value, label))
    return choices


def filter_choices() -> list:
    """One "Estado" filter (1.3 and the API) takes either kind of value."""
    return [
        (
            _("Estado de Transmisión"),
            [(s.value, s.label) for s in TransmissionState if s != TransmissionState.SIN_ENVIAR],
        ),
        (_("Estado del Documento"), document_state_choices()),
    ]


TRANSMISSION_VALUES = {s.value for s in TransmissionState}


def document_values() -> set[str]:
    return {value for value, _label in document_state_choices()}
