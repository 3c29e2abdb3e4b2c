"""The declaration types whose corrections this context handles, each registered as a ``Target``.

A target says, for one e-doc type (the DAI here, the DAE from ``ecuapass.exportacion``):

* its **shape** — the payload's serializer, the header fields a request may change
  (``cabecera_serializer``), the item's serializer, the content and item models, the functions
  between payload and model (``header_values``, ``item_rows``, ``payload_of``), what never changes
  (``immutable_payload`` / ``immutable_fields``), and what an approval does besides writing the
  changes (``liquidates``: the DAI's liquidación recomputed; ``after_apply``: e.g. the DAE's
  certificates discharged again);
* its **rules of time** — the states where a corrección is filed, the states and term of a
  sustitutiva, the states where an anulación starts (None: not through this context);
* the portal's pieces (header form and items grid) and the XML mapping of its changes.

``register(target, kinds)`` adds the target's request kinds to ``kinds.KINDS`` and registers one
e-doc type per kind in the engine's registry (``edoc.register_kind``). ``changes``, ``checks``,
``services`` and the views ask ``of(doc_type)`` / ``for_content(content)`` instead of naming the
DAI (docs/adr/0008-operator-corrections.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TARGETS: dict[str, Target] = {}


@dataclass(frozen=True)
class Target:
    doc_type: str
    label: Any  # "DAI" / "DAE" in messages
    # shape
    serializer: Callable[[], type]
    cabecera_serializer: Callable[[], type]
    item_serializer: Callable[[], type]
    model: Callable[[], type]
    item_model: Callable[[], type]
    header_values: Callable[[dict], dict]
    item_rows: Callable[..., list]
    payload_of: Callable[[Any], dict]
    immutable_payload: tuple[str, ...]
    immutable_fields: frozenset
    skip_fields: tuple[str, ...]  # foreign keys the approval never rewrites (besides edoc)
    item_fk: str = "dai"  # the item's foreign key to the declaration
    nested_fields: dict = field(default_factory=dict)  # payload path → model field
    liquidates: bool = False
    after_apply: Callable[[Any], None] | None = None
    # time
    correctable: tuple[str, ...] = ()
    sustitutiva_states: tuple[str, ...] = ()
    sustitutiva_refusal: Callable[..., str | None] | None = None  # (edoc, now) → reason
    anulable: Callable[[], tuple[str, ...]] | None = None
    # where the técnico aforador of the open aforo corrects the declaration himself (the DAI's
    # aforo proposes its corrections through the despacho instead)
    aforo_states: tuple[str, ...] = ()
    # registry and portal
    filers: tuple = ()
    operation: str = ""
    xml: Callable[[], Any] | None = None
    header_form: Callable[[], type] | None = None
    item_formset: Callable[[], type] | None = None
    item_initial: Callable[[Any], list] | None = None


def lazy(path: str) -> Callable[[], Any]:
    """``"package.module:name"`` → a callable giving that object, imported when first asked (a
    target is declared while the apps load)."""
    from importlib import import_module

    module, _sep, name = path.partition(":")
    return lambda: getattr(import_module(module), name)


def lazy_call(path: str) -> Callable[..., Any]:
    """``"package.module:function"`` → a function calling it (imported when first called)."""
    get = lazy(path)
    return lambda *args, **kwargs: get()(*args, **kwargs)


def register(target: Target, target_kinds: dict) -> None:
    """Add ``target`` and its request kinds (each an e-doc type of the engine's registry)."""
    from . import kinds
    from .edoc import register_kind

    TARGETS[target.doc_type] = target
    for code, kind in target_kinds.items():
        kinds.KINDS[code] = kind
        register_kind(kind)


def of(doc_type: str) -> Target:
    return TARGETS[doc_type]


def for_content(content) -> Target:
    """The target of a declaration's content (a ``Dai``, a ``Dae`` or an unsaved corrected copy)."""
    return TARGETS[content.edoc.doc_type]


def doc_types() -> tuple[str, ...]:
    return tuple(TARGETS)
