"""The one way every part of the product writes to the buzón: ``notify(…)``."""

from __future__ import annotations

import mimetypes
import threading
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone

from ecuapass.core.db import Held, hold, still_held

from . import rendering
from .models import Notification, NotificationAttachment, NotificationRead

SENDER_SENAE = "SENAE"
SENDER_SYSTEM = "SISTEMA"


def notify(
    *,
    sender: str,
    subject,
    body,
    category: str,
    user=None,
    oce_code=None,
    related=None,
    attachments: Iterable = (),
    created_on=None,
    kind: str = "",
    params: dict | None = None,
) -> Notification:
    """Write a notice to a BUZÓN PERSONAL (``user``) and/or an OCE mailbox (``oce_code``).

    ``sender``: a display string ("SENAE", "SISTEMA", an agency's name).
    ``subject``/``body``: either final text (kept as written), or — with ``params`` — message
    templates: ``gettext_lazy("… %(numero)s …")`` (or the Spanish source string) whose
    ``%(name)s`` placeholders are filled from ``params`` *when the notice is read*, in the
    reader's language (``rendering``); Decimal, date and datetime parameters are formatted
    then (``47.860,00`` / ``47,860.00``), lazy translations given as parameters translated.
    ``kind``: an optional stable code of the notice ("edoc.aceptado"), stored for filtering.
    ``category``: one of ``notifications.models.Category`` (free text is kept as is).
    ``related``: any model instance the notice is about; linked through
    contenttypes, with its ``get_absolute_url()`` when it has one.
    ``attachments``: Django ``File`` objects, or ``(filename, bytes[, content_type])`` tuples.

    The e-mail copy is sent by the mailer loop (``tasks.send_notification_email``): the notice
    is marked ``email_due`` and one mailer job is enqueued per transaction, in it (queue
    "notifications") — a batch of documents writing 150 notices enqueues one job, not 150 —
    unless a mailer job is still waiting in the queue: that one sends them (``_mailer_due``).
    """
    if user is None and oce_code is None:
        raise ValueError("notify() needs a user, an oce_code or both")
    from .tasks import send_notification_email

    message = {}
    if params is not None:
        message, subject, body = rendering.stored(subject, body, params)
    # No savepoint of its own (two statements per notice saved): a failure rolls back the
    # caller's transaction with it, as it would anyway.
    with transaction.atomic(savepoint=False):
        notice = Notification(
            sender=str(sender)[:120],
            subject=str(subject)[:250],
            body=str(body),
            category=rendering.category_code(category),
            kind=kind[:80],
            message=message,
            user=user,
            oce_code=oce_code,
            created_on=created_on or timezone.now(),
            email_due=True,
        )
        if related is not None:
            notice.related_type = ContentType.objects.get_for_model(related)
            notice.related_id = str(related.pk)
            notice.related_label = str(related)[:250]
            get_url = getattr(related, "get_absolute_url", None)
            if callable(get_url):
                try:
                    notice.related_url = get_url() or ""
                except Exception:  # noqa: BLE001 - a broken URL must not lose the notice
                    notice.related_url = ""
        pending = getattr(_collecting, "pending", None)
        if pending is not None and not attachments:
            # Written with the others at the end of the block (``collected``), held under the
            # savepoints open now: one rolled back takes the notice with it (``core.db.hold``).
            hold(pending, notice)
            return notice
        notice.save()
        for item in attachments:
            _attach(notice, item)
        _mailer_due(notice.pk, send_notification_email)
        if user is not None:
            transaction.on_commit(lambda: _bump(f"u{user.pk}"))
        if oce_code is not None:
            transaction.on_commit(lambda: _bump(f"o{oce_code.pk}"))
    return notice


# --- a batch's notices written together (the e-docs worker, issue 16) ----------------------------
_collecting = threading.local()


@contextmanager
def collected():
    """Inside the block ``notify`` (without attachments) writes its notices at the block's end,
    all in one INSERT, with at most one mailer job and one badge bump per mailbox — instead of an
    INSERT, a look-up of the transaction's job and two bumps per notice. Use inside the
    transaction that owns them (the worker's batch): a notice written under a savepoint that
    rolls back is dropped with it; if the block raises nothing is written. Nobody reads the
    notices back before the end of the block (``notify``'s callers do not). Re-entrant."""
    if (
        getattr(_collecting, "pending", None) is not None
        or not transaction.get_connection().in_atomic_block
    ):
        yield  # nested, or no transaction to hold the notices: each is written at once
        return
    _collecting.pending = []
    try:
        yield
        pending, _collecting.pending = _collecting.pending, None
        _write_collected(pending)
    finally:
        _collecting.pending = None


