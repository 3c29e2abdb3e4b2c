"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_sessions"),
    ]

    # The indexes alone: Django's AlterField would also drop and re-add the foreign-key
    # constraints, re-checking every row of a large table.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "accounts_brokerclient_broker_id_5f536fe2"',
                    reverse_sql='CREATE INDEX "accounts_brokerclient_broker_id_5f536fe2" ON "accounts_brokerclient" ("broker_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "accounts_grant_user_id_7b34be41"',
                    reverse_sql='CREATE INDEX "accounts_grant_user_id_7b34be41" ON "accounts_grant" ("user_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "accounts_lockout_user_id_c2e760f0"',
                    reverse_sql='CREATE INDEX "accounts_lockout_user_id_c2e760f0" ON "accounts_lockout" ("user_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "accounts_oceregistration_operator_id_e51b75a4"',
                    reverse_sql='CREATE INDEX "accounts_oceregistration_operator_id_e51b75a4" ON "accounts_oceregistration" ("operator_id")',
                ),
            ],
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
