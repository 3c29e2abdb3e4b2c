import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
LABEL = "tarifa de muestra — no oficial"


def test_consulta_is_public_and_shows_the_tree(client, tariff):
    response = client.get(reverse("tariff:consulta"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "2.1.1" in text and "Consulta de arancel" in text
    assert "Café, té, yerba mate y especias" in text
    assert "traducción no oficial" in text


def test_search_results_with_path(client, tariff, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(reverse("tariff:consulta"), {"q": "café"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "0901.21.10.00" in text
    assert "Sección II" in text


def test_full_line_code_goes_to_the_line_page(client, tariff):
    response = client.get(reverse("tariff:consulta"), {"q": "0901211000"})
    assert response.status_code == 302
    assert response["Location"] == reverse("tariff:linea", args=["0901.21.10.00"])


def test_browse_section_chapter_heading(client, tariff):
    assert "Capítulo 09" in client.get(reverse("tariff:seccion", args=["II"])).content.decode()
    chapter = client.get(reverse("tariff:linea", args=["09"])).content.decode()
    assert "09.01" in chapter
    heading = client.get(reverse("tariff:linea", args=["09.01"])).content.decode()
    assert "0901.21" in heading
    assert client.get(reverse("tariff:linea", args=["0901"])).status_code == 302
    assert client.get(reverse("tariff:linea", args=["abc"])).status_code == 404
    assert client.get(reverse("tariff:seccion", args=["XXX"])).status_code == 404


def test_line_page_measures_on_a_date_history_and_restrictions(
    client, tariff, django_assert_max_num_queries
):
    url = reverse("tariff:linea", args=["6403.99.90.00"])
    with django_assert_max_num_queries(15):
        response = client.get(url, {"fecha": "2016-01-15"})
    text = response.content.decode()
    assert LABEL in text
    assert "Salvaguardia" in text and "25 %" in text
    assert "Calcular tributos" in text
    assert "?subpartida=6403.99.90.00" in text
    now = client.get(url).content.decode()
    assert "INEN" in now
    assert "Historial de tarifas" in now
    prohibited = client.get(reverse("tariff:linea", args=["6309.00.00.00"])).content.decode()
    assert "Importación prohibida" in prohibited
    assert client.get(reverse("tariff:linea", args=["0000.00.00.00"])).status_code == 404


def test_calculator_prefills_the_line(client, tariff):
    response = client.get(reverse("tariff:calculadora"), {"subpartida": "0901211000"})
    assert response.status_code == 200
    assert 'value="0901.21.10.00"' in response.content.decode()


def _post(client, rows, fecha="2024-05-02"):
    data = {
        "fecha": fecha,
        "items-TOTAL_FORMS": "5",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "50",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"items-{i}-{key}"] = value
    return client.post(reverse("tariff:calculadora"), data)


def test_calculator_computes_two_items(client, tariff):
    response = _post(
        client,
        [
            {
                "subpartida": "",
                "fob": "10000",
                "flete": "1000",
                "seguro": "100",
                "tarifa_ad_valorem": "20",
            },
            {
                "subpartida": "6403.99.90.00",
                "fob": "500",
                "flete": "50",
                "seguro": "5",
                "cantidad": "10",
            },
        ],
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "4.051,83" in text  # Ecuadorian: thousands with a point, decimal comma
    assert "213,52" in text
    assert "4.265,35" in text
    assert LABEL in text
    assert "Conflicto Armado" in text


def test_calculator_bad_input_comes_back_filled(client, tariff):
    response = _post(
        client,
        [
            {"subpartida": "9999.99.99.99", "fob": "10", "flete": "1"},
            {"subpartida": "0901.21.10.00", "fob": "-5", "flete": "1"},
        ],
    )
    text = response.content.decode()
    assert "negativo" in text or "mayor o igual" in text
    assert 'value="9999.99.99.99"' in text
    response = _post(client, [{"subpartida": "9999.99.99.99", "fob": "10", "flete": "1"}])
    text = response.content.decode()
    assert "no existe en el arancel" in text
    assert 'value="9999.99.99.99"' in text
    response = _post(client, [], fecha="")
    assert "Ingrese la fecha" in response.content.decode()
