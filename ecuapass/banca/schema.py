"""OpenAPI description of the banks' token (loaded by BancaConfig.ready)."""

from ecuapass.api.schema import TokenScheme


class BancaTokenScheme(TokenScheme):
    target_class = "ecuapass.banca.authentication.BancaTokenAuthentication"
    name = "BancaTokenAuth"
    description = (
        "«Token <token>»: un token de una entidad financiera emitido a uno de sus usuarios; "
        "consulta y recauda obligaciones, reversa sus pagos del día."
    )
