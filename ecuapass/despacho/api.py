"""Despacho API: the operator's answers under /api/v1/despacho/, the officers' actions under
/api/v1/interno/ (for SENAE's own systems), each a call to the same ``services`` as the portal.

Errors are JSON: 400 ``invalid`` with the field at fault, 403 when the caller may not act, 404
for a document out of scope, 409 ``conflict`` when the document's state does not allow it.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ecuapass.api.pagination import CappedCountPagination
from ecuapass.api.parsers import SafeJSONParser
from ecuapass.api.permissions import MenuOptionGranted
from ecuapass.core.client_ip import client_ip
from ecuapass.edocs.access import SENT_OPTION, visible_documents
from ecuapass.edocs.lifecycle import TransitionNotAllowed
from ecuapass.officers.access import OfficerAPIMixin, audit
from ecuapass.officers.roles import Role

from . import files, selectors, services
from . import serializers as s
from .errors import DespachoError, NotYourCase, WrongState
from .models import AforoCase, TipoDocumentoSoporte

TECNICO = (Role.TECNICO,)
VIEWERS = (Role.TECNICO, Role.SUPERVISOR, Role.ADMIN)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "El estado del documento no permite la acción."


class DespachoErrors:
    """Turns the services' refusals into the API's JSON errors."""

    def handle_exception(self, exc):
        if isinstance(exc, NotYourCase):
            exc = exceptions.PermissionDenied(exc.message)
        elif isinstance(exc, WrongState):
            exc = Conflict(exc.message)
        elif isinstance(exc, DespachoError):
            exc = exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]})
        elif isinstance(exc, TransitionNotAllowed):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)


def _valid(serializer_class, request, **kwargs):
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _ip(request):
    import ipaddress

    address = client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


# --- the operator (menu option 1.3, the document's scope) -------------------------------------------
class OperatorView(DespachoErrors, APIView):
    permission_classes = [MenuOptionGranted]
    menu_options = {"GET": (SENT_OPTION,), "POST": (SENT_OPTION,)}

    def case(self, numero_entrega: str) -> AforoCase:
        edoc = get_object_or_404(
            visible_documents(self.request.oce).exclude(estado_documento="borrador"),
            numero_entrega=numero_entrega,
        )
        return get_object_or_404(selectors.case_prefetched(AforoCase.objects.all()), edoc=edoc)

    def aforo(self, case):
        case = selectors.case_prefetched(AforoCase.objects.all()).get(pk=case.pk)
        timeline = selectors.timeline(
            case,
            selectors.history_of(case.edoc),
            for_officer=False,
            show_names=settings.ECUAPASS_OPERATORS_SEE_OFFICER_NAMES,
        )
        return s.AforoSerializer(case, context={"timeline": timeline}).data


class AforoView(OperatorView):
    @extend_schema(
        operation_id="despacho_aforo",
        summary="El aforo de una declaración",
        responses=s.AforoSerializer,
    )
    def get(self, request, numero_entrega: str):
        return Response(self.aforo(self.case(numero_entrega)))


class SubirView(OperatorView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="despacho_subir_documento",
        summary="Entregar un documento de soporte solicitado",
        request={"multipart/form-data": s.ArchivoInputSerializer},
        responses={201: s.ArchivoSerializer},
    )
    def post(self, request, numero_entrega: str, solicitud: int):
        case = self.case(numero_entrega)
        req = get_object_or_404(case.requests.all(), pk=solicitud)
        data = _valid(s.ArchivoInputSerializer, request)
        attachment = services.upload_document(
            req, data["archivo"], user=request.user, oce=request.oce, ip=_ip(request)
        )
        return Response(s.ArchivoSerializer(attachment).data, status=status.HTTP_201_CREATED)


class ResponderView(OperatorView):
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="despacho_responder_observacion",
        summary="Responder una observación del aforo (con adjunto opcional)",
        request={
            "application/json": s.RespuestaObservacionSerializer,
            "multipart/form-data": s.RespuestaObservacionSerializer,
        },
        responses=s.ObservacionSerializer,
    )
    def post(self, request, numero_entrega: str, observacion: int):
        case = self.case(numero_entrega)
        obs = get_object_or_404(case.observations.all(), pk=observacion)
        data = _valid(s.RespuestaObservacionSerializer, request)
        upload = data.get("archivo")
        obs = services.answer_observation(
            obs,
            data["respuesta"],
            [upload] if upload else [],
            user=request.user,
            oce=request.oce,
            ip=_ip(request),
        )
        return Response(s.ObservacionSerializer(obs).data)


class CorreccionView(OperatorView):
    @extend_schema(
        operation_id="despacho_responder_correccion",
        summary="Aceptar o impugnar una corrección propuesta",
        request=s.RespuestaCorreccionSerializer,
        responses=s.CorreccionSerializer,
    )
    def post(self, request, numero_entrega: str, correccion: int):
        case = self.case(numero_entrega)
        correction = get_object_or_404(case.corrections.all(), pk=correccion)
        data = _valid(s.RespuestaCorreccionSerializer, request)
        correction = services.respond_correction(
            correction,
            accept=data["decision"] == "aceptar",
            response=data["motivo"],
            user=request.user,
            oce=request.oce,
            ip=_ip(request),
        )
        return Response(s.CorreccionSerializer(correction).data)


class ArchivoView(OperatorView):
    @extend_schema(
        operation_id="despacho_archivo",
        summary="Descargar un archivo del trámite",
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request, numero_entrega: str, archivo: int):
        case = self.case(numero_entrega)
        return files.response(get_object_or_404(case.attachments.all(), pk=archivo))


# --- the officers (/api/v1/interno/) ----------------------------------------------------------------
class Pagination(CappedCountPagination):
    max_page_size = 200


class OfficerView(DespachoErrors, OfficerAPIMixin, APIView):
    def case(self, numero_entrega: str) -> AforoCase:
        return get_object_or_404(
            selectors.case_prefetched(selectors.officer_cases(self.request.officer)),
            edoc__numero_entrega=numero_entrega,
        )

    def tramite(self, case):
        officer = self.request.officer
        case = selectors.case_prefetched(AforoCase.objects.all()).get(pk=case.pk)
        timeline = selectors.timeline(
            case, selectors.history_of(case.edoc), for_officer=True, show_names=True
        )
        return s.TramiteSerializer(
            case, context={"timeline": timeline, "acciones": available_actions(case, officer)}
        ).data


def available_actions(case, officer) -> list[str]:
    """What the calling officer may do on the case now (API discovery)."""
    actions = []
    state = case.edoc.estado_documento
    if case.tecnico_id == officer.pk and officer.may_act_as(Role.TECNICO, case.distrito):
        if state == services.CANAL_ASIGNADO:
            actions.append("iniciar")
        elif state == services.EN_AFORO:
            actions += ["solicitudes", "observaciones", "correcciones", "cierre"]
            if case.canal in services.FISICOS:
                actions.append("inspecciones")
    if case.is_open and services.may_supervise(officer, case.distrito):
        actions.append("asignacion")
    return actions


class BandejaView(OfficerView):
    officer_roles = {"GET": VIEWERS}

    @extend_schema(
        operation_id="interno_bandeja",
        summary="Bandeja de trámites de aforo",
        parameters=[
            OpenApiParameter("vista", str, enum=["mios", "distrito", "sin_asignar"]),
            OpenApiParameter("estado", str, enum=["abiertos", "vencidos", "cerrados", "todos"]),
            OpenApiParameter("canal", str, enum=[c for c, _label in s.CANALES]),
            OpenApiParameter("distrito", str),
        ],
        responses=s.TramiteResumenSerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        vista = params.get("vista") or "mios"
        estado = params.get("estado") or "abiertos"
        canal = params.get("canal") or ""
        errors = {}
        if vista not in ("mios", "distrito", "sin_asignar"):
            errors["vista"] = ["mios, distrito o sin_asignar."]
        if estado not in ("abiertos", "vencidos", "cerrados", "todos"):
            errors["estado"] = ["abiertos, vencidos, cerrados o todos."]
        if canal and canal not in dict(s.CANALES):
            errors["canal"] = ["Canal de aforo desconocido."]
        if errors:
            raise exceptions.ValidationError(errors)
        qs = selectors.bandeja(
            request.officer,
            vista=vista,
            estado=estado,
            canal=canal,
            distrito=(params.get("distrito") or "")[:3],
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(s.TramiteResumenSerializer(page, many=True).data)


class TramiteView(OfficerView):
    officer_roles = {"GET": VIEWERS}

    @extend_schema(
        operation_id="interno_tramite", summary="Un trámite de aforo", responses=s.TramiteSerializer
    )
    def get(self, request, numero_entrega: str):
        return Response(self.tramite(self.case(numero_entrega)))


def _action(name, summary, input_serializer, handler, roles=TECNICO):
    """A POST endpoint of the officers: validate, call the service, answer the trámite."""

    class ActionView(OfficerView):
        officer_roles = {"POST": roles}

        @extend_schema(
            operation_id=f"interno_tramite_{name}",
            summary=summary,
            request=input_serializer,
            responses=s.TramiteSerializer,
        )
        def post(self, request, numero_entrega: str, pk: int | None = None):
            case = self.case(numero_entrega)
            data = _valid(input_serializer, request) if input_serializer else {}
            handler(case, data, request.officer, audit(request)["ip"], pk)
            return Response(self.tramite(case))

    ActionView.__name__ = ActionView.__qualname__ = f"{name.title()}View"
    return ActionView.as_view()


def _tipos(codes):
    tipos = list(TipoDocumentoSoporte.objects.active().filter(code__in=codes))
    missing = sorted(set(codes) - {t.code for t in tipos})
    if missing:
        raise DespachoError(
            _("Documentos de soporte desconocidos: %(codes)s.")
            % {"codes": ", ".join(m[:16] for m in missing)},
            field="documentos",
        )
    return tipos


def _deposito(code):
    if not code:
        return None
    from ecuapass.accounts.models import OceCode

    oce = OceCode.objects.select_related("registration__oce_type").filter(code=code).first()
    if oce is None:
        raise DespachoError(
            _("No existe el código de OCE %(code)s.") % {"code": code[:20]}, field="deposito"
        )
    return oce


def _tecnico(username, distrito):
    from ecuapass.officers.services import officers_for

    return officers_for(distrito, Role.TECNICO).filter(user__username=username).first()


iniciar = _action(
    "iniciar", "Iniciar el aforo", None, lambda c, d, o, ip, pk: services.start(c, officer=o, ip=ip)
)
solicitudes = _action(
    "solicitudes",
    "Solicitar documentos de soporte",
    s.SolicitudInputSerializer,
    lambda c, d, o, ip, pk: services.request_documents(
        c, _tipos(d["documentos"]), d["indicaciones"], officer=o, ip=ip
    ),
)
inspecciones = _action(
    "inspecciones",
    "Programar la inspección física",
    s.InspeccionInputSerializer,
    lambda c, d, o, ip, pk: services.schedule_inspection(
        c, when=d["fecha"], place=d["lugar"], deposito=_deposito(d["deposito"]), officer=o, ip=ip
    ),
)
resultado = _action(
    "resultado",
    "Registrar el resultado de la inspección",
    s.ResultadoInspeccionSerializer,
    lambda c, d, o, ip, pk: services.record_inspection(
        get_object_or_404(c.inspections.all(), pk=pk),
        outcome=d["resultado"],
        findings=d["hallazgos"],
        officer=o,
        ip=ip,
    ),
)
observaciones = _action(
    "observaciones",
    "Registrar una observación al operador",
    s.ObservacionInputSerializer,
    lambda c, d, o, ip, pk: services.observe(c, d["observacion"], officer=o, ip=ip),
)
correcciones = _action(
    "correcciones",
    "Proponer una corrección",
    s.CorreccionInputSerializer,
    lambda c, d, o, ip, pk: services.propose_correction(
        c,
        field=d["campo"],
        item_numero=d["item"],
        new_value=d["valor"],
        reason=d["motivo"],
        officer=o,
        ip=ip,
    ),
)
retiro = _action(
    "retiro",
    "Retirar una corrección",
    None,
    lambda c, d, o, ip, pk: services.withdraw_correction(
        get_object_or_404(c.corrections.all(), pk=pk), officer=o, ip=ip
    ),
)
cierre = _action(
    "cierre",
    "Cerrar el aforo (conforme o con novedad)",
    s.CierreInputSerializer,
    lambda c, d, o, ip, pk: services.close_aforo(
        c,
        resultado=d["resultado"],
        note=d["informe"],
        multas=[services.MultaInput(m["codigo"], m["motivacion"]) for m in d["multas"]],
        officer=o,
        ip=ip,
    ),
)
asignacion = _action(
    "asignacion",
    "Reasignar el trámite a otro técnico (supervisor)",
    s.AsignacionInputSerializer,
    lambda c, d, o, ip, pk: services.reassign(
        c, _tecnico(d["tecnico"], c.distrito), officer=o, ip=ip, note=d["nota"]
    ),
    roles=(Role.SUPERVISOR, Role.ADMIN),
)


class ArchivoInternoView(OfficerView):
    officer_roles = {"GET": VIEWERS}

    @extend_schema(
        operation_id="interno_tramite_archivo",
        summary="Descargar un archivo del trámite",
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request, numero_entrega: str, archivo: int):
        case = self.case(numero_entrega)
        return files.response(get_object_or_404(case.attachments.all(), pk=archivo))
