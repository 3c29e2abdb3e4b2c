"""The life of a document after its submission, declared by its type.

The engine owns the submission (borrador → registrado → aceptado / rechazado and
the Estado de Transmisión); from "aceptado" on, each ``DocumentType`` declares a
``Lifecycle``: its states with their labels, and its transitions, each with the
source states, the target, the **actors** allowed to fire it, the conditions
that must hold, and the notice sent when it happens. ``fire()`` is the only way
a document moves: portal, API, admin actions and workers all call it, so the row
lock, the checks, the status-history row and the notices are written once.

Actors:

* ``"process"`` — a system process (the worker, the motor de riesgo, a bank
  callback): fired with ``process="name"`` and no user.
* ``"filer"`` — a user acting as the código de OCE that filed the document.
* ``"party"`` — a user acting as a code of the operator the document is filed
  for (the importer of a broker's DAI).
* any other string — a role registered with ``register_actor`` by the context
  that owns it (``ecuapass.officers`` registers the SENAE roles, scoped to the
  officer's distritos; a future agency context registers its own).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

if TYPE_CHECKING:  # pragma: no cover
    from .models import EDocument

logger = logging.getLogger(__name__)

PROCESS = "process"
FILER = "filer"
PARTY = "party"

# role code → (label, check(user, edoc) -> bool); registered by the owning contexts.
_ACTORS: dict[str, tuple[Any, Callable[[Any, Any], bool]]] = {}


def register_actor(code: str, label, check: Callable[[Any, Any], bool]) -> None:
    """Declare a role that may fire transitions: ``check(user, edoc)`` says if ``user`` holds it."""
    _ACTORS[code] = (label, check)


def actor_label(code: str) -> str:
    if code in _ACTORS:
        return str(_ACTORS[code][0])
    return {PROCESS: _("Proceso"), FILER: _("Declarante"), PARTY: _("Titular")}.get(code, code)


@dataclass(frozen=True)
class Notice:
    """A buzón notice sent when a transition happens.

    ``subject`` and ``body`` are lazy translations with ``%(name)s`` placeholders,
    filled from ``DocumentType.notice_context(edoc)`` plus ``note``.
    ``to``: ``"filer"`` and/or ``"party"`` (the party's codes of the type's OCE types).
    """

    subject: Any
    body: Any
    to: tuple[str, ...] = (FILER, PARTY)


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any
    source: tuple[str, ...]
    target: str
    actors: tuple[str, ...]
    conditions: tuple[Callable[[Any], bool], ...] = ()
    notice: Notice | None = None
    # Run after the state changed, in the same transaction (e.g. close the aforo of an anulada).
    effects: tuple[Callable[[Any], None], ...] = ()


@dataclass(frozen=True)
class Lifecycle:
    """States (value, label) a type adds after acceptance, and its transitions."""

    states: tuple[tuple[str, Any], ...] = ()
    transitions: tuple[Transition, ...] = ()
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        for t in self.transitions:
            self._by_name[t.name] = t

    def get(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError as exc:
            raise TransitionNotAllowed(
                _("La transición «%(t)s» no existe para este documento.") % {"t": name}
            ) from exc

    def from_state(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]


class TransitionNotAllowed(Exception):
    """The document cannot move that way now, or not by this actor (message in Spanish)."""


def _authorized(t: Transition, edoc, *, user, oce, process: str) -> str | None:
    """The actor code under which the caller may fire ``t``, or None."""
    for actor in t.actors:
        if actor == PROCESS:
            if process and user is None:
                return actor
            continue
        if user is None or not getattr(user, "is_authenticated", False):
            continue
        if actor == FILER and oce is not None and oce.pk == edoc.filer_oce_id:
            return actor
        if (
            actor == PARTY
            and oce is not None
            and edoc.party_operator_id
            and oce.registration.operator_id == edoc.party_operator_id
        ):
            return actor
        registered = _ACTORS.get(actor)
        if registered is not None and registered[1](user, edoc):
            return actor
    return None


def allowed(edoc, *, user=None, oce=None, process: str = "") -> list[Transition]:
    """Transitions the caller may fire on ``edoc`` now (for buttons and API discovery)."""
    lifecycle = edoc.type.lifecycle
    return [
        t
        for t in lifecycle.from_state(edoc.estado_documento)
        if all(c(edoc) for c in t.conditions)
        and _authorized(t, edoc, user=user, oce=oce, process=process)
    ]


def fire(
    edoc: EDocument,
    name: str,
    *,
    user=None,
    oce=None,
    process: str = "",
    note: str = "",
    ip: str | None = None,
    before: Callable[[Any], None] | None = None,
    also_save: tuple[str, ...] = (),
    savepoint: bool = True,
) -> EDocument:
    """Move ``edoc`` along transition ``name``; returns the locked, updated document.

    Locks the document row, re-reads its state, checks source, conditions and
    actor, runs ``before(edoc)`` (the caller's changes, in the same transaction),
    saves the new state (and the fields ``before`` changed that the caller names in
    ``also_save``), writes the status-history row (with the actor's role and IP) and
    queues the transition's notice. Raises ``TransitionNotAllowed``.

    ``savepoint=False``: the caller runs it directly under its own savepoint and catches
    nothing in between (a failure rolls that savepoint back), so the move needs none of its own.

    In a worker's batch, the batch's own instance of a document (``edocs.batch.is_current``:
    its row has been locked by the batch since it was read) is moved in place, without reading
    the row again; if the transition fails, the instance gets its attributes back. While the
    batch processes that document (``batch.saved_once``) the row is not written here: the
    processing saves it once at the document's end.
    """
    from . import batch

    if batch.is_current(edoc):
        snapshot = dict(edoc.__dict__)
        try:
            return _fire(
                edoc, edoc, name, user, oce, process, note, ip, before, also_save, savepoint
            )
        except BaseException:
            edoc.__dict__.clear()
            edoc.__dict__.update(snapshot)
            raise
    return _fire(edoc, None, name, user, oce, process, note, ip, before, also_save, savepoint)


def _fire(edoc, locked, name, user, oce, process, note, ip, before, also_save, savepoint):
    from . import batch, history
    from .models import EDocument, StatusChange

    with transaction.atomic(savepoint=savepoint):
        if locked is None:
            # The filer's código and registration come along (the notice's recipients read
            # them); only the document's row is locked.
            locked = (
                EDocument.objects.select_for_update(of=("self",))
                .select_related("filer_oce__registration")
                .get(pk=edoc.pk)
            )
        t = locked.type.lifecycle.get(name)
        if locked.estado_documento not in t.source:
            raise TransitionNotAllowed(
                _("El documento está en estado «%(s)s»: no se puede «%(t)s».")
                % {"s": state_label(locked.estado_documento), "t": t.label}
            )
        actor = _authorized(t, locked, user=user, oce=oce, process=process)
        if actor is None:
            raise TransitionNotAllowed(_("No está autorizado para «%(t)s».") % {"t": t.label})
        if before is not None:
            before(locked)
        failed = [c for c in t.conditions if not c(locked)]
        if failed:
            raise TransitionNotAllowed(
                _("No se cumplen las condiciones para «%(t)s».") % {"t": t.label}
            )
        source = locked.estado_documento
        locked.estado_documento = t.target
        if not batch.save_deferred(locked):  # else written once at the document's end
            locked.save(update_fields=["estado_documento", "modified_on", *also_save])
        history.write(
            StatusChange(
                document=locked,
                field=StatusChange.Field.DOCUMENTO,
                transition=t.name,
                from_state=source,
                to_state=t.target,
                by_user=user if user is not None and user.is_authenticated else None,
                by_process=process,
                by_role=actor,
                ip=ip,
                note=str(note)[:2000],
            )
        )
        for effect in t.effects:
            effect(locked)
        if t.notice is not None:
            send_notice(locked, t.notice, note=note)
    return locked


def send_notice(edoc, notice: Notice, *, note: str = "") -> None:
    from ecuapass.notifications.services import notify

    from .notices import CATEGORY, SENDER, recipients

    context = {
        "doc": edoc.doc_type,
        "titulo": edoc.title,
        "entrega": edoc.numero_entrega,
        "numero": edoc.document_number,
        "nota": note,
    }
    context.update(edoc.type.notice_context(edoc))
    codes = recipients(edoc, filer=FILER in notice.to, party=PARTY in notice.to)
    for code in codes:
        notify(  # rendered in the reader's language when read
            oce_code=code,
            subject=notice.subject,
            body=notice.body,
            params=context,
            sender=SENDER,
            category=CATEGORY,
            related=edoc,
        )


def state_label(value: str) -> str:
    """The label of any document state: the engine's, or a registered type's."""
    from . import registry
    from .states import DocumentState

    try:
        return str(DocumentState(value).label)
    except ValueError:
        pass
    for doc_type in registry.all_types():
        for state, label in doc_type.lifecycle.states:
            if state == value:
                return str(label)
    return value
