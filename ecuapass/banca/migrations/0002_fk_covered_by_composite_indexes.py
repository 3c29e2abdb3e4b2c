"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("banca", "0001_initial"),
    ]

    # The indexes alone: Django's AlterField would also drop and re-add the foreign-key
    # constraints, re-checking every row of a large table.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "banca_bankrequest_entidad_id_fba180dc"',
                    reverse_sql='CREATE INDEX "banca_bankrequest_entidad_id_fba180dc" ON "banca_bankrequest" ("entidad_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="bankrequest",
                    name="entidad",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="banca.entidadfinanciera",
                    ),
                ),
            ],
        ),
    ]
