"""Drop the single-column indexes of foreign keys that a composite index already leads
with (issue 16: every insert, and every update that is not HOT, wrote them for nothing;
tests/test_indexes.py keeps it so)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registro", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The indexes alone: Django's AlterField would also drop and re-add the foreign-key
    # constraints, re-checking every row of a large table.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "registro_cambioregistro_user_id_4da80aed"',
                    reverse_sql='CREATE INDEX "registro_cambioregistro_user_id_4da80aed" ON "registro_cambioregistro" ("user_id")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "registro_confirmacionanual_user_id_b466e433"',
                    reverse_sql='CREATE INDEX "registro_confirmacionanual_user_id_b466e433" ON "registro_confirmacionanual" ("user_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="cambioregistro",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cambios_registro",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="confirmacionanual",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="confirmaciones",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
