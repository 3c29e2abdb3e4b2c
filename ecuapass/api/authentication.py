"""``Authorization: Token <token>``: the one way an API token is read, and the operators' token.

``TokenAuthentication`` is shared by every kind of token (``api.models.TokenBase``): operators'
(here, scoped to a código de OCE), banks' (``banca.authentication``) and SENAE officers'
(``officers.authentication``). It parses the header, finds the active token by its hash, asks
the subclass whether its owner may still use it, and records its use (at most every 5 minutes).
Each subclass names its model and what it acts as; a token of one kind is not accepted by the
API of another (each looks only in its own table).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ecuapass.accounts.access_cache import snapshot

from . import token_cache
from .models import ApiToken, TokenBase, hash_token

LAST_USED_EVERY = timedelta(minutes=5)


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <token>`` looked up in ``model`` (a ``TokenBase``)."""

    keyword = "Token"
    model: type[TokenBase]
    related: tuple[str, ...] = ()  # select_related of the lookup: what the checks read

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Cabecera Authorization mal formada: use «Token <token>».")
            )
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Token no válido.")) from exc
        token = self.find(hash_token(raw))
        if token is None or not self.usable(token):
            raise exceptions.AuthenticationFailed(_("Token no válido o revocado."))
        self.validate(token)
        self.touch(token)
        return self.user_of(token), token

    def find(self, key_hash: str):
        """The active token of that hash, with what the checks read (or None)."""
        return (
            self.model.objects.active()
            .select_related(*self.related)
            .filter(key_hash=key_hash)
            .first()
        )

    def touch(self, token) -> bool:
        """Record the token's use, at most every ``LAST_USED_EVERY``; True when written."""
        now = timezone.now()
        if token.last_used_on is None or now - token.last_used_on > LAST_USED_EVERY:
            self.model.objects.filter(pk=token.pk).update(last_used_on=now)
            token.last_used_on = now
            return True
        return False

    def usable(self, token) -> bool:
        """The token's owner may still act (else «no válido o revocado»)."""
        return token.user.is_active

    def validate(self, token) -> None:
        """Further checks with their own message (raise ``AuthenticationFailed``)."""

    def user_of(self, token):
        return token.user

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenAuthentication(TokenAuthentication):
    """Operators' tokens: the user acting for one código de OCE.

    The token, its user and código are kept in the cache (``token_cache``) under the user's
    access versions (``accounts.access_cache``), read in the same ``get_many`` as the user's
    access snapshot, which the grant check (``MenuOptionGranted``) then reads from memory:
    authentication, the code's check and the grant's cost one cache read per request.
    Revoking or changing a token, the user, a grant, the code, its registration or operator
    bumps those versions, so it takes effect on the next request.
    """

    model = ApiToken
    related = ("user", "oce_code__registration__oce_type", "oce_code__registration__operator")

    def find(self, key_hash: str):
        return token_cache.find(
            key_hash, lambda: super(ApiTokenAuthentication, self).find(key_hash)
        )

    def validate(self, token) -> None:
        # The code must still be usable by the user (grant withdrawn, operator suspended…):
        # the user's access snapshot for the code (``usable_codes``, cached under versions).
        oce = snapshot(token.user, token.oce_code.code).get("oce")
        if oce is None or oce.pk != token.oce_code_id:
            raise exceptions.AuthenticationFailed(
                _("El código de OCE del token ya no está asignado al usuario.")
            )

    def touch(self, token) -> bool:
        written = super().touch(token)
        if written:
            token_cache.refresh(token)
        return written
