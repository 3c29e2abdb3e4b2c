from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exportacion", "0002_solicitud_anulacion_dae"),
    ]

    operations = [
        migrations.AddField(
            model_name="controlexportacion",
            name="tipo_vue",
            field=models.CharField(blank=True, max_length=20, verbose_name="tipo de documento VUE"),
        ),
    ]
