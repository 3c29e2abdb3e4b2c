"""Benchmark data: many notices in one user's buzón, bulk-created fast.

    from bench.data_notifications import generate
    generate(user, n=100_000)            # BUZÓN PERSONAL
    generate(user, n=100_000, oce_code=code)  # half personal, half the OCE's mailbox

About a third are marked read for the user; dates spread over the last year,
newest first in the inbox. Returns the number of notices created.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

SENDERS = ["SENAE", "SISTEMA", "ARCSA", "INEN", "Agrocalidad"]
SUBJECTS = [
    "COMUNICADO DE ECUAPASS - ALERTA DE DESBLOQUEO",
    "e-Doc DAI recibido",
    "Canal de aforo asignado",
    "Liquidación generada",
    "Salida autorizada",
    "Notificación sanitaria aprobada",
]
BATCH = 5_000


def generate(user, n: int = 100_000, oce_code=None, seed: int = 2026) -> int:
    from ecuapass.notifications.models import Category, Notification, NotificationRead

    rng = random.Random(seed)
    now = timezone.now()
    categories = [c for c, _ in Category.choices]
    created = 0
    while created < n:
        size = min(BATCH, n - created)
        with transaction.atomic():
            batch = []
            for i in range(size):
                k = created + i
                to_oce = oce_code is not None and k % 2 == 1
                batch.append(
                    Notification(
                        sender=rng.choice(SENDERS),
                        subject=f"{rng.choice(SUBJECTS)} #{k}",
                        body="Mensaje de prueba de rendimiento.",
                        category=rng.choice(categories),
                        user=None if to_oce else user,
                        oce_code=oce_code if to_oce else None,
                        created_on=now - timedelta(seconds=k * 300 + rng.randint(0, 299)),
                    )
                )
            objs = Notification.objects.bulk_create(batch, batch_size=BATCH)
            if objs and objs[0].pk is None:  # backends that do not return ids
                objs = list(
                    Notification.objects.filter(subject__in=[o.subject for o in batch]).only("id")
                )
            NotificationRead.objects.bulk_create(
                [NotificationRead(notification=o, user=user, read_on=now) for o in objs[::3]],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
        created += size
    return created
