"""3.11.1 Mi página: a registry of blocks, each contributed by the context that owns the data.

A context registers its block once, in its ``AppConfig.ready()``::

    from ecuapass.mipagina.blocks import Block, Item, register

    def _my_rows(ctx):                       # ctx: BlockContext(user, oce, limit)
        qs = Thing.objects.filter(oce=ctx.oce).order_by("-due_on", "-id")  # indexed
        return [Item(str(t), reverse("app:detail", args=[t.pk]), when=t.due_on) for t in qs[: ctx.limit]]

    register(Block(key="app.things", title=_("Cosas pendientes"), rows=_my_rows,
                   link="app:list", menu_options=("1.3",), order=40))

Rules of a block (Mi página must stay cheap):

* ``rows(ctx)`` returns at most ``ctx.limit`` ``Item``s from **one** query over an index
  (slice the queryset, no ``count()`` of a whole table, no loops of queries).
* It scopes itself to ``ctx.oce`` / ``ctx.user`` (an OCE never sees another's data).
  ``ctx.oce`` is None for users without an OCE: return ``[]`` if the block needs one.
* ``menu_options``: the block shows only when the user holds one of them on the active OCE
  (the same ``holds_any_option`` check as the screens); empty = every signed-in user.
* ``link`` is the URL name of the full screen (no arguments), shown as "Ver todo".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

DEFAULT_LIMIT = 5


@dataclass(frozen=True)
class Item:
    label: str
    url: str = ""
    when: dt.date | dt.datetime | None = None
    detail: str = ""
    # "danger" (vencido), "warning" (por vencer) or "" — shown as a badge.
    level: str = ""


@dataclass(frozen=True)
class BlockContext:
    user: Any
    oce: Any  # accounts.OceCode or None
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class Block:
    key: str
    title: Any
    rows: Callable[[BlockContext], list[Item]]
    link: str = ""
    menu_options: tuple[str, ...] = ()
    order: int = 100
    empty_text: Any = None
    # Optional: a callable(ctx) -> bool deciding whether the block applies at all.
    applies: Callable[[BlockContext], bool] | None = field(default=None, compare=False)

    def link_url(self) -> str:
        if not self.link:
            return ""
        try:
            return reverse(self.link)
        except NoReverseMatch:
            return ""


_BLOCKS: dict[str, Block] = {}


def register(block: Block) -> Block:
    """Add (or replace, by ``key``) a block of Mi página."""
    _BLOCKS[block.key] = block
    return block


def unregister(key: str) -> None:
    _BLOCKS.pop(key, None)


def registered() -> list[Block]:
    return sorted(_BLOCKS.values(), key=lambda b: (b.order, b.key))


@dataclass
class RenderedBlock:
    block: Block
    items: list[Item]
    link_url: str


def blocks_for(user, oce, limit: int = DEFAULT_LIMIT) -> list[RenderedBlock]:
    """The blocks this user sees under ``oce``, each with its rows (one query per block)."""
    from ecuapass.portal.permissions import holds_any_option

    ctx = BlockContext(user=user, oce=oce, limit=limit)
    result = []
    for block in registered():
        if block.menu_options and (
            oce is None or not holds_any_option(user, oce, block.menu_options)
        ):
            continue
        if block.applies is not None and not block.applies(ctx):
            continue
        items = list(block.rows(ctx))[:limit]
        result.append(RenderedBlock(block=block, items=items, link_url=block.link_url()))
    return result
