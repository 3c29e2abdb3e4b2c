"""Every transition of an EDocument writes a StatusChange row."""

from __future__ import annotations

from django.dispatch import receiver
from django_fsm.signals import post_transition

from . import history
from .models import EDocument, StatusChange


@receiver(post_transition, sender=EDocument, dispatch_uid="edocs_status_history")
def record_status_change(sender, instance, name, source, target, **kwargs):
    if kwargs.get("exception") is not None:
        return
    options = kwargs.get("method_kwargs") or {}
    by = options.get("by")
    history.write(
        StatusChange(
            document=instance,
            field=(
                StatusChange.Field.TRANSMISION
                if kwargs["field"].name == "estado_transmision"
                else StatusChange.Field.DOCUMENTO
            ),
            transition=name,
            from_state=source,
            to_state=target,
            by_user=by if getattr(by, "is_authenticated", False) else None,
            by_process=options.get("process", ""),
            note=str(options.get("note", ""))[:2000],
        )
    )
