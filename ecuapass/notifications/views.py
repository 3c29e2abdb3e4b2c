"""Buzón Electrónico: the inbox (Consultar) and one message."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render

from ecuapass.accounts.context import oce_if_held

from .forms import InboxFilterForm
from .selectors import get_visible_notice, inbox_page
from .services import mark_read


@oce_if_held
def inbox(request):
    oce = request.oce
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = inbox_page(request.user, oce, filters, request.GET.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/inbox.html",
        {"form": form, "page": page, "oce": oce, "query": query.urlencode()},
    )


@oce_if_held
def detail(request, pk: int):
    notice = get_visible_notice(request.user, request.oce, pk)
    if notice is None:
        raise Http404
    mark_read(notice, request.user)
    return render(request, "notifications/detail.html", {"notice": notice})


@oce_if_held
def attachment(request, pk: int, attachment_id: int):
    notice = get_visible_notice(request.user, request.oce, pk)
    if notice is None:
        raise Http404
    item = next((a for a in notice.attachments.all() if a.pk == attachment_id), None)
    if item is None:
        raise Http404
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )
