from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: liveness/readiness, Prometheus metrics, request ids and JSON logs, the
    Redis cache that degrades instead of failing, Sentry when a DSN is configured."""

    name = "ecuapass.ops"
    label = "ops"
    verbose_name = "Operación"

    def ready(self):
        from . import observability

        observability.connect_signals()
        observability.init_sentry()
