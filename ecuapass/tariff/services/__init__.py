"""Tariff services shared by the portal, the API, the admin and the import declaration.

Public interface::

    from ecuapass.tariff.services import (
        ItemInput, ItemResult, Calculation, calculate, TariffError,
        line_in_force, lines_in_force, line_sheet, search,
    )
"""

from .calculator import AMOUNT_KEYS, Calculation, ItemInput, ItemResult, TariffError, calculate
from .lookup import line_in_force, line_sheet, lines_in_force, rules_in_force
from .search import SearchResults, search

__all__ = [
    "AMOUNT_KEYS",
    "Calculation",
    "ItemInput",
    "ItemResult",
    "SearchResults",
    "TariffError",
    "calculate",
    "line_in_force",
    "line_sheet",
    "lines_in_force",
    "rules_in_force",
    "search",
]
