"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tariff", "0002_search"),
    ]

    # The indexes alone: Django's AlterField would also drop and re-add the foreign-key
    # constraints, re-checking every row of a large table.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "tariff_measure_line_id_2b441d27"',
                    reverse_sql='CREATE INDEX "tariff_measure_line_id_2b441d27" ON "tariff_measure" ("line_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "tariff_restriction_line_id_a1f9a938"',
                    reverse_sql='CREATE INDEX "tariff_restriction_line_id_a1f9a938" ON "tariff_restriction" ("line_id")',
                ),
            ],
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
