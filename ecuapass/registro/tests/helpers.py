"""Test helpers: the codes e-mailed by the background jobs."""

from __future__ import annotations

import re

from django.core import mail
from django_tasks_db.models import DBTaskResult


def run_code_emails() -> int:
    """Run the queued code e-mail jobs (as the worker would); returns how many were sent."""
    from ecuapass.registro.tasks import send_code_email

    sent = 0
    for job in DBTaskResult.objects.filter(task_path__endswith="send_code_email"):
        sent += send_code_email.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
        job.delete()
    return sent


def last_code(to: str | None = None) -> str:
    """The code in the last e-mail (to ``to``), after running the queued jobs."""
    run_code_emails()
    messages = [m for m in mail.outbox if to is None or to in m.to]
    assert messages, "no code e-mail was sent"
    return re.search(r"\b(\d{8})\b", messages[-1].body).group(1)
