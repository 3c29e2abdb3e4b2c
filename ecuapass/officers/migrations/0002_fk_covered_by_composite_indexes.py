"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("officers", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                ("officers_officerrole_officer_id_f42e21eb", "officers_officerrole", "officer_id"),
            ),
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
