"""django-axes hooks: lock on RUC + ID Usuario (+ IP)."""

from __future__ import annotations

from django.shortcuts import render

from .models import UserManager


def axes_username(request, credentials=None) -> str:
    """The key axes counts failures under: ``<ruc>:<id usuario>``."""
    credentials = credentials or {}
    ruc = credentials.get("ruc") or request.POST.get("ruc", "")
    username = credentials.get("username") or request.POST.get("username", "")
    if credentials.get("login_key"):
        return credentials["login_key"]
    return UserManager.make_login_key(ruc or "", username or "")


def lockout_response(request, *args, **kwargs):
    return render(request, "accounts/locked.html", status=403)
