"""Drop the index of the profile's code: uniq_risk_profile_version (code, version) already
leads with it (issue 16, tests/test_indexes.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0001_initial"),
    ]

    # The two indexes alone: Django's AlterField would also drop uniq_risk_profile_draft (the
    # partial unique index on the code of the profile's draft), taking it for one of them.
    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "risk_riskprofile_code_41529d3c"',
                    reverse_sql='CREATE INDEX "risk_riskprofile_code_41529d3c" ON "risk_riskprofile" ("code")',
                ),
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "risk_riskprofile_code_41529d3c_like"',
                    reverse_sql=migrations.RunSQL.noop,
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="riskprofile",
                    name="code",
                    field=models.CharField(max_length=12, verbose_name="código del perfil"),
                ),
            ],
        ),
    ]
