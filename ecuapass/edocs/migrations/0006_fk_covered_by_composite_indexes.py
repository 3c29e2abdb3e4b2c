"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_fk_covered_by_composite_indexes"),
        ("edocs", "0005_envio_schema_checked"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                ("edocs_edocument_filer_oce_id_66f6673d", "edocs_edocument", "filer_oce_id"),
                (
                    "edocs_edocument_party_operator_id_5420ddbc",
                    "edocs_edocument",
                    "party_operator_id",
                ),
                ("edocs_statuschange_document_id_933b9d01", "edocs_statuschange", "document_id"),
            ),
            state_operations=[
                migrations.AlterField(
                    model_name="edocument",
                    name="filer_oce",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="filed_edocs",
                        to="accounts.ocecode",
                        verbose_name="código de OCE del declarante",
                    ),
                ),
                migrations.AlterField(
                    model_name="edocument",
                    name="party_operator",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="edocs",
                        to="accounts.operator",
                        verbose_name="operador titular",
                    ),
                ),
                migrations.AlterField(
                    model_name="statuschange",
                    name="document",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="history",
                        to="edocs.edocument",
                    ),
                ),
            ],
        ),
    ]
