from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ecuapass.accounts"
    label = "accounts"
    verbose_name = _("Operadores y usuarios")

    def ready(self):
        from . import signals  # noqa: F401 - connect receivers


class BackOfficeAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the back office's site (OTP-gated, accounts.admin_site)."""

    default = False  # named in INSTALLED_APPS; "ecuapass.accounts" stays AccountsConfig
    default_site = "ecuapass.accounts.admin_site.BackOfficeSite"
