"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customs", "0005_dai_invoice_index_case_insensitive"),
        ("edocs", "0006_fk_covered_by_composite_indexes"),
    ]

    # The indexes alone: Django's AlterField would also drop and re-add the foreign-key
    # constraints, re-checking every row of a large table.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "customs_daiitem_dai_id_20094fff"',
                    reverse_sql='CREATE INDEX "customs_daiitem_dai_id_20094fff" ON "customs_daiitem" ("dai_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "customs_impresion_edoc_id_259cf92e"',
                    reverse_sql='CREATE INDEX "customs_impresion_edoc_id_259cf92e" ON "customs_impresion" ("edoc_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="daiitem",
                    name="dai",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="customs.dai",
                    ),
                ),
                migrations.AlterField(
                    model_name="impresion",
                    name="edoc",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="impresiones",
                        to="edocs.edocument",
                    ),
                ),
            ],
        ),
    ]
