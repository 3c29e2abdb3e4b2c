"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("despacho", "0002_event_anulado"),
        ("officers", "0002_fk_covered_by_composite_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                ("despacho_aforocase_tecnico_id_166f67f3", "despacho_aforocase", "tecnico_id"),
                ("despacho_aforoevent_case_id_03667a01", "despacho_aforoevent", "case_id"),
                (
                    "despacho_reliquidaciontributo_reliquidacion_id_977e7886",
                    "despacho_reliquidaciontributo",
                    "reliquidacion_id",
                ),
            ),
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
