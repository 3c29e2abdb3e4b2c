"""The engine's validation rules of the three request types (``checks`` holds the conditions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecuapass.edocs.rules import Phase, Rule

from . import changes, checks, kinds


class DaiReferida(Rule):
    """The DAI must exist among the documents the filing código de OCE sees."""

    code = "SOL-001"
    phase = Phase.DOCUMENTO
    field = "declaracion.numero_documento"
    message = _("La declaración {ref} no existe o no es visible para el código de OCE {codigo}.")

    def check(self, ctx):
        if ctx.content.dai_id is None:
            yield self.error(ref=ctx.content.dai_referencia, codigo=ctx.edoc.filer_oce.code)


class DeclaranteOTitular(Rule):
    """Only the DAI's filer, or a code of its party (the importer), files a request on it."""

    code = "SOL-002"
    field = "declaracion.numero_documento"
    message = _(
        "El código de OCE {codigo} no es el declarante de la DAI {ref} ni su titular: no puede "
        "presentar solicitudes sobre ella."
    )

    def check(self, ctx):
        dai = ctx.content.dai
        if dai is not None and not checks.may_file_for(ctx.edoc.filer_oce, dai):
            yield self.error(codigo=ctx.edoc.filer_oce.code, ref=ctx.content.dai_referencia)


class EstadoDeLaDai(Rule):
    """The DAI's state admits this kind of request now (before cierre, after levante…)."""

    code = "SOL-003"
    field = "declaracion.numero_documento"
    message = _("{detalle}")

    def check(self, ctx):
        dai = ctx.content.dai
        if dai is None:
            return
        refused = checks.refusal(ctx.doc_type.code, dai)
        if refused:
            yield self.error(detalle=refused)


class UnaSolicitudALaVez(Rule):
    code = "SOL-004"
    field = "declaracion.numero_documento"
    message = _(
        "La declaración {ref} ya tiene una solicitud pendiente de decisión (entrega {entrega})."
    )

    def check(self, ctx):
        dai = ctx.content.dai
        if dai is None:
            return
        other = checks.pending(dai, exclude=ctx.edoc).order_by("sent_on", "pk").first()
        if other is not None and (other.sent_on, other.pk) < (ctx.edoc.sent_on, ctx.edoc.pk):
            yield self.error(ref=ctx.content.dai_referencia, entrega=other.numero_entrega)


class CambiosValidos(Rule):
    """The corrected declaration is a valid DAI: its shapes and the DAI's own rules."""

    code = "SOL-005"
    message = _("{detalle}")

    def check(self, ctx):
        solicitud = ctx.content
        dai_edoc = solicitud.dai
        if dai_edoc is None or not kinds.kind_of(ctx.doc_type.code).with_changes:
            return
        try:
            changes.validate(dai_edoc.content, solicitud.cabecera, solicitud.items)
        except changes.ChangeError as exc:
            for field, message in exc.errors:
                yield self.error(field=field, detalle=message)


RULES = [DaiReferida, DeclaranteOTitular, EstadoDeLaDai, UnaSolicitudALaVez, CambiosValidos]
