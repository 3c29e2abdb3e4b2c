"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_fk_covered_by_composite_indexes"),
        ("edocs", "0005_envio_schema_checked"),
    ]

    # The indexes alone: Django's AlterField would also drop and re-add the foreign-key
    # constraints, re-checking every row of a large table.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "edocs_edocument_filer_oce_id_66f6673d"',
                    reverse_sql='CREATE INDEX "edocs_edocument_filer_oce_id_66f6673d" ON "edocs_edocument" ("filer_oce_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "edocs_edocument_party_operator_id_5420ddbc"',
                    reverse_sql='CREATE INDEX "edocs_edocument_party_operator_id_5420ddbc" ON "edocs_edocument" ("party_operator_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "edocs_statuschange_document_id_933b9d01"',
                    reverse_sql='CREATE INDEX "edocs_statuschange_document_id_933b9d01" ON "edocs_statuschange" ("document_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="edocument",
                    name="filer_oce",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="filed_edocs",
                        to="accounts.ocecode",
                        verbose_name="código de OCE del declarante",
                    ),
                ),
                migrations.AlterField(
                    model_name="edocument",
                    name="party_operator",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="edocs",
                        to="accounts.operator",
                        verbose_name="operador titular",
                    ),
                ),
                migrations.AlterField(
                    model_name="statuschange",
                    name="document",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="history",
                        to="edocs.edocument",
                    ),
                ),
            ],
        ),
    ]
