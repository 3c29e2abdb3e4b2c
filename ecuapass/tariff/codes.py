"""``CommodityCode``: the value object for every form of a tariff code users type.

Levels of the Ecuadorian nomenclature (arancel):

====== ======================================= =================
digits level                                   printed
====== ======================================= =================
2      capítulo                                ``85``
4      partida                                 ``85.16``
6      subpartida del Sistema Armonizado (SA)  ``8516.79``
8      subpartida NANDINA                      ``8516.79.00``
10     subpartida nacional                     ``8516.79.00.00``
====== ======================================= =================

``CommodityCode.parse`` accepts dots, spaces and dashes (``8516.79.00.00``,
``85167900``, ``851679``, ``8516.79``, ``8516 79``) and rejects anything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

LEVELS = (2, 4, 6, 8, 10)
LEVEL_NAMES = {
    2: _("capítulo"),
    4: _("partida"),
    6: _("subpartida SA"),
    8: _("subpartida NANDINA"),
    10: _("subpartida nacional"),
}
_SEPARATORS = re.compile(r"[\s.\-]")
_CODE_LIKE = re.compile(r"^[\d\s.\-]+$")


class InvalidCommodityCode(ValueError):
    """The text is not a tariff code of 2, 4, 6, 8 or 10 digits."""


def looks_like_code(text: str) -> bool:
    """True when the text is digits with optional dots/spaces/dashes (a code search)."""
    return bool(text) and bool(_CODE_LIKE.match(text.strip())) and any(c.isdigit() for c in text)


def digits_of(text: str) -> str:
    return _SEPARATORS.sub("", text or "")


@dataclass(frozen=True, order=True)
class CommodityCode:
    """A code of 2, 4, 6, 8 or 10 digits; immutable, comparable, hashable."""

    digits: str

    def __post_init__(self):
        if not self.digits.isdigit() or len(self.digits) not in LEVELS:
            raise InvalidCommodityCode(
                _("«%(code)s» no es un código arancelario de 2, 4, 6, 8 o 10 dígitos.")
                % {"code": self.digits}
            )

    @classmethod
    def parse(cls, text: str) -> CommodityCode:
        raw = (text or "").strip()
        if not raw or not _CODE_LIKE.match(raw):
            raise InvalidCommodityCode(
                _("«%(code)s» no es un código arancelario: use solo dígitos y puntos.")
                % {"code": raw}
            )
        return cls(digits_of(raw))

    @classmethod
    def try_parse(cls, text: str) -> CommodityCode | None:
        try:
            return cls.parse(text)
        except InvalidCommodityCode:
            return None

    # --- level and parents -------------------------------------------------
    @property
    def level(self) -> int:
        return len(self.digits)

    @property
    def level_name(self) -> str:
        return str(LEVEL_NAMES[self.level])

    @property
    def is_line(self) -> bool:
        """A 10-digit subpartida nacional: the level that carries rates."""
        return self.level == 10

    @property
    def chapter(self) -> str:
        return self.digits[:2]

    @property
    def heading(self) -> str | None:
        return self.digits[:4] if self.level >= 4 else None

    @property
    def subheading(self) -> str | None:
        return self.digits[:6] if self.level >= 6 else None

    @property
    def nandina(self) -> str | None:
        return self.digits[:8] if self.level >= 8 else None

    @property
    def parent(self) -> CommodityCode | None:
        if self.level == 2:
            return None
        return CommodityCode(self.digits[: self.level - 2])

    @property
    def ancestors(self) -> list[CommodityCode]:
        """From the chapter down to the direct parent."""
        return [CommodityCode(self.digits[:n]) for n in LEVELS if n < self.level]

    def is_ancestor_of(self, other: CommodityCode) -> bool:
        return other.level > self.level and other.digits.startswith(self.digits)

    # --- printing ------------------------------------------------------------
    @property
    def dotted(self) -> str:
        d = self.digits
        if self.level == 2:
            return d
        if self.level == 4:
            return f"{d[:2]}.{d[2:]}"
        parts = [d[:4], d[4:6]] + [d[i : i + 2] for i in range(6, self.level, 2)]
        return ".".join(parts)

    def __str__(self) -> str:
        return self.dotted


def prefix_bounds(digits: str) -> tuple[str, str]:
    """``code >= low AND code < high`` is a prefix match that uses a plain B-tree index."""
    return digits, digits[:-1] + chr(ord(digits[-1]) + 1)
