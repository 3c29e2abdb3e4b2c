"""The frame's fragments rendered once and reused: ``{% frame_fragment %}`` (ADR 0019).

The header's tools, the top and left menus, Mi menú and the main screen's menu panels are
the same on every request of one user acting as one código de OCE, in one language, until
a grant, the menu, Mi menú or the user change — which is exactly what the access snapshot's
versions (``accounts.access_cache``) already say. Their rendered HTML is kept in this
process's memory under a key made of:

* the fragment's name and its template,
* the user, the active código de OCE, the language,
* the snapshot's versions (global and per user: any grant, menu, Mi menú or user change
  gives a new key, so the next request renders afresh),
* the values the fragment names (``vary on``): the unread badge's count, the open menu
  group, the current screen.

Two things differ on every request and are never stored: the CSRF token and the page's own
path (the ``next`` of the frame's forms). The fragment is rendered with markers in their
place, and the markers are replaced with this request's values on every use. Entries live
at most ``access_cache.TTL`` seconds (the bound the snapshot itself has for changes made
behind the ORM's back), and at most ``MAX_ENTRIES`` are kept (least recently used first out).
An anonymous visitor's frame (the public entries) is kept under the shared version alone.
"""

from __future__ import annotations

import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ecuapass.accounts.access_cache import TTL
from ecuapass.core.middleware import may_hold_messages
from ecuapass.core.process_cache import ProcessCache

MAX_ENTRIES = 4096
# Plain ASCII with no character HTML escaping would change: they survive rendering as written.
CSRF_MARK = "__ecuapass_frame_csrf__"
NEXT_MARK = "__ecuapass_frame_next__"


# The kept page's CSRF token, as django.middleware.csrf.get_token makes it (same secret, same
# masking, same cookie flags) with its random characters drawn from os.urandom in one call:
# get_token draws each of its 32 characters (64 when the secret is new) through
# secrets.choice, about a tenth of a steady main screen's CPU. Bytes 248-255 are dropped
# (248 = 4 x 62): each character stays uniform over the 62 allowed, as with secrets.choice.
_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}
_TO_CHARS = bytes(ord(CSRF_ALLOWED_CHARS[b % 62]) if b < 248 else 0 for b in range(256))
_DROPPED = bytes(range(248, 256))


def _random_chars(n: int) -> str:
    out = b""
    while len(out) < n:
        out += os.urandom(n + 8).translate(_TO_CHARS, _DROPPED)
    return out[:n].decode()


