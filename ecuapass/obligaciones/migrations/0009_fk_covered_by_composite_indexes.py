"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("edocs", "0006_fk_covered_by_composite_indexes"),
        ("obligaciones", "0008_garantias_por_distrito"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                (
                    "obligaciones_garantiadistrito_garantia_id_59de6687",
                    "obligaciones_garantiadistrito",
                    "garantia_id",
                ),
                ("obligaciones_obligation_edoc_id_f05a6912", "obligaciones_obligation", "edoc_id"),
            ),
            state_operations=[
                migrations.AlterField(
                    model_name="garantiadistrito",
                    name="garantia",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="distritos",
                        to="obligaciones.garantia",
                    ),
                ),
                migrations.AlterField(
                    model_name="obligation",
                    name="edoc",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="obligations",
                        to="edocs.edocument",
                        verbose_name="documento",
                    ),
                ),
            ],
        ),
    ]
