"""Signal receivers: lockout alerts from django-axes; the login time of the session."""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete
from django.dispatch import receiver

from . import access_cache, lockout
from .session_lifetime import stamp_login

user_logged_in.connect(stamp_login, dispatch_uid="ecuapass_session_login_at")
access_cache.connect()  # the per-user snapshot's version keys


@receiver(user_locked_out, dispatch_uid="ecuapass_lockout_alert")
def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    if username:
        lockout.record_lockout(username, ip_address)


@receiver(post_delete, sender=AccessAttempt, dispatch_uid="ecuapass_unlock_alert")
def on_attempt_removed(sender, instance, **kwargs):
    """Axes removes the attempts when the cool-off passes or an officer resets them."""
    if instance.failures_since_start < settings.AXES_FAILURE_LIMIT or not instance.username:
        return
    user = lockout._user_for_key(instance.username)
    if user is not None:
        lockout.release_lockout(user)
