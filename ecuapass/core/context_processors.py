from django.conf import settings


def frame(request):
    """What the page frame needs on every screen."""
    return {
        "product_name": "ECUAPASS",
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
    }
