"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_fk_covered_by_composite_indexes"),
        ("vue", "0002_actuacion_anulacion"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                ("vue_descargo_saldo_id_69a730db", "vue_descargo", "saldo_id"),
                ("vue_documentoemitido_tipo_id_50822209", "vue_documentoemitido", "tipo_id"),
                ("vue_documentoemitido_titular_id_7e819bec", "vue_documentoemitido", "titular_id"),
                ("vue_funcionario_entidad_id_f784c273", "vue_funcionario", "entidad_id"),
                ("vue_producto_solicitud_id_8453f908", "vue_producto", "solicitud_id"),
                ("vue_saldo_documento_id_8968c0be", "vue_saldo", "documento_id"),
                ("vue_solicitud_asignado_a_id_1fc2ddb3", "vue_solicitud", "asignado_a_id"),
            ),
            state_operations=[
                migrations.AlterField(
                    model_name="descargo",
                    name="saldo",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="descargos",
                        to="vue.saldo",
                    ),
                ),
                migrations.AlterField(
                    model_name="documentoemitido",
                    name="tipo",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="emitidos",
                        to="vue.tipodocumento",
                    ),
                ),
                migrations.AlterField(
                    model_name="documentoemitido",
                    name="titular",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documentos_vue",
                        to="accounts.operator",
                    ),
                ),
                migrations.AlterField(
                    model_name="funcionario",
                    name="entidad",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="funcionarios",
                        to="vue.entidad",
                        verbose_name="entidad",
                    ),
                ),
                migrations.AlterField(
                    model_name="producto",
                    name="solicitud",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="productos",
                        to="vue.solicitud",
                    ),
                ),
                migrations.AlterField(
                    model_name="saldo",
                    name="documento",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saldos",
                        to="vue.documentoemitido",
                    ),
                ),
                migrations.AlterField(
                    model_name="solicitud",
                    name="asignado_a",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="asignadas",
                        to="vue.funcionario",
                        verbose_name="técnico asignado",
                    ),
                ),
            ],
        ),
    ]
