from ecuapass.despacho.tests.fixtures import *  # noqa: F401,F403
from ecuapass.obligaciones.tests.fixtures import *  # noqa: F401,F403

from .fixtures import *  # noqa: F401,F403
