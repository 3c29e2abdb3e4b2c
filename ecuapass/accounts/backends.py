"""Authenticate with RUC + ID Usuario + Contraseña."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from .models import User, UserManager


class RucUserBackend(ModelBackend):
    """``authenticate(request, ruc=…, username=…, password=…)``.

    Runs the password hasher even when the user does not exist, so timing does
    not tell whether a RUC or ID Usuario exists.
    """

    def authenticate(self, request, ruc=None, username=None, password=None, **kwargs):
        if ruc is None or username is None or password is None:
            return None
        key = UserManager.make_login_key(ruc, username)
        try:
            user = User.objects.select_related("operator").get(login_key=key)
        except User.DoesNotExist:
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.state != User.State.ACTIVE:
                return None
            if user.operator_id and not user.operator.is_active:
                return None
            return user
        return None

    def get_user(self, user_id):
        """The user row read together with the session (``accounts.sessions``) when there is
        one, else ``ModelBackend``'s query; the same ``user_can_authenticate`` either way."""
        from .sessions import _MISSING, loaded_user

        user = loaded_user(user_id)
        if user is _MISSING:
            return super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
