"""The request's states after the engine's acceptance (the lifecycle in ``edoc.py``)."""

from django.utils.translation import gettext_lazy as _

from ecuapass.edocs.states import DocumentState

POR_PAGAR = DocumentState.ACEPTADO  # accepted: the tasa's orden de pago waits for the bank
EN_REVISION = "en_revision"
SUBSANACION = "subsanacion"
POR_APROBAR = "por_aprobar"
EMITIDA = "emitida"
NEGADA = "negada"

LABELS = (
    (EN_REVISION, _("En revisión")),
    (SUBSANACION, _("Devuelta para subsanación")),
    (POR_APROBAR, _("Por aprobar (director)")),
    (EMITIDA, _("Documento emitido")),
    (NEGADA, _("Negada")),
)
# Requests still waiting on someone (the técnico's load; the applicant's pending list).
OPEN = (EN_REVISION, SUBSANACION, POR_APROBAR)
PENDING = ("registrado", POR_PAGAR, *OPEN)
