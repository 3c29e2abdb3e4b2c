"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_fk_covered_by_composite_indexes"),
        ("notifications", "0004_notice_recipient_statistics"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The indexes alone: Django's AlterField would also drop and re-add the foreign-key
    # constraints, re-checking every row of a large table.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "notifications_notification_oce_code_id_5485f48a"',
                    reverse_sql='CREATE INDEX "notifications_notification_oce_code_id_5485f48a" ON "notifications_notification" ("oce_code_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "notifications_notification_user_id_b5e8c0ff"',
                    reverse_sql='CREATE INDEX "notifications_notification_user_id_b5e8c0ff" ON "notifications_notification" ("user_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "notifications_notificationread_user_id_bb9e5cef"',
                    reverse_sql='CREATE INDEX "notifications_notificationread_user_id_bb9e5cef" ON "notifications_notificationread" ("user_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="oce_code",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="accounts.ocecode",
                        verbose_name="buzón del código de OCE",
                    ),
                ),
                migrations.AlterField(
                    model_name="notification",
                    name="user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="buzón personal de",
                    ),
                ),
                migrations.AlterField(
                    model_name="notificationread",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_reads",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
