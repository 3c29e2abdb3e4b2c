"""OpenAPI description of the agencies' systems' token (loaded by VueConfig.ready)."""

from ecuapass.api.schema import TokenScheme


class FuncionarioTokenScheme(TokenScheme):
    target_class = "ecuapass.vue.authentication.FuncionarioTokenAuthentication"
    name = "EntidadTokenAuth"
    description = (
        "«Token <token>»: un token del sistema de una entidad de control emitido a uno de sus "
        "funcionarios (manage.py create_vue_token); actúa con su entidad y su rol."
    )
