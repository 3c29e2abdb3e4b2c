"""Operations the migrations share."""

from __future__ import annotations

from django.db import migrations


def drop_indexes(*indexes: tuple[str, str, str]) -> list[migrations.RunSQL]:
    """Drop single-column indexes by name — ``(name, table, column)`` each — and create them
    again when the migration is reversed.

    For a field whose own index goes (``db_index=False``) while its foreign-key constraint
    stays: Django's ``AlterField`` would drop and re-add the constraint, re-checking every row
    of a large table (issue 16; ``tests/test_indexes.py``)."""
    return [
        migrations.RunSQL(
            f'DROP INDEX IF EXISTS "{name}"',
            reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
        )
        for name, table, column in indexes
    ]
