"""Accepted DAIs and approved profiles for the risk tests."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils import timezone

from ecuapass.customs.serializers import DaiSerializer
from ecuapass.edocs import registry, services
from ecuapass.risk.models import CanalAssignment, RiskProfile
from tests.support.world import dai_payload

_codes = itertools.count(1)


def accepted_dai(party, **overrides):
    """Submit and process a DAI of ``party``; returns the accepted e-doc (without a canal)."""
    items = overrides.pop("items", None)
    payload = dai_payload(invoice=f"FAC-R-{next(_codes)}", **overrides)
    if items is not None:
        payload["items"] = items
    serializer = DaiSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors
    outcome = services.submit_payload(
        registry.get("DAI"),
        serializer.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="S",
    )
    edoc = outcome.envio.document
    assert services.process(edoc.pk) == "aceptado"
    edoc.refresh_from_db()
    # The DAI's acceptance hook may already have assigned a canal: the tests assign their own.
    CanalAssignment.objects.filter(edoc=edoc).delete()
    return edoc


def approved_profile(canal, pct="100", priority=100, **fields) -> RiskProfile:
    n = next(_codes)
    defaults = {
        "code": f"T-{n:04d}",
        "version": 1,
        "name": f"Perfil de prueba {n}",
        "canal": canal,
        "sampling_pct": Decimal(pct),
        "priority": priority,
        "valid_from": timezone.localdate() - timezone.timedelta(days=30),
        "approved_on": timezone.now(),
    }
    defaults.update(fields)
    return RiskProfile.objects.create(**defaults)
