"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("tariff", "0002_search"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                ("tariff_measure_line_id_2b441d27", "tariff_measure", "line_id"),
                ("tariff_restriction_line_id_a1f9a938", "tariff_restriction", "line_id"),
            ),
            state_operations=[
                migrations.AlterField(
                    model_name="measure",
                    name="line",
                    field=models.ForeignKey(
                        db_index=False,
                        limit_choices_to={"level": 10},
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="measures",
                        to="tariff.commodity",
                        verbose_name="subpartida nacional",
                    ),
                ),
                migrations.AlterField(
                    model_name="restriction",
                    name="line",
                    field=models.ForeignKey(
                        db_index=False,
                        limit_choices_to={"level": 10},
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="restrictions",
                        to="tariff.commodity",
                        verbose_name="subpartida nacional",
                    ),
                ),
            ],
        ),
    ]
