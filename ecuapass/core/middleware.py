"""Spanish first: the language is Spanish unless the user chose another one; NUL in paths
refused; django-csp's header built once; the message storage built on first use."""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.functional import SimpleLazyObject, empty

FALLBACK_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but the browser's Accept-Language is not
    consulted: a customs portal of Ecuador speaks Spanish until the user picks
    English with the language switch (stored in the language cookie)."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulMiddleware:
    """400 for a NUL byte in the path (PostgreSQL text cannot hold one, so a lookup by a
    ``<str:…>`` route parameter would end in a server error). Query strings are left to the
    forms, whose fields reject NUL with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            from .views import error_400

            return error_400(request)
        return self.get_response(request)


# The response attributes django-csp's decorators set: a policy of the response's own.
_OWN_POLICY = tuple(
    f"_csp_{part}{ro}" for part in ("config", "update", "replace") for ro in ("", "_ro")
)
_built: dict = {}  # "headers": [(header, policy text, exempt attribute, excluded prefixes)]


def _headers_from_settings() -> list:
    headers = _built.get("headers")
    if headers is None:  # built whole, then published: a concurrent request sees all or none
        headers = []
        for header, name, exempt, report_only in (
            (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
            (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
        ):
            policy = getattr(settings, name, None) or {}
            prefixes = tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())
            text = build_policy(report_only=report_only)
            headers.append((header, text, exempt, prefixes))
        _built["headers"] = headers
    return headers


@receiver(setting_changed)
def _policy_changed(setting, **kwargs):
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _built.clear()


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's, with the headers of a response that brings no policy of its own (no
    ``csp_update``/``csp_replace``/``csp_override`` on its view, no nonce used) built once per
    process from the settings, by django-csp's own ``build_policy``, instead of for every
    response (issue 16: two ``asdict`` and two builds, ~30 us per response). The headers are
    set on the same conditions as django-csp's (exempt, already set, excluded prefix, DEBUG
    error pages); any other response is django-csp's own code."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _OWN_POLICY
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for header, text, exempt, prefixes in _headers_from_settings():
            if (
                text
                and getattr(response, exempt, False) is False
                and header not in response
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = text
        # As django-csp: a nonce asked for after the header was written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


def may_hold_messages(request) -> bool:
    """Whether ``request`` may have messages to show, without building the message storage
    when it is still unbuilt: then its messages can only come from where Django's
    ``FallbackStorage`` reads them — the messages cookie and the session's ``_messages`` — and
    when neither is there it holds none (the main screen's kept page, issue 16). A storage
    built already (a message added or read) or another ``MESSAGE_STORAGE``: asked itself."""
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    if (
        isinstance(storage, SimpleLazyObject)
        and storage._wrapped is empty
        and settings.MESSAGE_STORAGE == FALLBACK_STORAGE
    ):
        if CookieStorage.cookie_name in request.COOKIES:
            return True
        session = getattr(request, "session", None)
        return session is not None and SessionStorage.session_key in session
    return bool(len(storage))


class LazyMessageMiddleware(MessageMiddleware):
    """Django's, with ``request._messages`` (the MESSAGE_STORAGE) built on first use: a request
    that neither adds nor reads a message (every API call, most POSTs) no longer builds it
    (the cookie signer and the fallback's two storages: ~25 us per request, issue 16). A
    storage never used has nothing to store (``update`` writes only used or added messages),
    so its response is left as Django's left it."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:
            return response
        return super().process_response(request, response)
