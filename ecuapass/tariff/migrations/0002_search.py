"""Full-text search structures, one per database vendor.

PostgreSQL: the ``unaccent`` extension, a text search configuration ``ecuapass_es``
(Spanish snowball stemmer behind ``unaccent``), a stored generated ``tsvector``
column ``tariff_commodity.search_vector`` (Spanish description weight A, English
weight B) and its GIN index.

SQLite: an FTS5 table ``tariff_commodity_fts`` (rowid = commodity id) with
``unicode61 remove_diacritics 2``; its text is kept by ``tariff.services.search``.

Each step is a no-op on the other vendor, so both migrate from the same files.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

PG_FORWARD = [
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'ecuapass_es') THEN
            CREATE TEXT SEARCH CONFIGURATION ecuapass_es (COPY = pg_catalog.spanish);
            ALTER TEXT SEARCH CONFIGURATION ecuapass_es
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
        END IF;
    END
    $$;
    """,
    """
    ALTER TABLE tariff_commodity ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('ecuapass_es'::regconfig, coalesce(description_es, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, coalesce(description_en, '')), 'B')
        ) STORED
    """,
    "CREATE INDEX tariff_commodity_search_gin ON tariff_commodity USING gin (search_vector)"
    " WITH (fastupdate = off)",  # no pending list: the index serves right after a load
    # Prefix searches use code >= x AND code < y on the unique B-tree index of code.
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS tariff_commodity_search_gin",
    "ALTER TABLE tariff_commodity DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ecuapass_es",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS tariff_commodity_fts USING fts5("
    "body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS tariff_commodity_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tariff", "0001_initial")]

    operations = [
        UnaccentExtension(),  # no-op on vendors other than PostgreSQL
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
