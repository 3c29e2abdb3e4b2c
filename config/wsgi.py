import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from ecuapass.ops import heap  # noqa: E402 - after Django's set-up

heap.settle()
