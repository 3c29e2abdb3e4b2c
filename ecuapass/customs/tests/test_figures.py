"""One truth for the figures (issue 9 §3): the presumptive insurance (a percentage of FOB when
there is no policy) is applied once, by the calculator, and the header ("Seguro", "CIF"), each
item, the liquidación, the API detail and both prints show the same amounts."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from ecuapass.api.models import ApiToken
from ecuapass.core import formatting
from ecuapass.customs import prints
from ecuapass.customs.models import Dai
from ecuapass.customs.serializers import DaiSerializer
from ecuapass.edocs import registry, services
from tests.support.world import dai_payload

pytestmark = pytest.mark.django_db

POLICIES = {
    "con póliza": ["100.00", "250.00", "60.00"],
    "sin póliza": [None, None, None],
    "mixta": ["100.00", None, "0"],
}


def accepted_dai(party, seguros, invoice):
    payload = dai_payload(invoice=invoice)
    for item, seguro in zip(payload["items"], seguros, strict=True):
        if seguro is None:
            item.pop("seguro", None)
        else:
            item["seguro"] = seguro
    s = DaiSerializer(data=payload)
    assert s.is_valid(), s.errors
    edoc = services.submit_payload(
        registry.get("DAI"),
        s.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="S",
    ).envio.document
    assert services.process(edoc.pk) == "aceptado", list(edoc.errors.values_list("message"))
    edoc.refresh_from_db()
    return edoc


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert match, element_id
    return match.group(1).strip()


@pytest.mark.parametrize("case", list(POLICIES))
def test_header_items_liquidacion_api_and_prints_agree(oce_client, world, case):
    seguros = POLICIES[case]
    edoc = accepted_dai(world.importer, seguros, invoice=f"F-FIG-{len(case)}")
    dai = Dai.objects.get(edoc=edoc)
    liq = dai.liquidacion
    items = list(dai.items.order_by("numero"))
    detalle = liq.detalle["items"]

    # The items: the insurance the liquidación applied, presumptive exactly where no policy.
    for item, row, seguro in zip(items, detalle, seguros, strict=True):
        assert item.seguro_aplicado == Decimal(row["seguro"])
        assert item.cif == Decimal(row["cif"]) == item.fob + item.flete + item.seguro_aplicado
        presumptive = seguro is None or Decimal(seguro) == 0
        assert item.seguro_presuntivo is presumptive
        if presumptive:  # the dated rule: 1 % of FOB
            assert item.seguro_aplicado == (item.fob / 100).quantize(Decimal("0.01"))
        else:
            assert item.seguro_aplicado == Decimal(seguro)
    # The header: sums of the items; its CIF is the liquidación's CIF.
    assert dai.total_seguro == sum(i.seguro_aplicado for i in items)
    assert dai.total_cif == liq.total_cif == sum(i.cif for i in items)
    if case == "sin póliza":
        assert dai.total_seguro == Decimal("410.00")  # 1 % of 41 000,00

    seguro, cif = formatting.money(dai.total_seguro), formatting.money(dai.total_cif)
    # The document page: the header and the liquidación show the same figures.
    page = oce_client(world.importer).get(f"/edocs/documento/{edoc.pk}/").content.decode()
    assert text_of(page, "cabecera-seguro") == seguro == text_of(page, "liq-total-seguro")
    assert text_of(page, "cabecera-cif") == cif == text_of(page, "liq-total-cif")

    # The API detail.
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="t")
    detail = (
        Client()
        .get(f"/api/v1/edocs/{edoc.numero_entrega}/", HTTP_AUTHORIZATION=f"Token {raw}")
        .json()["contenido"]
    )
    assert Decimal(detail["total_seguro"]) == dai.total_seguro
    assert Decimal(detail["total_cif"]) == Decimal(detail["liquidacion"]["totales"]["cif"])
    assert [Decimal(i["seguro_aplicado"]) for i in detail["items"]] == [
        i.seguro_aplicado for i in items
    ]
    assert [Decimal(i["seguro"]) for i in detail["liquidacion"]["items"]] == [
        i.seguro_aplicado for i in items
    ]

    # Both prints (the HTML each PDF is made of).
    dai_print = prints.render_html("dai", edoc, dai)
    liq_print = prints.render_html("liquidacion", edoc, dai)
    money = formatting.money
    for item in items:
        assert f"{money(item.seguro_aplicado)}" in dai_print
        assert f'{money(item.seguro_aplicado)}</td><td class="n">{money(item.cif)}' in liq_print
    assert f"{money(dai.total_seguro)}</th></tr></tfoot>" in dai_print
    assert f'{money(dai.total_seguro)}</th><th class="n">{money(liq.total_cif)}' in liq_print
    assert f"CIF (USD) {cif}" in dai_print and f"{money(liq.total_cif)}</td>" in dai_print
    if case != "con póliza":
        assert "Seguro presuntivo" in dai_print
    else:
        assert ">0,00</td></tr>" not in dai_print  # no item prints a zero insurance
