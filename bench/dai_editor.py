"""Benchmark of the DAI editor at real size (issue 9): server time and page weight.

Run (SQLite, or PostgreSQL with DATABASE_URL):
    .venv/bin/python -m pytest -p no:cacheprovider -q -s bench/dai_editor.py
It prints a Markdown table (docs/performance.md, "DAI editor with 500 items").

Each step is a real request through Django's test client in one process (middleware, session,
grants, view, template, database), timed from request to response: the server's time without
the network. The best and the median of ``RUNS`` runs are reported, with the response's size
and its number of SQL queries.
"""

from __future__ import annotations

import io
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from ecuapass.customs import excel
from ecuapass.customs.models import Dai
from ecuapass.edocs.models import EDocument
from tests.support.world import dai_payload

pytestmark = pytest.mark.django_db(transaction=False)

SIZE = 500
RUNS = 5


def _xlsx(n: int) -> io.BytesIO:
    items = dai_payload()["items"]
    book = Workbook()
    sheet = book.active
    sheet.append([str(label) for _n, label in excel.COLUMNS])
    for i in range(n):
        item = items[i % len(items)]
        row = [item.get(name) for name, _l in excel.COLUMNS]
        row[1] = f"{item['descripcion']} #{i + 1}"
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    buf.name = "items.xlsx"
    return buf


def _header(**extra) -> dict:
    p = dai_payload()
    return {
        "distrito": "028",
        "regimen": "10",
        "tipo_despacho": "normal",
        "importador_ruc": p["importador"]["ruc"],
        "forma_pago": "contado",
        "incoterm": "FOB",
        "moneda": "USD",
        "tipo_cambio": "1",
        "pais_origen": "CN",
        "pais_procedencia": "CN",
        "pais_embarque": "CN",
        "fecha_embarque": "2025-12-01",
        "fecha_llegada": "2025-12-20",
        "factura_numero": "F-BENCH",
        "factura_fecha": "2025-11-20",
        **extra,
    }


def _timed(call):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - start) * 1000
    return response, elapsed, len(queries)


def _row(name, samples, response, queries):
    best, median = min(samples), statistics.median(samples)
    size = len(response.content) / 1024
    return f"| {name} | {best:.0f} | {median:.0f} | {size:.0f} | {queries} |"


def test_dai_editor_benchmark(oce_client, world):
    client = oce_client(world.importer)
    r = client.post("/declaraciones/dai/nueva/", _header(accion="guardar"))
    assert r.status_code == 302
    edoc = EDocument.objects.latest("pk")
    url = f"/declaraciones/dai/{edoc.pk}/editar/"
    rows = []

    samples = []
    for _ in range(RUNS):
        upload = _xlsx(SIZE)
        r, ms, q = _timed(
            lambda upload=upload: client.post(
                url, {**_header(accion="importar"), "archivo": upload}
            )
        )
        assert r.status_code == 302, r.content.decode()[:3000]
        samples.append(ms)
    assert Dai.objects.get(edoc=edoc).numero_items == SIZE
    rows.append(_row(f"Importar Excel de {SIZE} filas (POST, reemplaza los ítems)", samples, r, q))

    samples = []
    for _ in range(RUNS):
        r, ms, q = _timed(lambda: client.get(url))
        assert r.status_code == 200
        samples.append(ms)
    rows.append(_row(f"Abrir el borrador de {SIZE} ítems (GET, página 1 de 10)", samples, r, q))

    samples = []
    for _ in range(RUNS):
        r, ms, q = _timed(lambda: client.get(url + "?item=437"))
        samples.append(ms)
    rows.append(_row("Abrir el ítem 437 para editarlo (GET ?item=437)", samples, r, q))

    samples = []
    for _ in range(RUNS):
        r, ms, q = _timed(lambda: client.post(url, _header(accion="calcular")))
        assert r.status_code == 302, r.content.decode()[:3000]
        samples.append(ms)
    rows.append(_row(f"Cálculo de tributos, {SIZE} ítems (POST)", samples, r, q))

    item = dict(dai_payload()["items"][1])
    samples = []
    for n in range(RUNS):
        data = {f"item-{k}": v for k, v in item.items()}
        data["item-fob"] = str(25000 + n)
        r, ms, q = _timed(
            lambda data=data: client.post(f"/declaraciones/dai/{edoc.pk}/items/437/", data)
        )
        assert r.status_code == 302, r.content.decode()[:3000]
        samples.append(ms)
    rows.append(_row("Guardar la edición de un ítem (POST ítem 437)", samples, r, q))

    samples = []
    for _ in range(RUNS):
        r, ms, q = _timed(lambda: client.post(url, _header(accion="guardar")))
        assert r.status_code == 302
        samples.append(ms)
    rows.append(_row(f"Guardar temporal (cabecera), {SIZE} ítems (POST)", samples, r, q))

    r, ms, q = _timed(lambda: client.post(url, _header(accion="enviar")))
    assert r.status_code == 302, r.content.decode()[:3000]
    rows.append(_row(f"Enviar, {SIZE} ítems (POST, una vez)", [ms], r, q))

    print()
    print("| paso | mejor ms | mediana ms | respuesta KB | consultas SQL |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        print(row)
