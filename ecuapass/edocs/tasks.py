"""Background processing of received e-docs (django-tasks, queue "edocs")."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="edocs")
def process_document(document_id: int) -> str:
    """Idempotent: a retried or duplicated job never processes a document twice."""
    from .services import process

    return process(document_id)
