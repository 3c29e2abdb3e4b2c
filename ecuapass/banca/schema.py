"""OpenAPI description of the banks' token (loaded by BancaConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BancaTokenScheme(OpenApiAuthenticationExtension):
    target_class = "ecuapass.banca.authentication.BancaTokenAuthentication"
    name = "BancaTokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "«Token <token>»: un token de una entidad financiera emitido a uno de "
            "sus usuarios; consulta y recauda obligaciones, reversa sus pagos del día.",
        }