def _write_collected(pending: list[Held]) -> None:
    from .tasks import send_notification_email

    if not pending:
        return
    notices = still_held(pending)
    if not notices:
        return
    connection = transaction.get_connection()
    if connection.features.can_return_rows_from_bulk_insert:
        Notification.objects.bulk_create(notices)
    else:  # a backend that cannot give the keys of a bulk insert back
        for notice in notices:
            notice.save()
    _mailer_due(notices[0].pk, send_notification_email)
    owners = {f"u{n.user_id}" for n in notices if n.user_id}
    owners |= {f"o{n.oce_code_id}" for n in notices if n.oce_code_id}
    for owner in sorted(owners):  # one bump per mailbox for the whole block
        transaction.on_commit(partial(_bump, owner))


def _mailer_marker() -> None:
    """Marks (in the transaction's on-commit list) that a mailer job is enqueued in it."""


def _mailer_due(notice_id: int, task) -> None:
    """See that a mailer job will send the transaction's notices, once per transaction (call
    inside ``transaction.atomic``, after writing them): a job waiting in the queue that no
    worker has taken yet does (``_waiting_mailer``), else one is enqueued.

    The job is written in the transaction, so it commits with the notices (or rolls back with
    them, savepoints included: the marker lives in the same on-commit entry's savepoint)."""
    connection = transaction.get_connection()
    if any(entry[1] is _mailer_marker for entry in connection.run_on_commit):
        return
    if not _waiting_mailer(task):
        task.enqueue(notice_id)
    transaction.on_commit(_mailer_marker)


