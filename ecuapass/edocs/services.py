"""The engine's operations, shared by the portal, the API, the admin and the worker.

* ``create_draft`` / ``delete_draft`` — "Guardar temporal".
* ``submit`` — "Enviar": envío + número de entrega + states + job, one transaction.
* ``submit_payload`` — the API path: build the document from a payload, then submit.
* ``process`` — run by the worker: operator, document and business phases,
  exactly once per document (row lock + state check).
* recovery of documents whose job failed or whose worker died: ``edocs.recovery``.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ecuapass.core.db import insert, retry_on_conflict, update

from . import batch as batch_memory
from . import registry
from .models import DocumentError, EDocument, Envio
from .numbers import next_numero_entrega
from .rules import Phase, RuleContext, run_phase
from .states import DocumentState as S
from .states import TransmissionState as T

logger = logging.getLogger(__name__)

WORKER = "edocs.procesamiento"


class EdocError(Exception):
    """A business refusal the caller shows to the user (Spanish message)."""


class AlreadySent(EdocError):
    def __init__(self, edoc):
        super().__init__(
            _("El documento ya fue enviado con el número de entrega %(n)s.")
            % {"n": edoc.numero_entrega}
        )
        self.edoc = edoc


def channel_process(channel: str) -> str:
    return f"edocs.envio.{channel}"


# --- drafts -------------------------------------------------------------------
def create_draft(doc_type: registry.DocumentType, *, oce, user, write: bool = True) -> EDocument:
    """A new draft of ``doc_type`` filed by ``oce``.

    ``write=False`` (``submit_payload``, inside its transaction, which sends it at once): where
    the database can reserve the row's key (``_reserve_pk``), the row is not written here;
    ``submit`` inserts it once, already sent, instead of an INSERT of the draft and an UPDATE
    of all it changed (on PostgreSQL a new version of the row in each of its indexes). Its
    content's rows, inserted meanwhile, name it: the foreign keys are checked at the commit."""
    if not doc_type.may_file(oce.registration.oce_type):
        raise EdocError(
            _("El tipo de OCE %(tipo)s no puede elaborar %(doc)s.")
            % {"tipo": oce.registration.oce_type.name, "doc": doc_type.title}
        )
    edoc = EDocument(
        doc_type=doc_type.code,
        operation=doc_type.operation,
        title=str(doc_type.title),
        filer_oce=oce,
        created_by=user,
        modified_by=user,
    )
    if write or not _reserve_pk(edoc):
        edoc.save(force_insert=True)
    return edoc


