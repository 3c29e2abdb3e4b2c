import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A version written by the técnico aforador during the aforo has no request."""

    dependencies = [
        ("correcciones", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="daiversion",
            name="solicitud",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="version",
                to="correcciones.solicitud",
                verbose_name="solicitud",
            ),
        ),
    ]
