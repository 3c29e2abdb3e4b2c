"""At login, decide once whether the new session needs the second factor."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .second_factor import remember_requirement


@receiver(user_logged_in, dispatch_uid="ecuapass_second_factor_at_login")
def on_logged_in(sender, request=None, user=None, **kwargs):
    remember_requirement(request, user)
