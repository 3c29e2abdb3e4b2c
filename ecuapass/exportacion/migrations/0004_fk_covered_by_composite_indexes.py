"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("exportacion", "0003_control_tipo_vue"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                ("exportacion_daeitem_dae_id_329bf2fa", "exportacion_daeitem", "dae_id"),
            ),
            state_operations=[
                migrations.AlterField(
                    model_name="daeitem",
                    name="dae",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="exportacion.dae",
                    ),
                ),
            ],
        ),
    ]
