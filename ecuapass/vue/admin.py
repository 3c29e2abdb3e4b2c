from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from simple_history.admin import SimpleHistoryAdmin

from ecuapass.api.admin import IssuedTokenAdmin

from .models import DocumentoEmitido, Entidad, Funcionario, FuncionarioToken, TipoDocumento
from .schema import check_schema


@admin.register(Entidad)
class EntidadAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "ruc", "active")


@admin.register(Funcionario)
class FuncionarioAdmin(SimpleHistoryAdmin):
    list_display = ("user", "entidad", "rol", "active")
    list_filter = ("entidad", "rol", "active")
    raw_id_fields = ("user",)


class TipoForm(ModelForm):
    class Meta:
        model = TipoDocumento
        fields = [
            f.name
            for f in TipoDocumento._meta.fields
            if f.editable and f.name not in ("id", "created_on", "modified_on")
        ]

    def clean_campos(self):
        campos = self.cleaned_data["campos"]
        try:
            check_schema(campos)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return campos


@admin.register(TipoDocumento)
class TipoDocumentoAdmin(SimpleHistoryAdmin):
    form = TipoForm
    list_display = ("code", "entidad", "name", "operacion", "tasa", "active")
    list_filter = ("entidad", "operacion", "active")


@admin.register(DocumentoEmitido)
class DocumentoEmitidoAdmin(admin.ModelAdmin):
    list_display = ("numero", "tipo", "titular", "valido_desde", "valido_hasta", "estado")
    list_filter = ("estado", "tipo__entidad")
    search_fields = ("numero", "titular__ruc")
    readonly_fields = ("codigo_verificacion",)


@admin.register(FuncionarioToken)
class FuncionarioTokenAdmin(IssuedTokenAdmin):
    """Issued with ``manage.py create_vue_token`` (the value shows once); revoked here."""

    owner = "funcionario"
    owner_path = "funcionario__user"
    owner_related = ("funcionario__entidad",)