def _reserve_pk(edoc: EDocument) -> bool:
    """Give the unsaved ``edoc`` the key its INSERT would have taken, without writing it: on
    PostgreSQL the next value of the id's sequence (ids may have gaps; numbers may not, and
    they are not these). Elsewhere False (SQLite: the draft is written, then updated)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        return False
    meta = EDocument._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s))", [meta.db_table, meta.pk.column]
        )
        edoc.pk = cursor.fetchone()[0]
    return True


def delete_draft(edoc: EDocument) -> None:
    with transaction.atomic():
        locked = EDocument.objects.select_for_update().get(pk=edoc.pk)
        if not locked.is_draft:
            raise AlreadySent(locked)
        content = locked.content
        if content is not None:
            content.delete()
        locked.delete()


def copy_as_draft(edoc: EDocument, *, oce, user) -> EDocument:
    """A new draft from what was sent (to correct a rejected document and send it again)."""
    if edoc.filer_oce_id != oce.pk:
        raise EdocError(_("Sólo el código de OCE que envió el documento puede copiarlo."))
    doc_type = edoc.type
    serializer = doc_type.serializer_class()(data=edoc.envio.payload)
    if not serializer.is_valid():
        raise EdocError(
            _("El documento enviado no tiene una estructura válida: no se puede copiar.")
        )
    with transaction.atomic():
        draft = create_draft(doc_type, oce=oce, user=user)
        content = doc_type.build_from_payload(draft, serializer.validated_data)
        draft.reference = doc_type.reference_of(content)[:100]
        draft.save(update_fields=["reference"])
    return draft


def lock_draft(pk: int, *, oce) -> EDocument:
    """Lock a draft's row: the first statement of every transaction that changes or sends it.

    Whoever holds the lock saves or sends; the others wait and then find it sent
    (``AlreadySent``), so a save can never slip in between "Enviar" and its snapshot.
    Call inside ``transaction.atomic()``.
    """
    edoc = EDocument.objects.select_for_update(of=("self",)).filter(pk=pk).first()
    if edoc is None or edoc.filer_oce_id != oce.pk:
        raise EdocError(_("El borrador pertenece a otro código de OCE."))
    if not edoc.is_draft:
        raise AlreadySent(edoc)
    return edoc


# --- transmission -------------------------------------------------------------
@retry_on_conflict
def submit(
    edoc: EDocument,
    *,
    user,
    oce,
    channel: str,
    payload: dict | None = None,
    payload_xml: str = "",
    idempotency_key: str = "",
    content=None,
    schema_checked: bool = False,
    created_here: bool = False,
) -> Envio:
    """Send a draft: the envío, the document's states and the job commit together.

    ``content``: the draft's content when the caller has just built it (the API), so it is
    not read again. ``schema_checked``: ``payload`` passed the type's serializer just now
    (the worker's DOC-001 does not validate it again). ``created_here``: the caller created
    the draft in its own open transaction (no one else can see it: no lock to take); a draft
    whose row was not written yet (``create_draft(write=False)``) is inserted here, sent. The
    número de entrega is taken last: its row lock is held only for the few statements before
    the commit. No savepoint of its own: whatever fails rolls back the caller's transaction.
    """
    from .tasks import process_document

    with transaction.atomic(savepoint=False):
        if not created_here:
            edoc = lock_draft(edoc.pk, oce=oce)
        unwritten = edoc._state.adding  # create_draft(write=False): its one INSERT is below
        before = None if unwritten else _field_values(edoc)
        doc_type = edoc.type
        if content is not None and isinstance(content, apps.get_model(doc_type.content_model)):
            edoc._content_cache = content
        content = edoc.content
        now = timezone.now()
        doc_type.before_submit(content, on=timezone.localdate(now))
        if payload is None:
            payload = doc_type.payload_of(content)
        party = doc_type.party_of(content)
        reference = doc_type.reference_of(content)[:100]
        result = process_document.enqueue(edoc.pk)
        numero = next_numero_entrega(oce.code, timezone.localtime(now).year, channel)
        envio = Envio(
            document=edoc,
            numero_entrega=numero,
            channel=channel,
            sender_user=user,
            sender_oce=oce,
            sent_on=now,
            payload=payload,
            payload_xml=payload_xml,
            idempotency_key=idempotency_key,
            schema_checked=schema_checked,
        )
        insert([envio], signals=True)  # save(force_insert=True), its statement built once
        edoc.numero_entrega = numero
        edoc.channel = channel
        edoc.sent_on = now
        edoc.party_operator = party
        edoc.reference = reference
        edoc.modified_by = user
        edoc.job_id = str(result.id)
        _enter_sent_states(edoc, user=user, process=channel_process(channel), note=numero)
        if unwritten:
            insert([edoc], signals=True)
        else:  # only what changed since the row was read or created (and modified_on, auto_now)
            edoc.save(update_fields=[*_changed_fields(edoc, before), "modified_on"])
    return envio


def _field_values(edoc: EDocument) -> dict:
    return {f.attname: getattr(edoc, f.attname) for f in _concrete_fields()}


@functools.cache
def _concrete_fields() -> list:
    return [f for f in EDocument._meta.concrete_fields if not f.primary_key]


def _changed_fields(edoc: EDocument, before: dict) -> list[str]:
    return [
        f.name
        for f in _concrete_fields()
        if f.name != "modified_on" and getattr(edoc, f.attname) != before[f.attname]
    ]


def _enter_sent_states(edoc: EDocument, *, user, process: str, note: str) -> None:
    """borrador → registrado and sin enviar → recibido, their two history rows in one INSERT.

    The same checks and rows as the FSM transitions ``registrar`` and ``recibir`` (whose
    ``post_transition`` receiver, ``edocs.signals.record_status_change``, writes one row per
    move), and ``post_save`` is still sent for each row, as ``create()`` would: the ``on_move``
    listeners (``edocs.moves``) and the audit log (``ops.observability``) see both moves.
    """
    from django_fsm import TransitionNotAllowed, can_proceed

    from . import history
    from .models import StatusChange

    rows = []
    for method in (edoc.registrar, edoc.recibir):
        meta = method._django_fsm
        name = method.__name__
        source = meta.field.get_state(edoc)
        if not can_proceed(method):
            raise TransitionNotAllowed(f"Can't switch from state '{source}' using method '{name}'")
        target = meta.next_state(source)
        setattr(edoc, meta.field.attname, target)
        rows.append(
            StatusChange(
                document=edoc,
                field=(
                    StatusChange.Field.TRANSMISION
                    if meta.field.name == "estado_transmision"
                    else StatusChange.Field.DOCUMENTO
                ),
                transition=name,
                from_state=source,
                to_state=target,
                by_user=user if getattr(user, "is_authenticated", False) else None,
                by_process=process,
                note=str(note)[:2000],
            )
        )
    insert(rows)
    for row in rows:
        history.announce(row)


@dataclass
class SubmitOutcome:
    envio: Envio
    replayed: bool


@retry_on_conflict
def submit_payload(
    doc_type: registry.DocumentType,
    data: dict,
    *,
    raw: dict,
    user,
    oce,
    channel: str,
    payload_xml: str = "",
    idempotency_key: str = "",
    schema_checked: bool = False,
) -> SubmitOutcome:
    """Create a document from validated data and send it (API, channel S).

    ``schema_checked``: ``raw`` itself is what the type's serializer validated into ``data``
    (the API), so the worker does not validate it again (``Envio.schema_checked``).

    With an ``idempotency_key`` a retry returns the first envío unchanged: the key is UNIQUE
    per OCE (``uniq_envio_idempotency``), so the first submission pays no look-up and a replay
    finds the envío once its insert is refused.
    """
    try:
        with transaction.atomic():
            edoc = create_draft(doc_type, oce=oce, user=user, write=False)
            content = doc_type.build_from_payload(edoc, data)
            envio = submit(
                edoc,
                user=user,
                oce=oce,
                channel=channel,
                payload=raw,
                payload_xml=payload_xml,
                idempotency_key=idempotency_key,
                content=content,
                schema_checked=schema_checked,
                created_here=True,
            )
    except IntegrityError:
        if idempotency_key:
            existing = _envio_for_key(oce, idempotency_key)
            if existing:
                return SubmitOutcome(existing, True)
        raise
    return SubmitOutcome(envio, False)


def _envio_for_key(oce, key: str) -> Envio | None:
    return (
        Envio.objects.select_related("document").filter(sender_oce=oce, idempotency_key=key).first()
    )


# --- processing ---------------------------------------------------------------
def engine_rules() -> list:
    from .engine_rules import ENGINE_RULES

    return ENGINE_RULES


def _locked(skip_locked: bool = False):
    # Lock the document row only: FOR UPDATE over the joined OCE code and operator
    # would block every concurrent submission's foreign-key check on them (deadlock).
    return EDocument.objects.select_for_update(
        of=("self",), skip_locked=skip_locked
    ).select_related("filer_oce__registration__operator", "filer_oce__registration__oce_type")


def process(document_id: int, *, process_name: str = WORKER) -> str:
    """Process one received document exactly once; returns the outcome."""
    with transaction.atomic():
        edoc = _locked().filter(pk=document_id).first()
        if edoc is None:
            return "missing"
        return _process_locked(edoc, process_name)


def batch_size() -> int:
    return int(getattr(settings, "ECUAPASS_EDOCS_BATCH_SIZE", 50))


def batch_linger() -> float:
    """Seconds a worker waits for more submissions when it claims a batch under half full
    (``ECUAPASS_EDOCS_BATCH_LINGER``; 0: it never waits)."""
    return float(getattr(settings, "ECUAPASS_EDOCS_BATCH_LINGER", 0))


def _claim_waiting(count: int, *, exclude: set[int]) -> list[EDocument]:
    """Lock up to ``count`` received documents whose job is ready to run (not running, not
    failed, not backing off), oldest first, skipping those another worker holds."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import process_document

    waiting = list(
        EDocument.objects.filter(estado_transmision=T.RECIBIDO)
        .exclude(pk__in=exclude)
        .order_by("sent_on", "id")
        .values_list("pk", "job_id")[: count * 2]
    )
    ready = {
        str(pk)
        for pk in DBTaskResult.objects.ready()
        .filter(
            pk__in=[job_id for _pk, job_id in waiting if job_id],
            task_path=process_document.module_path,
        )
        .values_list("pk", flat=True)
    }
    chosen = [pk for pk, job_id in waiting if job_id in ready][:count]
    if not chosen:
        return []
    return list(
        _locked(skip_locked=True)
        .filter(pk__in=chosen, estado_transmision=T.RECIBIDO)
        .order_by("sent_on", "id")
    )


def process_batch(
    document_id: int, *, limit: int | None = None, process_name: str = WORKER
) -> dict[int, str]:
    """Process a received document and, in the same transaction, up to ``limit - 1`` others
    whose jobs wait in the queue; returns ``{document id: outcome}``.

    * Claim: the others are received documents whose job is ready to run (not running, not
      failed, not backing off), oldest first, their rows locked with ``SKIP LOCKED`` so two
      workers never wait on each other's batch. If ``document_id`` itself is in another
      worker's batch it is skipped here (that batch processes it). A batch claimed under half
      full waits ``batch_linger()`` seconds and claims again what arrived meanwhile.
    * Each document is processed exactly as ``process`` does, every type through its own
      hooks. A batch of several runs first without a savepoint per document (two statements
      each, and a subtransaction PostgreSQL tracks until the commit: ADR 0021); if any document
      raises, that whole attempt is rolled back and the batch runs again with each document
      inside a savepoint: the one that raises is rolled back alone and stays Recibido (its own
      job retries it, then ``edocs.recovery``); the rest go through. A document with errors is
      rejected with them, as always (that is no exception).
    * Counters (the DAI number, the obligations' numbers…) are advanced in memory and written
      once per batch (``core.numbering.batched``); a document rolled back gives its numbers
      back, so they stay gap-free.
    * One commit for the batch; the jobs of the documents processed here are marked done in
      it, so no worker claims them. A worker killed mid-batch commits nothing: every
      document is still Recibido with its job, and is processed once by the next claim.
    """
    from ecuapass.core import jobs

    try:
        return _process_batch(document_id, limit, process_name, savepoints=False)
    except _DocumentFailed as failed:
        if isinstance(failed.__cause__, jobs.DATABASE_UNAVAILABLE):
            raise failed.__cause__ from None  # the job fails and is retried as always
        logger.warning(
            "edocs: document %s failed in a batch; the batch runs again document by document",
            failed.pk,
            exc_info=failed.__cause__,  # what it raised, even if the second run does not
        )
        return _process_batch(document_id, limit, process_name, savepoints=True, linger=False)


class _DocumentFailed(Exception):
    """A document raised in a batch run without savepoints: the attempt is rolled back."""

    def __init__(self, pk: int):
        super().__init__(pk)
        self.pk = pk


def _process_batch(
    document_id: int, limit: int | None, process_name: str, *, savepoints: bool, linger=True
) -> dict[int, str]:
    from django_tasks_db.models import DBTaskResult

    from ecuapass.core import jobs, numbering
    from ecuapass.tariff import memo

    limit = max(1, limit or batch_size())
    outcomes: dict[int, str] = {}
    failure: Exception | None = None
    with (
        memo.using(),
        batch_memory.scope(),
        transaction.atomic(),
        numbering.batched() as counters,
        _notices_collected(),
    ):
        batch = list(_locked(skip_locked=True).filter(pk=document_id))
        if limit > 1:
            batch += _claim_waiting(limit - 1, exclude={document_id})
            wait = batch_linger() if linger else 0
            if wait and len(batch) < limit // 2:
                # Few documents wait: give the submissions arriving now a moment to join. A
                # fuller batch pays its per-batch look-ups for more documents (ADR 0021).
                time.sleep(wait)
                batch += _claim_waiting(
                    limit - len(batch), exclude={document_id, *(e.pk for e in batch)}
                )
        savepoints = savepoints or len(batch) < 2  # one document: its failure is the job's
        contents = _prefetch(batch)
        batch_memory.hold(batch)
        shared: dict = {}  # the rules' per-batch look-ups (RuleContext.shared)
        done_jobs = []
        for edoc in batch:
            if not savepoints:
                try:
                    with batch_memory.document(savepoint=False):
                        outcomes[edoc.pk] = _process_locked(
                            edoc, process_name, shared=shared, batch=contents
                        )
                except Exception as exc:
                    raise _DocumentFailed(edoc.pk) from exc  # rolls the whole attempt back
            else:
                mark = counters.mark()
                try:
                    with batch_memory.document(), transaction.atomic():
                        outcomes[edoc.pk] = _process_locked(
                            edoc, process_name, shared=shared, batch=contents
                        )
                except Exception as exc:  # noqa: BLE001 - one document's failure is its own
                    counters.restore(mark)  # its numbers are given back with its savepoint
                    logger.exception("edocs: document %s failed in a batch", edoc.pk)
                    outcomes[edoc.pk] = "failed"
                    if edoc.pk == document_id:
                        failure = exc
                    continue
            if edoc.pk != document_id and edoc.job_id:
                done_jobs.append(edoc.job_id)
        batch_memory.end()  # what the kept documents left for the batch's end (one write)
        if done_jobs:
            now = timezone.now()
            DBTaskResult.objects.filter(pk__in=done_jobs, status=jobs.READY).update(
                status=jobs.SUCCESSFUL,
                started_at=now,
                finished_at=now,
                return_value=f"lote:{document_id}",
            )
    if failure is not None:
        raise failure
    return outcomes


def _notices_collected():
    """The batch's notices written together at its end (``notifications.services.collected``)."""
    try:
        from ecuapass.notifications.services import collected
    except ImportError:  # the buzón is not installed in this build
        from contextlib import nullcontext

        return nullcontext()
    return collected()


def _prefetch(batch: list[EDocument]) -> list:
    """Read what processing reads of every document of a batch in a few queries: the envíos
    with their senders, and the contents of each type (one query per type) — instead of
    a query for each, per document. Returns the contents."""
    from django.db.models import Prefetch, prefetch_related_objects

    pending = [e for e in batch if e.estado_transmision == T.RECIBIDO]
    if not pending:
        return []
    # The envío's payload (JSON and XML) is read and decoded only where processing reads it:
    # an envío not checked on receipt (DOC-001), or a type whose rules read it (one query).
    envios = Envio.objects.defer("payload", "payload_xml")
    prefetch_related_objects(pending, Prefetch("envio", queryset=envios), "envio__sender_user")
    _payloads(pending)
    by_type: dict[str, list[EDocument]] = {}
    for edoc in pending:
        by_type.setdefault(edoc.doc_type, []).append(edoc)
    for code, docs in by_type.items():
        doc_type = registry.find(code)
        # A type that reads its content its own way keeps doing so.
        if doc_type is None or type(doc_type).content_for is not registry.DocumentType.content_for:
            continue
        model = apps.get_model(doc_type.content_model)
        found = {c.edoc_id: c for c in model.objects.filter(edoc__in=docs)}
        if doc_type.batch_prefetch and found:
            prefetch_related_objects(list(found.values()), *doc_type.batch_prefetch)
        for edoc in docs:
            content = found.get(edoc.pk)
            if content is not None:
                content.edoc = edoc
            edoc._content_cache = content
    return [e.content for e in pending if e.content is not None]


def _payloads(pending: list[EDocument]) -> None:
    """The payloads ``_prefetch`` deferred that processing reads, in one query."""
    wanted = {}
    for edoc in pending:
        envio = edoc._state.fields_cache.get("envio")
        doc_type = registry.find(edoc.doc_type)
        if envio is not None and (
            not envio.schema_checked or getattr(doc_type, "rules_read_payload", True)
        ):
            wanted[envio.pk] = envio
    if wanted:
        rows = Envio.objects.filter(pk__in=list(wanted))
        for pk, payload, xml in rows.values_list("pk", "payload", "payload_xml"):
            wanted[pk].payload, wanted[pk].payload_xml = payload, xml


def _process_locked(
    edoc: EDocument, process_name: str, *, shared: dict | None = None, batch: list | None = None
) -> str:
    """The processing of one document whose row the caller has locked (in its transaction).

    ``shared``/``batch``: the batch's rule look-ups and contents (``RuleContext``)."""
    if edoc.estado_transmision != T.RECIBIDO:
        return "already-processed"
    edoc.processing_attempts += 1
    doc_type = edoc.type
    content = edoc.content
    edoc.distrito = doc_type.distrito_of(content) if content is not None else ""
    ctx = RuleContext(
        edoc=edoc,
        content=content,
        doc_type=doc_type,
        on=timezone.localdate(edoc.sent_on),
        shared=shared if shared is not None else {},
        batch=batch or [],
    )
    rules = engine_rules() + list(doc_type.rules)
    errors = run_phase(rules, Phase.OPERADOR, ctx) + run_phase(rules, Phase.DOCUMENTO, ctx)
    formal = bool(errors)
    if not formal:
        errors += run_phase(rules, Phase.NEGOCIO, ctx)
    DocumentError.objects.bulk_create(
        DocumentError(document=edoc, phase=e.phase, code=e.code, field=e.field, message=e.message)
        for e in errors
    )
    # The document's row is written once, at the end: in a batch, its moves after the
    # acceptance (the DAI's canal, its automatic cierre) change the instance only.
    with batch_memory.saved_once(edoc) as once:
        if formal:
            edoc.marcar_error(
                process=process_name,
                note=ngettext("%(n)d error formal", "%(n)d errores formales", len(errors))
                % {"n": len(errors)},
            )
            edoc.rechazar(process=process_name, note=_errors(len(errors)))
            outcome = "error"
        elif errors:
            edoc.marcar_procesado(process=process_name)
            edoc.rechazar(process=process_name, note=_errors(len(errors)))
            outcome = "rechazado"
        else:
            edoc.marcar_procesado(process=process_name)
            edoc.document_number = doc_type.on_accepted(edoc, content)
            edoc.aceptar(process=process_name, note=edoc.document_number)
            outcome = "aceptado"
        if not once:
            update(edoc)
        from .notices import notify_outcome

        notify_outcome(edoc, errors)
        if outcome == "aceptado":
            # The type's life goes on (e.g. the DAI's canal de aforo), in the same transaction.
            doc_type.after_acceptance(edoc)
    if once:
        update(edoc)  # save()'s UPDATE, its text built once (core.db.update)
    return outcome


__all__ = [
    "AlreadySent",
    "EdocError",
    "S",
    "create_draft",
    "delete_draft",
    "lock_draft",
    "process",
    "process_batch",
    "submit",
    "submit_payload",
]


def _errors(n: int) -> str:
    """ "1 error" / "3 errores" (the rejection's note in the history)."""
    return ngettext("%(n)d error", "%(n)d errores", n) % {"n": n}
