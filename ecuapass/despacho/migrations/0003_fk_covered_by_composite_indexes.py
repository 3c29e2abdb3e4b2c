"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("despacho", "0002_event_anulado"),
        ("officers", "0002_fk_covered_by_composite_indexes"),
    ]

    # The indexes alone: Django's AlterField would also drop and re-add the foreign-key
    # constraints, re-checking every row of a large table.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "despacho_aforocase_tecnico_id_166f67f3"',
                    reverse_sql='CREATE INDEX "despacho_aforocase_tecnico_id_166f67f3" ON "despacho_aforocase" ("tecnico_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "despacho_aforoevent_case_id_03667a01"',
                    reverse_sql='CREATE INDEX "despacho_aforoevent_case_id_03667a01" ON "despacho_aforoevent" ("case_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "despacho_reliquidaciontributo_reliquidacion_id_977e7886"',
                    reverse_sql='CREATE INDEX "despacho_reliquidaciontributo_reliquidacion_id_977e7886" ON "despacho_reliquidaciontributo" ("reliquidacion_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="aforocase",
                    name="tecnico",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="aforo_cases",
                        to="officers.officer",
                        verbose_name="técnico aforador",
                    ),
                ),
                migrations.AlterField(
                    model_name="aforoevent",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="despacho.aforocase",
                    ),
                ),
                migrations.AlterField(
                    model_name="reliquidaciontributo",
                    name="reliquidacion",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tributos",
                        to="despacho.reliquidacion",
                    ),
                ),
            ],
        ),
    ]
