"""Despacho de importación after acceptance: the canal de aforo, the officers' aforo, the cierre.

``services.open_despacho(edoc)`` is the DAI's ``after_acceptance`` hook: the motor de riesgo
(``ecuapass.risk``) gives the canal, ``lifecycle.fire`` moves the document, and every canal but
automático opens an ``AforoCase`` in the distrito's bandeja, assigned to the técnico with the
least open work. The técnico requests documents, schedules and records inspections, raises
observaciones, proposes corrections and closes the aforo (conforme, or con novedad: the DAI is
re-liquidated with the corrected data and a liquidación complementaria is issued when the
duties rise; an infracción records a multa). The operator answers from the document page or the
API. Decisions: docs/adr/0007-despacho-aforo.md.
"""