def _waiting_mailer(task) -> bool:
    """Whether a mailer job no worker has taken yet is held for this transaction: locked until
    it ends (``FOR UPDATE SKIP LOCKED``: never waited for), so no worker can take it before the
    notices are committed and it finds them due when it runs. A batch committing while the
    previous batch's job still waits adds its notices to that job instead of a job of its own.
    On SQLite (no row locks) the transaction's earlier writes hold the database: a worker
    cannot take the job (an UPDATE) before the notices commit either.

    The queue's ``ready()`` look-up in SQL written once (run by every batch of the e-docs
    worker: compiling the ORM's costs more than the enqueue it saves)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    connection = transaction.get_connection()
    sql = _WAITING_SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        table = quote(DBTaskResult._meta.db_table)
        equal = " AND ".join(
            f"{quote(c)} = %s" for c in ("status", "backend_name", "queue_name", "task_path")
        )
        run_after = quote("run_after")
        due = f"({run_after} = %s OR {run_after} <= %s)"
        order = f"{quote('priority')} DESC, {run_after}, {quote('enqueued_at')}"
        lock = (
            " FOR UPDATE SKIP LOCKED"
            if connection.features.has_select_for_update_skip_locked
            else ""
        )
        # Quoted names of the model's own table and columns; the values are parameters.
        sql = f"SELECT 1 FROM {table} WHERE {equal} AND {due} ORDER BY {order} LIMIT 1{lock}"  # noqa: S608
        _WAITING_SQL[connection.vendor] = sql
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                "READY",
                task.backend,
                task.queue_name,
                task.module_path,
                adapt(get_date_max()),
                adapt(timezone.now()),
            ],
        )
        return cursor.fetchone() is not None


_WAITING_SQL: dict[str, str] = {}


def _attach(notice: Notification, item) -> NotificationAttachment:
    if isinstance(item, File):
        name = (item.name or "adjunto").rsplit("/", 1)[-1]
        content_type = getattr(item, "content_type", None) or _guess(name)
        data = item
        size = item.size or 0
    else:
        name, content, *rest = item
        content_type = rest[0] if rest else _guess(name)
        data = ContentFile(content, name=name)
        size = len(content)
    attachment = NotificationAttachment(
        notification=notice, name=name[:200], content_type=content_type, size=size
    )
    attachment.file.save(name, data, save=False)
    attachment.save()
    return attachment


def _guess(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def mark_read(notice: Notification, user) -> bool:
    """Mark read for this user; True when it was unread."""
    _, created = NotificationRead.objects.get_or_create(notification=notice, user=user)
    if created:
        # The badge's part that holds the notice: the personal one, or this user's view of
        # the OCE mailbox (never the other part: see unread_count).
        owner = f"u{user.pk}" if notice.user_id == user.pk else f"u{user.pk}:o{notice.oce_code_id}"
        transaction.on_commit(lambda: _bump(owner))
    return created


# The unread badge is on every page; counting 100,000 notices on each request is what
# the benchmark showed to dominate the main screen. Each part of the badge is cached on its
# own with the versions it depends on, so a notice to the OCE mailbox never recounts the
# user's personal notices (and the reverse):
#   personal part  — version u<user>          (notify to the user, mark_read of a personal notice)
#   OCE part       — versions o<oce>, u<user>:o<oce> (notify to the OCE, the user's reads there)
# All of it (versions and both values) is one cache read. Versions are fresh random tokens
# (the database cache cannot increment atomically). UNREAD_TTL bounds staleness.
UNREAD_TTL = 300


def _version_key(owner: str) -> str:
    return f"buzon:v:{owner}"


def _bump(owner: str) -> None:
    cache.set(_version_key(owner), uuid.uuid4().hex, None)


def unread_count(user, oce_code=None) -> int:
    """Unread notices: each mailbox counted on its own index (see ``selectors.Mailbox``)."""
    return unread_state(user, oce_code)[0]


def unread_state(user, oce_code=None) -> tuple[int, tuple]:
    """(unread notices, the mailboxes' versions) from one cache read: the versions are
    ``selectors.mailbox_versions``'s, under which the main screen keeps its latest notices."""
    if not getattr(user, "is_authenticated", False):
        return 0, ()
    parts = [(f"unread:u{user.pk}", [f"u{user.pk}"], Notification.objects.filter(user=user))]
    if oce_code is not None:
        mailbox = Notification.objects.filter(oce_code=oce_code).exclude(user=user)
        owners = [f"o{oce_code.pk}", f"u{user.pk}:o{oce_code.pk}"]
        parts.append((f"unread:u{user.pk}:o{oce_code.pk}", owners, mailbox))
    keys = [_version_key(o) for _k, owners, _q in parts for o in owners]
    keys += [f"buzon:{k}" for k, _o, _q in parts]
    got = cache.get_many(keys)
    missing = {k: uuid.uuid4().hex for k in keys if k.startswith("buzon:v:") and not got.get(k)}
    if missing:
        cache.set_many(missing, None)
        got.update(missing)
    total, fresh = 0, {}
    for key, owners, queryset in parts:
        versions = [got[_version_key(o)] for o in owners]
        cached = got.get(f"buzon:{key}")
        if cached is not None and cached[0] == versions:
            total += cached[1]
            continue
        count = queryset.unread_for(user).count()
        fresh[f"buzon:{key}"] = (versions, count)
        total += count
    if fresh:
        cache.set_many(fresh, UNREAD_TTL)
    versions = tuple(got[_version_key(o)] for _k, owners, _q in parts for o in owners)
    return total, versions


def recipients_of(notice: Notification) -> list[str]:
    """E-mail addresses of the notice: the user, or the users who share the OCE mailbox."""
    if notice.user_id:
        user = notice.user
        return [user.email] if user.email and user.is_active else []
    return mailbox_addresses([notice.oce_code_id])[notice.oce_code_id]


def mailbox_addresses(code_ids: Iterable[int]) -> dict[int, list[str]]:
    """The addresses of the users who share each OCE mailbox — granted the code (approved) or
    representing its operator; active, with an e-mail — sorted, in one statement for any
    number of mailboxes (a round of the mailer: one per round, not one per mailbox)."""
    from ecuapass.accounts.models import Grant, OceCode, User

    ids = sorted(set(code_ids))
    granted = (
        Grant.objects.filter(
            oce_code__in=ids,
            approved=True,
            user__is_active=True,
            user__state=User.State.ACTIVE,
        )
        .values_list("oce_code_id", "user__email")
        .order_by()
    )
    representatives = (
        OceCode.objects.filter(
            pk__in=ids,
            registration__operator__users__kind=User.Kind.REPRESENTANTE,
            registration__operator__users__is_active=True,
            registration__operator__users__state=User.State.ACTIVE,
        )
        .values_list("pk", "registration__operator__users__email")
        .order_by()
    )
    found: dict[int, set[str]] = {code_id: set() for code_id in ids}
    if ids:
        for code_id, email in granted.union(representatives, all=True):
            if email:
                found[code_id].add(email)
    return {code_id: sorted(emails) for code_id, emails in found.items()}
