"""2.11 «Consulta de Informe de Novedades» as CSV (streamed, capped; cells through
``ecuapass.core.spreadsheets``, so a value sent as a formula comes back as text)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.core import spreadsheets

from .models import EventoCarga

MAX_ROWS = 100_000


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def novedades_csv(qs):
    headers = [
        _("Número de entrega"),
        _("Tipo"),
        _("Fase"),
        _("Novedad"),
        _("Número de carga"),
        _("Depósito"),
        _("Bultos"),
        _("Peso (kg)"),
        _("Diferencia de bultos"),
        _("Diferencia de peso (kg)"),
        _("Fecha-hora de la novedad"),
        _("Fecha del informe"),
        _("Observación"),
    ]
    tipos = dict(EventoCarga.Tipo.choices)
    fases = dict(EventoCarga.Fase.choices)
    novedades = dict(EventoCarga.Novedad.choices)

    def rows():
        for e in qs[:MAX_ROWS].iterator(chunk_size=2000):
            yield [
                e.numero,
                str(tipos.get(e.tipo, e.tipo)),
                str(fases.get(e.fase, e.fase)),
                str(novedades.get(e.novedad, e.novedad)),
                e.carga,
                e.deposito.code,
                e.bultos,
                e.peso,
                e.diferencia_bultos,
                e.diferencia_peso,
                _when(e.fecha_hora),
                _when(e.registrado_el),
                e.observacion,
            ]

    return spreadsheets.csv_response(headers, rows(), "novedades-carga")
