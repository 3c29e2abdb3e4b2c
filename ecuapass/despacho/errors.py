"""What a despacho action raises when it cannot be done (Spanish messages, field named)."""

from __future__ import annotations


class DespachoError(Exception):
    """Bad input or an action that does not fit the trámite now; nothing was saved.

    ``field``: the form/API field at fault (None for the action as a whole).
    """

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class NotYourCase(DespachoError):
    """The officer may see the trámite but not act on it (not its técnico, not the role)."""


class WrongState(DespachoError):
    """The document or the case is not in a state where the action fits (the API's 409)."""
