"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("officers", "0001_initial"),
    ]

    # The indexes alone: Django's AlterField would also drop and re-add the foreign-key
    # constraints, re-checking every row of a large table.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "officers_officerrole_officer_id_f42e21eb"',
                    reverse_sql='CREATE INDEX "officers_officerrole_officer_id_f42e21eb" ON "officers_officerrole" ("officer_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="officerrole",
                    name="officer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="role_rows",
                        to="officers.officer",
                        verbose_name="funcionario",
                    ),
                ),
            ],
        ),
    ]
