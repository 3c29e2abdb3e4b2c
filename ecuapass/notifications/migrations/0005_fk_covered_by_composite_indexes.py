"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from ecuapass.core.migration_ops import drop_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_fk_covered_by_composite_indexes"),
        ("notifications", "0004_notice_recipient_statistics"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=drop_indexes(
                (
                    "notifications_notification_oce_code_id_5485f48a",
                    "notifications_notification",
                    "oce_code_id",
                ),
                (
                    "notifications_notification_user_id_b5e8c0ff",
                    "notifications_notification",
                    "user_id",
                ),
                (
                    "notifications_notificationread_user_id_bb9e5cef",
                    "notifications_notificationread",
                    "user_id",
                ),
            ),
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
