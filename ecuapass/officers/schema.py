"""OpenAPI description of the officers' token (loaded by OfficersConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class OfficerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "ecuapass.officers.authentication.OfficerTokenAuthentication"
    name = "OfficerTokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "«Token <token>»: un token de sistema de SENAE emitido a un funcionario "
            "(manage.py create_officer_token); actúa con sus roles y distritos.",
        }
