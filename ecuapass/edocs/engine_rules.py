"""Rules every e-doc type shares: the operator phase and the structure check."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecuapass.accounts.context import usable_codes

from .rules import Phase, Rule


class OperadorActivo(Rule):
    code = "OPE-001"
    phase = Phase.OPERADOR
    field = "declarante.codigo_oce"
    message = _("El código de OCE {codigo} no está activo en el registro de operadores.")

    def check(self, ctx):
        oce = ctx.edoc.filer_oce
        if not oce.is_usable:
            yield self.error(codigo=oce.code)


class CodigoOceAsignado(Rule):
    code = "OPE-002"
    phase = Phase.OPERADOR
    field = "declarante.codigo_oce"
    message = _(
        "El código de OCE ingresado no es el correcto: el usuario {usuario} no tiene asignado el código {codigo}."
    )

    def check(self, ctx):
        envio = ctx.edoc.envio
        key = f"usable:{envio.sender_user_id}"  # a sender's usable codes: once per batch
        if key not in ctx.shared:
            ctx.shared[key] = set(usable_codes(envio.sender_user).values_list("pk", flat=True))
        if envio.sender_oce_id not in ctx.shared[key]:
            yield self.error(usuario=envio.sender_user.username, codigo=envio.sender_oce.code)


class TipoOcePuedeDeclarar(Rule):
    code = "OPE-003"
    phase = Phase.OPERADOR
    field = "tipo_documento"
    message = _("El tipo de OCE {tipo} no puede transmitir {documento}.")

    def check(self, ctx):
        oce_type = ctx.edoc.filer_oce.registration.oce_type
        if not ctx.doc_type.may_file(oce_type):
            yield self.error(tipo=oce_type.name, documento=ctx.doc_type.title)


class EstructuraDelDocumento(Rule):
    """The payload as sent must pass the type's serializer (the e-doc schema). An envío whose
    payload passed it when received (``Envio.schema_checked``, the API) is not checked again."""

    code = "DOC-001"
    phase = Phase.DOCUMENTO
    field = ""
    message = _("{detalle}")

    def check(self, ctx):
        if ctx.edoc.envio.schema_checked:
            return
        serializer = ctx.doc_type.serializer_class()(data=ctx.edoc.envio.payload)
        if serializer.is_valid():
            return
        for field, message in flatten_errors(serializer.errors):
            yield self.error(field=field, detalle=message)


def flatten_errors(errors, prefix: str = ""):
    """DRF error trees → (dotted field, message) pairs."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = (
                prefix if key == "non_field_errors" else (f"{prefix}.{key}" if prefix else str(key))
            )
            yield from flatten_errors(value, name)
    elif isinstance(errors, list):
        if all(not isinstance(e, dict | list) for e in errors):
            for e in errors:
                yield prefix, str(e)
        else:
            for i, e in enumerate(errors, start=1):
                if e:
                    yield from flatten_errors(e, f"{prefix}[{i}]")
    else:
        yield prefix, str(errors)


ENGINE_RULES = [OperadorActivo, CodigoOceAsignado, TipoOcePuedeDeclarar, EstructuraDelDocumento]
