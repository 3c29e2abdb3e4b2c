"""Open the despacho of accepted DAIs still without a canal (accepted before the despacho
existed, or whose opening failed and was logged)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ecuapass.despacho.services import despachar_aceptado, pending_openings


class Command(BaseCommand):
    help = (
        "Asigna el canal de aforo (motor de riesgo) y abre el aforo de las DAI aceptadas sin canal."
    )

    def handle(self, *args, **options):
        opened = failed = 0
        for edoc in pending_openings().order_by("accepted_on", "id").iterator():
            despachar_aceptado(edoc)
            edoc.refresh_from_db(fields=["canal_aforo"])
            if edoc.canal_aforo:
                opened += 1
            else:
                failed += 1
        self.stdout.write(f"Despachos abiertos: {opened}; pendientes con error: {failed}.")
