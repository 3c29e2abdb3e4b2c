"""Run a background worker that survives database restarts (see ``core.worker``)."""

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from ecuapass.core.worker import ResilientWorker
from ecuapass.ops import heap


class Command(db_worker.Command):
    help = (
        "Trabajador de la cola (como db_worker) que se reconecta si la base de datos se "
        "reinicia, registra su latido y reencola los trabajos de trabajadores caídos."
    )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        # --reload is accepted for db_worker's command line but never used: a reload would
        # stop a job half-way; supervise the worker instead (scripts/serve.sh, systemd).
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        heap.settle()  # the start-up's objects out of the collector's walks (ecuapass.ops.heap)
        worker.run()
