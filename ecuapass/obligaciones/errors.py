"""What a ledger action raises when it cannot be done (Spanish messages, field named)."""

from __future__ import annotations


class ObligacionError(Exception):
    """Bad input or an action that does not fit the obligation now; nothing was saved.

    ``field``: the form/API field at fault; ``code``: a machine-readable code for the API.
    """

    def __init__(self, message, *, field: str | None = None, code: str = "invalido"):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.code = code
