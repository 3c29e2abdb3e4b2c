from ecuapass.edocs.tests.fixtures import *  # noqa: F401,F403
