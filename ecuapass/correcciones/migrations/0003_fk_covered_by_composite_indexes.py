"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("correcciones", "0002_version_sin_solicitud"),
        ("edocs", "0006_fk_covered_by_composite_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                ("correcciones_daiversion_dai_id_1bd879d0", "correcciones_daiversion", "dai_id"),
            ),
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
