"""Invalidate the per-user snapshot (accounts.access_cache) when the menu or Mi menú change."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from ecuapass.accounts.access_cache import bump_all, bump_user

from .models import Favourite, GrantedOption, MenuEntry


def _shared(sender, **kwargs):
    bump_all()


def _favourite(sender, instance, **kwargs):
    bump_user(instance.user_id)


for _name, _signal in (("save", post_save), ("delete", post_delete)):
    _signal.connect(_shared, sender=MenuEntry, dispatch_uid=f"access_v_menu_{_name}")
    _signal.connect(_shared, sender=GrantedOption, dispatch_uid=f"access_v_option_{_name}")
    _signal.connect(_favourite, sender=Favourite, dispatch_uid=f"access_v_fav_{_name}")
m2m_changed.connect(_shared, sender=MenuEntry.oce_types.through, dispatch_uid="access_v_menu_types")
