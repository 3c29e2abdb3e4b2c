"""OpenAPI description of the project's authentication (loaded by ApiConfig.ready).

``TokenScheme`` describes any ``Authorization: Token <token>`` authentication
(``api.authentication.TokenAuthentication``); each kind of token names its class, its scheme
and what its tokens are (``banca.schema``, ``officers.schema``).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = None  # matches nothing itself: each kind of token subclasses it
    description = ""

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": self.description,
        }


class ApiTokenScheme(TokenScheme):
    target_class = "ecuapass.api.authentication.ApiTokenAuthentication"
    name = "TokenAuth"
    description = "«Token <token>»: un token creado en el portal (/edocs/tokens/), asociado a un código de OCE."
