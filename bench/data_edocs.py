"""Benchmark data for 1.3 Integración de estados: many sent e-docs, bulk-loaded fast.

    from bench.data_edocs import generate
    generate(n=1_000_000)

Needs the demo data (importer 0991003002001 / code 29000001, broker 17910020).
Rows are EDocument only (the 1.3 query reads nothing else). Spread:
30 % filed by the demo importer for itself, 20 % by the demo broker for it,
49 % by 19 synthetic importers (codes 39000001–39000019) and 1 % (about 10,000 of a
million) by a small one (39000000), whose 1.3 is measured beside the demo importer's
(about 500,000) in the same run: the screen's growth with the OCE's documents. Dates over 2024–2025, so the
live 2026 sequences are untouched (their counters are advanced anyway).
PostgreSQL: COPY; other databases: bulk_create in batches of 10,000.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

STATES = [  # (weight, transmisión, documento, with number)
    (60, "procesado", "aceptado", True),
    (10, "procesado", "salida_autorizada", True),
    (10, "procesado", "rechazado", False),
    (5, "error", "rechazado", False),
    # No "recibido": a received document without its job would be picked up by the workers'
    # recovery during the submissions benchmark.
    (10, "procesado", "liquidado", True),
]
BATCH = 10_000
COLUMNS = [
    "created_on",
    "modified_on",
    "doc_type",
    "operation",
    "title",
    "filer_oce_id",
    "party_operator_id",
    "reference",
    "numero_entrega",
    "channel",
    "sent_on",
    "document_number",
    "estado_transmision",
    "estado_documento",
    "canal_aforo",
    "processing_attempts",
    "job_id",
    "distrito",
]


def _synthetic_filers(count: int = 20):
    from ecuapass.accounts.models import OceCode, OceRegistration, Operator
    from ecuapass.core.models import OceType

    importer_type = OceType.objects.get(code="16")
    out = []
    for i in range(count):
        operator, _ = Operator.objects.get_or_create(
            ruc=f"09901{i:05d}001",
            defaults={"legal_name": f"Importador Bench {i}", "kind": "sociedad"},
        )
        reg, _ = OceRegistration.objects.get_or_create(operator=operator, oce_type=importer_type)
        code, _ = OceCode.objects.get_or_create(code=f"39{i:06d}", defaults={"registration": reg})
        out.append((code.pk, code.code, operator.pk))
    return out


def _filers():
    from ecuapass.accounts.models import OceCode

    importer = OceCode.objects.select_related("registration").get(code="29000001")
    broker = OceCode.objects.select_related("registration").get(code="17910020")
    synthetic = _synthetic_filers()
    own = (importer.pk, importer.code, importer.registration.operator_id)
    via_broker = (broker.pk, broker.code, importer.registration.operator_id)
    return [(30, [own]), (20, [via_broker]), (49, synthetic[1:]), (1, synthetic[:1])]


SMALL_IMPORTER_RUC = "0990100000001"  # synthetic importer 0: about 1 % of the documents


def _start_values(filers) -> tuple[dict, dict]:
    """Existing counters, so a second run continues the sequences instead of repeating them."""
    from ecuapass.core.models import Sequence
    from ecuapass.customs.services import dai_number_key
    from ecuapass.edocs.numbers import sequence_key

    codes = {code for _w, group in filers for _pk, code, _party in group}
    seq, dai_seq = {}, {}
    for year in (2024, 2025):
        for code in codes:
            value = (
                Sequence.objects.filter(key=sequence_key(code, year))
                .values_list("value", flat=True)
                .first()
            )
            if value:
                seq[(code, year)] = value
        value = (
            Sequence.objects.filter(key=dai_number_key("028", year, "10"))
            .values_list("value", flat=True)
            .first()
        )
        if value:
            dai_seq[year] = value
    return seq, dai_seq


def _rows(n: int, seed: int, filers, start_values):
    rng = random.Random(seed)
    weights = [w for w, _ in filers]
    state_weights = [s[0] for s in STATES]
    start = datetime(2024, 1, 1, 13, 0, tzinfo=UTC)
    span = int(timedelta(days=730).total_seconds())
    seq, dai_seq = start_values
    now = datetime.now(UTC)
    for i in range(n):
        _w, group = rng.choices(filers, weights=weights)[0]
        oce_id, code, party_id = rng.choice(group)
        sent = start + timedelta(seconds=int(i * span / max(n, 1)) + rng.randint(0, 59))
        year = sent.year
        seq[(code, year)] = seq.get((code, year), 0) + 1
        channel = "S" if rng.random() < 0.6 else "P"
        _sw, tx, doc, numbered = rng.choices(STATES, weights=state_weights)[0]
        number = ""
        if numbered:
            dai_seq[year] = dai_seq.get(year, 0) + 1
            number = f"028-{year}-10-{dai_seq[year]:08d}"
        yield (
            now,
            now,
            "DAI",
            "importacion",
            "DAI - Declaración Aduanera de Importación",
            oce_id,
            party_id,
            f"BENCH-{i}",
            f"{code}{year}{seq[(code, year)]:08d}{channel}",
            channel,
            sent,
            number,
            tx,
            doc,
            "",
            1,
            "",
            "028",
        )
    return seq, dai_seq


def _advance_sequences(seq, dai_seq):
    from ecuapass.core.models import Sequence
    from ecuapass.customs.services import dai_number_key
    from ecuapass.edocs.numbers import sequence_key

    for (code, year), value in seq.items():
        key = sequence_key(code, year)
        obj, _ = Sequence.objects.get_or_create(key=key)
        if obj.value < value:
            Sequence.objects.filter(pk=obj.pk).update(value=value)
    for year, value in dai_seq.items():
        obj, _ = Sequence.objects.get_or_create(key=dai_number_key("028", year, "10"))
        if obj.value < value:
            Sequence.objects.filter(pk=obj.pk).update(value=value)


def generate(n: int = 1_000_000, seed: int = 2026) -> int:
    from ecuapass.edocs.models import EDocument

    # Resolve the filers before COPY: no other query may run on the connection during it.
    filers = _filers()
    gen = _rows(n, seed, filers, _start_values(filers))
    result: dict = {}

    def rows():
        try:
            while True:
                yield next(gen)
        except StopIteration as stop:
            result["seqs"] = stop.value

    if connection.vendor == "postgresql":
        table = EDocument._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
            cursor.execute(f"ANALYZE {table}")
    else:
        batch = []
        for row in rows():
            batch.append(EDocument(**dict(zip(COLUMNS, row, strict=True))))
            if len(batch) >= BATCH:
                EDocument.objects.bulk_create(batch)
                batch = []
        if batch:
            EDocument.objects.bulk_create(batch)
    _advance_sequences(*result["seqs"])
    return n


# The 1.3 query as the screen runs it (active OCE = demo importer 29000001, page 1,
# no filters); party_operator_id is the demo importer operator's id.
RAW_SQL_13 = """
SELECT id, doc_type, title, numero_entrega, sent_on, estado_transmision, estado_documento, document_number
FROM edocs_edocument
WHERE sent_on IS NOT NULL AND party_operator_id = %(party)s
ORDER BY sent_on DESC, id DESC
LIMIT 25;
"""
RAW_COUNT_13 = """
SELECT COUNT(*) FROM edocs_edocument
WHERE sent_on IS NOT NULL AND party_operator_id = %(party)s;
"""
