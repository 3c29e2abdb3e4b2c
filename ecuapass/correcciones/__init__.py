"""Corrections requested by the operator after a DAI's acceptance (issue 10 §5).

Three e-doc types of the engine's registry (``edoc.py``), filed from the DAI's page or through
``POST /api/v1/edocs/``, each referring to a DAI the filer sees and filed or owns:

* **Solicitud de corrección** (``DAI-COR``) — before the cierre de aforo;
* **Declaración sustitutiva** (``DAI-SUS``) — after the levante (salida autorizada), within the
  legal term;
* **Solicitud de anulación** (``DAI-ANU``) — e.g. the cargo never arrived.

Once the engine accepts one formally, an officer of the DAI's distrito approves or denies it
(``lifecycle.fire``, notices both ways). An approved corrección or sustitutiva changes the DAI's
header and items: a ``DaiVersion`` keeps the payload before and after, the diff field by field,
who, when, why and the request; the DAI keeps its número and its liquidación is recomputed by
the customs services. An approved anulación fires the DAI's own "anular" transition.
The declaration is a registered target (``targets``): the DAI here (``declaraciones``), the DAE
from ``ecuapass.exportacion.cambios`` (DAE-COR, DAE-SUS), with the same rules, decision and
versions. Decisions: docs/adr/0008-operator-corrections.md, docs/adr/0010-export-dae-and-manifest.md.
"""
