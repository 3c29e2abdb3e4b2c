"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_fk_covered_by_composite_indexes"),
        ("carga", "0003_indices_abandono"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                (
                    "carga_documentotransporte_deposito_id_09123e5d",
                    "carga_documentotransporte",
                    "deposito_id",
                ),
                (
                    "carga_documentotransporte_manifiesto_id_4d462f18",
                    "carga_documentotransporte",
                    "manifiesto_id",
                ),
                ("carga_eventocarga_deposito_id_82456fa8", "carga_eventocarga", "deposito_id"),
                ("carga_eventocarga_documento_id_5478a09c", "carga_eventocarga", "documento_id"),
            ),
            state_operations=[
                migrations.AlterField(
                    model_name="documentotransporte",
                    name="deposito",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="carga_consignada",
                        to="accounts.ocecode",
                        verbose_name="depósito temporal",
                    ),
                ),
                migrations.AlterField(
                    model_name="documentotransporte",
                    name="manifiesto",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="documentos",
                        to="carga.manifiesto",
                        verbose_name="manifiesto",
                    ),
                ),
                migrations.AlterField(
                    model_name="eventocarga",
                    name="deposito",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="eventos_carga",
                        to="accounts.ocecode",
                        verbose_name="depósito temporal",
                    ),
                ),
                migrations.AlterField(
                    model_name="eventocarga",
                    name="documento",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="eventos",
                        to="carga.documentotransporte",
                        verbose_name="documento de transporte",
                    ),
                ),
            ],
        ),
    ]
