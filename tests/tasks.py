"""Jobs the worker tests enqueue (imported by the worker processes as ``tests.tasks``)."""

from __future__ import annotations

import os
import time

from django.db import transaction
from django_tasks import task

from ecuapass.core.numbering import next_value


@task()
def count_run(key: str, hold: str = "") -> int:
    """Wait while the file ``hold`` exists, then count one run in the sequence ``key``.

    The count is taken in a transaction: a run that does not commit leaves no trace, so the
    sequence's value is the number of runs that completed.
    """
    while hold and os.path.exists(hold):
        time.sleep(0.02)
    with transaction.atomic():
        return next_value(key)
