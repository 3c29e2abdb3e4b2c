"""The DAE's states after acceptance and the roles of the export trámite."""

ACEPTADO = "aceptado"
CANAL_ASIGNADO = "canal_asignado"
EN_AFORO = "en_aforo"
SALIDA_AUTORIZADA = "salida_autorizada"
EMBARCADA = "embarcada"
REGULARIZADA = "regularizada"
ANULADO = "anulado"

# The depósito temporal named in the DAE (registered as a lifecycle actor in ``actors``).
DEPOSITO = "deposito_dae"
# SENAE roles (registered by ecuapass.officers).
TECNICO = "tecnico_aforador"
SUPERVISOR = "supervisor"
ADMINISTRADOR = "administrador"
# Processes.
MANIFIESTO = "manifiesto-exportacion"
