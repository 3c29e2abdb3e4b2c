"""Sessions stored with their user's id (accounts.sessions, ADR 0020); the sessions still
valid in Django's table are copied (their user column fills on their next save)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def copy_sessions(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    UserSession = apps.get_model("accounts", "UserSession")
    db = schema_editor.connection.alias
    batch = []
    for row in (
        Session.objects.using(db).filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000)
    ):
        batch.append(
            UserSession(
                session_key=row.session_key,
                session_data=row.session_data,
                expire_date=row.expire_date,
            )
        )
        if len(batch) >= 2000:
            UserSession.objects.using(db).bulk_create(batch, ignore_conflicts=True)
            batch = []
    UserSession.objects.using(db).bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_lockout"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="UserSession",
            fields=[
                (
                    "session_key",
                    models.CharField(
                        max_length=40,
                        primary_key=True,
                        serialize=False,
                        verbose_name="session key",
                    ),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                (
                    "expire_date",
                    models.DateTimeField(db_index=True, verbose_name="expire date"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="usuario",
                    ),
                ),
            ],
            options={
                "verbose_name": "sesión",
                "verbose_name_plural": "sesiones",
                "db_table": "accounts_session",
                "abstract": False,
            },
        ),
        migrations.RunPython(copy_sessions, migrations.RunPython.noop),
    ]
