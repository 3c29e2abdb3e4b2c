import pytest

pytestmark = pytest.mark.django_db
LABEL = "tarifa de muestra — no oficial"


def test_search_api(client, tariff):
    response = client.get("/api/v1/arancel/", {"q": "cafés"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1
    first_line = next(r for r in body["results"] if r["codigo"] == "0901.21.10.00")
    assert [n["codigo"] for n in first_line["ruta"]] == ["09", "09.01", "0901.21", "0901.21.10"]
    assert first_line["muestra"] is True
    by_code = client.get("/api/v1/arancel/", {"q": "09.01"}).json()
    assert by_code["results"][0]["codigo"] == "09.01"
    assert client.get("/api/v1/arancel/").status_code == 400
    assert client.get("/api/v1/arancel/", {"q": "x", "page": "0"}).json()["fields"]["page"]


def test_line_api_with_date(client, tariff):
    body = client.get("/api/v1/arancel/6403.99.90.00/", {"fecha": "2016-01-15"}).json()
    kinds = {m["medida"]: m for m in body["medidas"]}
    assert kinds["salvaguardia"]["tarifa"] == "25.00"
    assert kinds["especifico"]["monto"] == "6.0000" and kinds["especifico"]["unidad"] == "PAR"
    assert kinds["ad_valorem"]["etiqueta"] == LABEL
    assert body["aviso"] == LABEL
    assert body["vigente"] is True
    now = client.get("/api/v1/arancel/6403999000/").json()
    assert "salvaguardia" not in {m["medida"] for m in now["medidas"]}
    assert now["restricciones"][0]["entidad"] == "INEN"
    assert len(now["historial"]) > len(now["medidas"])
    node = client.get("/api/v1/arancel/0901/").json()
    assert "0901.21" in [c["codigo"] for c in node["hijos"]]
    missing = client.get("/api/v1/arancel/0000000000/")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    bad = client.get("/api/v1/arancel/0901211000/", {"fecha": "31/12/2024"})
    assert bad.status_code == 400 and "fecha" in bad.json()["fields"]


def test_tributos_api_worked_example_and_line(client, tariff):
    response = client.post(
        "/api/v1/tributos/",
        {
            "fecha": "2024-04-01",
            "items": [
                {"fob": "10000", "flete": "1000", "seguro": "100", "tarifa_ad_valorem": "20"},
                {
                    "subpartida": "6403.99.90.00",
                    "fob": "500",
                    "flete": "50",
                    "seguro": None,
                    "cantidad": "10",
                },
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    first = body["items"][0]
    assert {
        k: first[k]
        for k in ("cif", "base_ad_valorem", "ad_valorem", "fodinfa", "iva", "total_tributos")
    } == {
        "cif": "11100.00",
        "base_ad_valorem": "10100.00",
        "ad_valorem": "2020.00",
        "fodinfa": "55.50",
        "iva": "1976.33",
        "total_tributos": "4051.83",
    }
    assert first["sobrescritas"] == ["ad_valorem"]
    second = body["items"][1]
    assert second["seguro"] == "5.00" and second["especifico"] == "60.00"
    assert body["totales"]["total_tributos"] == f"{4051.83 + float(second['total_tributos']):.2f}"
    assert body["muestra"] is True and body["aviso"] == LABEL
    assert all(
        set(f)
        >= {"tributo", "tarifa", "base", "valor", "fundamento_legal", "vigencia_desde", "muestra"}
        for f in first["fundamentos"]
    )


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"items": [{"fob": "1", "flete": "1", "tarifa_ad_valorem": "5"}]}, ("fecha",)),
        ({"fecha": "2024-01-01", "items": []}, ("items",)),
        (
            {
                "fecha": "2024-01-01",
                "items": [{"fob": "-1", "flete": "1", "tarifa_ad_valorem": "5"}],
            },
            ("items", "0", "fob"),
        ),
        (
            {
                "fecha": "2024-01-01",
                "items": [{"fob": "abc", "flete": "1", "tarifa_ad_valorem": "5"}],
            },
            ("items", "0", "fob"),
        ),
        (
            {"fecha": "2024-01-01", "items": [{"fob": "1", "flete": "1"}]},
            ("items", "0", "subpartida"),
        ),
        (
            {
                "fecha": "2024-01-01",
                "items": [
                    {"subpartida": "0901.21.10.00", "fob": "1", "flete": "0"},
                    {"subpartida": "1234.56.78.90", "fob": "1", "flete": "1"},
                ],
            },
            ("items", "1", "subpartida"),
        ),
        (
            {
                "fecha": "1990-01-01",
                "items": [{"fob": "1", "flete": "1", "tarifa_ad_valorem": "5"}],
            },
            ("fecha",),
        ),
    ],
)
def test_tributos_api_bad_input_is_400_with_field(client, tariff, payload, path):
    response = client.post("/api/v1/tributos/", payload, content_type="application/json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid"
    node = body["fields"]
    for key in path:
        if isinstance(node, list):
            node = node[int(key)]
        else:
            node = node[key]
    assert node


def test_schema_lists_the_tariff_endpoints(client):
    response = client.get("/api/v1/schema/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "/api/v1/arancel/" in text and "/api/v1/tributos/" in text
