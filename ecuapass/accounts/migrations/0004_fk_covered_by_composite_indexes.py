"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_sessions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                ("accounts_brokerclient_broker_id_5f536fe2", "accounts_brokerclient", "broker_id"),
                ("accounts_grant_user_id_7b34be41", "accounts_grant", "user_id"),
                ("accounts_lockout_user_id_c2e760f0", "accounts_lockout", "user_id"),
                (
                    "accounts_oceregistration_operator_id_e51b75a4",
                    "accounts_oceregistration",
                    "operator_id",
                ),
            ),
            state_operations=[
                migrations.AlterField(
                    model_name="brokerclient",
                    name="broker",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="clients",
                        to="accounts.operator",
                        verbose_name="agente",
                    ),
                ),
                migrations.AlterField(
                    model_name="grant",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="grants",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="lockout",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lockouts",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="usuario",
                    ),
                ),
                migrations.AlterField(
                    model_name="oceregistration",
                    name="operator",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="registrations",
                        to="accounts.operator",
                        verbose_name="operador",
                    ),
                ),
            ],
        ),
    ]
