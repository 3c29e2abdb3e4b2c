"""Background processing of received e-docs (django-tasks, queue "edocs")."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="edocs")
def process_document(document_id: int) -> str:
    """Process the document and, in the same transaction, a batch of others waiting
    (``services.process_batch``). Idempotent: a retried or duplicated job never processes a
    document twice."""
    from .services import process_batch

    outcomes = process_batch(document_id)
    # Absent: the document was in another worker's batch, or is gone.
    return outcomes.get(document_id, "en-otro-lote")
