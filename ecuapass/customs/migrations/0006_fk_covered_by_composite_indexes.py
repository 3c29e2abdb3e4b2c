"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("customs", "0005_dai_invoice_index_case_insensitive"),
        ("edocs", "0006_fk_covered_by_composite_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                ("customs_daiitem_dai_id_20094fff", "customs_daiitem", "dai_id"),
                ("customs_impresion_edoc_id_259cf92e", "customs_impresion", "edoc_id"),
            ),
            state_operations=[
                migrations.AlterField(
                    model_name="daiitem",
                    name="dai",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="customs.dai",
                    ),
                ),
                migrations.AlterField(
                    model_name="impresion",
                    name="edoc",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="impresiones",
                        to="edocs.edocument",
                    ),
                ),
            ],
        ),
    ]
