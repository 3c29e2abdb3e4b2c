"""OpenAPI description of the officers' token (loaded by OfficersConfig.ready)."""

from ecuapass.api.schema import TokenScheme


class OfficerTokenScheme(TokenScheme):
    target_class = "ecuapass.officers.authentication.OfficerTokenAuthentication"
    name = "OfficerTokenAuth"
    description = (
        "«Token <token>»: un token de sistema de SENAE emitido a un funcionario "
        "(manage.py create_officer_token); actúa con sus roles y distritos."
    )
