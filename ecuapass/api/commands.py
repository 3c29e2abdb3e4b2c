"""``IssueTokenCommand``: the management command that issues a system's token to a staff member
(an officer of SENAE, a control agency's funcionario) found by RUC and ID Usuario, and prints its
value once. Each kind names whom it looks for and how its token is issued."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ecuapass.accounts.models import UserManager


class IssueTokenCommand(BaseCommand):
    default_ruc: str | None = None  # None: --ruc is required
    staff = ""  # what the staff member is, for the refusal ("un funcionario aduanero activo")

    def add_arguments(self, parser):
        parser.add_argument("--usuario", required=True, help="ID Usuario del funcionario")
        parser.add_argument(
            "--ruc",
            required=self.default_ruc is None,
            default=self.default_ruc,
            help="RUC de ingreso",
        )
        parser.add_argument("--nombre", default="sistema", help="nombre del sistema que lo usa")

    def handle(self, *args, usuario, ruc, nombre, **options):
        owner = self.find(UserManager.make_login_key(ruc, usuario))
        if owner is None:
            raise CommandError(f"{ruc} / {usuario}: no es {self.staff}.")
        _token, raw = self.issue(owner, nombre)
        self.stdout.write(raw)

    def find(self, login_key: str):
        """The active staff member who signs in with ``login_key``, or None."""
        raise NotImplementedError

    def issue(self, owner, name: str):
        """(token, raw value) issued to ``owner``."""
        raise NotImplementedError
