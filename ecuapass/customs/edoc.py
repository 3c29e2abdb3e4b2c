"""The DAI as an e-doc type of the engine's registry."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecuapass.edocs import registry

from .rules import DAI_RULES, IMPORTER_TYPE

IMPORTER_TYPES = {IMPORTER_TYPE}


@dataclass
class DaiType(registry.DocumentType):
    def serializer_class(self):
        from .serializers import DaiSerializer

        return DaiSerializer

    def build_from_payload(self, edoc, data):
        from .services import build_dai

        return build_dai(edoc, data)

    def payload_of(self, content):
        from .services import payload_of

        return payload_of(content)

    def party_of(self, content):
        """Who sees the DAI as its owner in 1.3.

        An importer filing for itself owns it. A broker's filing belongs to the
        importer only when the broker acts for it (a valid relation); otherwise
        it stays with the broker alone.
        """
        if content is None:
            return None
        from django.db.models import Q

        from ecuapass.accounts.models import BrokerClient, Operator

        filer = content.edoc.filer_oce.registration
        if filer.oce_type.code in IMPORTER_TYPES:
            return filer.operator
        importer = Operator.objects.filter(ruc=content.importador_ruc).first()
        if importer is None:
            return None
        today = timezone.localdate()
        acts_for = (
            BrokerClient.objects.filter(
                broker_id=filer.operator_id, client=importer, active=True, valid_from__lte=today
            )
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            .exists()
        )
        return importer if acts_for else None

    def reference_of(self, content):
        return content.factura_numero if content else ""

    def before_submit(self, content, *, on):
        from .services import recompute

        recompute(content, on=on)

    def on_accepted(self, edoc, content):
        from .services import assign_number, freeze

        number = assign_number(content, on=timezone.localdate(edoc.sent_on))
        freeze(content)
        return number

    def context(self, content):
        return {"dai": content}


DAI = registry.register(
    DaiType(
        code="DAI",
        name=_("Declaración Aduanera de Importación"),
        operation=registry.Operation.IMPORTACION,
        oce_types=("16", "01"),
        content_model="customs.Dai",
        editor_url="customs:editar",
        create_url="customs:nueva",
        detail_template="customs/dai_detail.html",
        rules=DAI_RULES,
    )
)
