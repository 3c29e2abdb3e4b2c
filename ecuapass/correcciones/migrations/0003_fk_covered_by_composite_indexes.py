"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("correcciones", "0002_version_sin_solicitud"),
        ("edocs", "0006_fk_covered_by_composite_indexes"),
    ]

    # The indexes alone: Django's AlterField would also drop and re-add the foreign-key
    # constraints, re-checking every row of a large table.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "correcciones_daiversion_dai_id_1bd879d0"',
                    reverse_sql='CREATE INDEX "correcciones_daiversion_dai_id_1bd879d0" ON "correcciones_daiversion" ("dai_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="daiversion",
                    name="dai",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="versiones_dai",
                        to="edocs.edocument",
                        verbose_name="declaración",
                    ),
                ),
            ],
        ),
    ]