def csrf_token(request) -> str:
    """``django.middleware.csrf.get_token(request)``: this request's masked token (a new
    secret in ``META`` to be set as the cookie when there is none yet, as Django does)."""
    meta = request.META
    secret = meta.get("CSRF_COOKIE")
    if secret is None:  # django.middleware.csrf._add_new_csrf_cookie
        secret = _random_chars(CSRF_SECRET_LENGTH)
        meta["CSRF_COOKIE"] = secret
    elif len(secret) != CSRF_SECRET_LENGTH or not all(c in _INDEX for c in secret):
        return get_token(request)  # not produced by CsrfViewMiddleware: Django's own path
    meta["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_chars(CSRF_SECRET_LENGTH)
    chars, index = CSRF_ALLOWED_CHARS, _INDEX
    return mask + "".join(
        [chars[(index[s] + index[m]) % 62] for s, m in zip(secret, mask, strict=True)]
    )


store = ProcessCache(MAX_ENTRIES, TTL)  # rendered fragments


def fragment_key(frame, name: str, vary_on: tuple):
    """The key of fragment ``name`` for this request, or None when it must not be cached."""
    version = frame.version
    if version is None:  # the cache could not be read
        return None
    user = frame.user
    if not getattr(user, "is_authenticated", False):
        return (name, None, "", get_language(), version, *vary_on)
    oce = frame.oce
    code = oce.code if oce is not None else ""
    return (name, user.pk, code, get_language(), version, *vary_on)


def render(nodelist, context, name: str, vary_on: tuple) -> str:
    """Render ``nodelist`` (a fragment of the frame) from the store, or once and keep it."""
    from .menu import frame_for

    request = context.get("request")
    frame = frame_for(request) if request is not None else None
    key = fragment_key(frame, name, vary_on) if frame is not None else None
    return render_keyed(nodelist, context, key)


def form_key(form, name) -> tuple | None:
    """The key of a filter form's rendering: its class, the data of its own fields, the
    language. Only for forms whose fields, choices and initial values are the same for every
    user (the caller's promise): what it shows then follows from its data alone."""
    if form is None or not hasattr(form, "fields"):
        return None
    data = ()
    if form.is_bound:
        getlist = getattr(form.data, "getlist", None)
        data = tuple(
            (field, tuple(getlist(key)) if getlist else form.data.get(key))
            for field in form.fields
            for key in (form.add_prefix(field),)
        )
    return ("form", name, type(form).__qualname__, get_language(), form.is_bound, data)


def shared_key(template_name: str, name: str, vary_on: tuple) -> tuple:
    """A fragment that is the same for every user: language and the named values only."""
    return ("shared", template_name, name, get_language(), *vary_on)


def render_keyed(nodelist, context, key) -> str:
    request = context.get("request")
    if key is None:
        return _render_now(nodelist, context, request)
    html = store.get(key)
    if html is None:
        with context.push(csrf_token=CSRF_MARK, next_path=NEXT_MARK):
            html = str(nodelist.render(context))
        store.set(key, html)
    if CSRF_MARK in html:
        csrf = context.get("csrf_token")
        csrf = str(csrf) if csrf is not None else ""
        if csrf in ("", "NOTPROVIDED"):  # no CSRF context: render as the tag would, fully
            return _render_now(nodelist, context, request)
        html = html.replace(CSRF_MARK, escape(csrf))
    if NEXT_MARK in html:
        html = html.replace(NEXT_MARK, escape(request.get_full_path()))
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there


def _render_now(nodelist, context, request) -> str:
    with context.push(next_path=request.get_full_path() if request is not None else ""):
        return nodelist.render(context)


# --- whole pages: the main screen ---------------------------------------------------------
# A page made only of the frame's fragments and of parts kept under versions (the main screen:
# its latest notices under the mailboxes' versions) is kept whole, under the union of their
# keys, so a steady request renders no template at all. Pages are larger than fragments:
# fewer are kept.
pages = ProcessCache(1024, TTL)  # pages kept whole


def page_key(request, template_name: str, *vary_on, query: bool = False) -> tuple | None:
    """The key of ``template_name`` rendered whole for this request, or None when it must be
    rendered: not a GET, a query string (unless ``query``: then it is part of the key), a
    message waiting to be shown, or the cache's versions unreadable. ``vary_on`` names what
    the page shows beyond the frame's fragments."""
    from django.conf import settings

    from .menu import frame_for

    if request.method != "GET" or (request.META.get("QUERY_STRING") and not query):
        return None
    if may_hold_messages(request):
        return None
    frame = frame_for(request)
    if frame.version is None or not getattr(frame.user, "is_authenticated", False):
        return None
    oce = frame.oce
    return (
        "page",
        template_name,
        frame.user.pk,
        oce.code if oce is not None else "",
        get_language(),
        frame.version,
        settings.SESSION_COOKIE_AGE,
        settings.SESSION_IDLE_WARNING_SECONDS,
        request.META.get("QUERY_STRING", ""),
        *vary_on,
    )


def render_page(request, template_name: str, context, key, ttl: float | None = None):
    """``render()``, or the page kept under ``key`` with this request's CSRF token and path.
    ``context``: a dict, or a callable returning it (then only called when rendering)."""
    from django.http import HttpResponse
    from django.shortcuts import render as render_now
    from django.template.loader import render_to_string

    if key is None:
        return render_now(request, template_name, context() if callable(context) else context)
    html = pages.get(key)
    if html is None:
        context = context() if callable(context) else context
        html = render_to_string(template_name, {**context, "csrf_token": CSRF_MARK}, request)
        pages.set(key, html, ttl)
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, csrf_token(request))  # letters and digits only
    if NEXT_MARK in html:
        html = html.replace(NEXT_MARK, escape(request.get_full_path()))
    return HttpResponse(html)
