"""Spanish first: the language is Spanish unless the user chose another one."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
