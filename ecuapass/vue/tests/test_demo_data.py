"""The VUE's demo data: staff of the four agencies with TOTP, the demo importer's permits and
requests in their states, loaded twice without change."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from ecuapass.core.loading import LoadReport
from ecuapass.edocs.models import EDocument
from ecuapass.vue import demo_data
from ecuapass.vue.models import DocumentoEmitido, Funcionario


def test_demo_requests_and_permits(db):
    from ecuapass.vue.tests.test_browser import load_world

    load_world()
    demo_data.load(LoadReport(write=lambda s: None))
    assert Funcionario.objects.filter(user__username="agro.tecnico").exists()
    states = sorted(
        EDocument.objects.filter(doc_type="VUE").values_list("estado_documento", flat=True)
    )
    assert states == ["aceptado", "emitida", "emitida", "en_revision", "subsanacion"]
    today = timezone.localdate()
    apples = DocumentoEmitido.objects.get(tipo__code="AGRO-PFI")
    assert apples.situacion(today) == "vigente" and apples.saldos.get().disponible == Decimal(
        "20000"
    )
    assert DocumentoEmitido.objects.get(tipo__code="ARCSA-NSO").situacion(today) == "vencido"
    assert not DocumentoEmitido.objects.filter(tipo__code="ARCOTEL-HOM").exists()
    demo_data.load(LoadReport(write=lambda s: None))
    assert EDocument.objects.filter(doc_type="VUE").count() == 5
