"""Background work of the DAI: its large prints (django-tasks, queue "default")."""

from __future__ import annotations

from django_tasks import task


@task()
def generar_impresion(impresion_id: int) -> str:
    """Render and store one print; idempotent (a stored print is not rendered again)."""
    from .prints import generate

    return generate(impresion_id)
