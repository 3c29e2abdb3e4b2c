"""The shell: main screen (buzón + four menus), menu groups, Guía del uso, Mi menú."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ecuapass.accounts.context import oce_if_held
from ecuapass.notifications.selectors import Mailbox

from . import fragments, services
from .menu import frame_for
from .models import MenuEntry, MenuGroup

HOME_NOTICES = 10


def _back(request, default="portal:home"):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@oce_if_held
def home(request):
    """Main screen: the buzón de notificaciones electrónicas and the four menus."""
    oce = request.oce
    frame = frame_for(request)
    # The latest notices only: no page count to compute over a large mailbox. Read only when
    # their table is not already rendered under the mailboxes' versions (home.html).
    notices = SimpleLazyObject(lambda: Mailbox(request.user, oce)[0:HOME_NOTICES])
    versions = frame.mailbox_versions  # read with the badge
    context = {"notices": notices, "notices_version": versions, "oce": oce}
    # The whole page, once per the frame's versions, the mailboxes' and the badge's count
    # (fragments.page_key): nothing else on it varies.
    key = None
    if frame._unread is not None:
        key = fragments.page_key(request, "portal/home.html", versions, frame.unread_count)
    return fragments.render_page(request, "portal/home.html", context, key)


@oce_if_held
def group(request, group):
    """A top menu opened: its entries in the left menu and as a list."""
    if group not in MenuGroup.values:
        raise Http404
    oce = request.oce
    frame = frame_for(request)
    entries = [e for e in frame.visible if e.group == group]
    return render(
        request,
        "portal/group.html",
        {"group_label": MenuGroup(group).label, "entries": entries, "oce": oce},
    )


def guide(request):
    """Guía del uso: the access procedure in the product's own words (public)."""
    from django.conf import settings
    from django.urls import reverse

    from ecuapass.accounts.lockout import cooloff_minutes

    return render(
        request,
        "portal/guide.html",
        {
            "login_url": reverse("accounts:login"),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": cooloff_minutes(),
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        },
    )


@require_POST
@login_required
def favourite_toggle(request):
    frame = frame_for(request)
    try:
        entry_id = int(request.POST.get("entry", ""))
    except ValueError as exc:
        raise Http404 from exc
    if entry_id not in frame.visible_ids:
        raise Http404
    services.toggle_favourite(request.user, get_object_or_404(MenuEntry, pk=entry_id))
    return _back(request)


@require_POST
@login_required
def favourite_remove(request, pk):
    services.remove_favourite(request.user, pk)
    return _back(request)


@require_POST
@login_required
def favourite_move(request, pk):
    services.move_favourite(request.user, pk, request.POST.get("direction", ""))
    return _back(request)
