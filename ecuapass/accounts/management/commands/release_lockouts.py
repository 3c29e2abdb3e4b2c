from django.core.management.base import BaseCommand

from ecuapass.accounts.lockout import release_expired_lockouts


class Command(BaseCommand):
    help = "Libera los bloqueos cuyo tiempo de espera terminó y envía la ALERTA DE DESBLOQUEO."

    def handle(self, *args, **options):
        n = release_expired_lockouts()
        self.stdout.write(f"{n} bloqueos liberados")
