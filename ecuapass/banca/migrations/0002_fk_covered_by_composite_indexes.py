"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("banca", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                ("banca_bankrequest_entidad_id_fba180dc", "banca_bankrequest", "entidad_id"),
            ),
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
