"""One heartbeat row per worker process, written by the worker itself (``run_worker``).

The old rows were written by a task nothing enqueued (one per host name); they mean nothing
under the new meaning and would clash with the unique worker id, so they are dropped.
"""

import django.utils.timezone
from django.db import migrations, models


def drop_old_heartbeats(apps, schema_editor):
    apps.get_model("core", "WorkerHeartbeat").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_cache_table'),
    ]

    operations = [
        migrations.RunPython(drop_old_heartbeats, migrations.RunPython.noop),
        migrations.AddField(
            model_name='workerheartbeat',
            name='host',
            field=models.CharField(blank=True, max_length=255, verbose_name='equipo'),
        ),
        migrations.AddField(
            model_name='workerheartbeat',
            name='job',
            field=models.CharField(blank=True, max_length=64, verbose_name='trabajo en curso'),
        ),
        migrations.AddField(
            model_name='workerheartbeat',
            name='pid',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='proceso'),
        ),
        migrations.AddField(
            model_name='workerheartbeat',
            name='queues',
            field=models.CharField(blank=True, max_length=255, verbose_name='colas'),
        ),
        migrations.AddField(
            model_name='workerheartbeat',
            name='started_on',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='iniciado el'),
        ),
        migrations.AddField(
            model_name='workerheartbeat',
            name='stopped_on',
            field=models.DateTimeField(blank=True, null=True, verbose_name='detenido el'),
        ),
        migrations.AlterField(
            model_name='workerheartbeat',
            name='seen_on',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='visto el'),
        ),
        migrations.AlterField(
            model_name='workerheartbeat',
            name='worker',
            field=models.CharField(max_length=64, unique=True, verbose_name='trabajador'),
        ),
    ]
