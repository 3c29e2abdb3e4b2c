"""The VUE in the portal: the applicant's home (menu 4.2 Documentos de Acompañamiento), the request's
form (new, draft, subsanación), the permit's PDF; the agencies' workbench; the public verification.

Thin: forms → the API's payload → ``SolicitudVueSerializer`` → ``edocs.services`` / ``services``.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ecuapass.accounts.context import oce_required
from ecuapass.core.uploads import upload_limit
from ecuapass.despacho import files
from ecuapass.edocs import lifecycle
from ecuapass.edocs import services as edocs
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.states import Channel
from ecuapass.officers.access import audit
from ecuapass.portal.permissions import menu_option_required

from . import prints, services, states
from .access import funcionario_required
from .forms import DecisionForm, ReasignarForm, SolicitudForms, VerificarForm
from .models import SITUACIONES, Adjunto, DocumentoEmitido, Rol, Solicitud, TipoDocumento
from .serializers import CODE, SolicitudVueSerializer

OPTION = "4.2"
SOPORTE = "4.1"
PAGE = 25


def _upload_limited(view):
    from django.conf import settings

    return upload_limit(settings.ECUAPASS_SOPORTE_MAX_BYTES, field=_("Adjuntos"))(view)


def _mine(oce):
    """The requests of the operator of the active código (VUE permits belong to the operator)."""
    return EDocument.objects.sent().filter(
        doc_type=CODE, party_operator_id=oce.registration.operator_id
    )


# --- the applicant ----------------------------------------------------------------------------
@never_cache
@menu_option_required(OPTION)
@oce_required
def inicio(request):
    oce = request.oce
    operator_id = oce.registration.operator_id
    today = timezone.localdate()
    mine = _mine(oce).select_related("solicitud_vue__tipo__entidad")
    pendientes = mine.filter(estado_documento__in=states.PENDING).order_by("-sent_on")[:10]
    tasas = (
        mine.filter(estado_documento=states.POR_PAGAR)
        .exclude(solicitud_vue__tasa_numero="")
        .order_by("-sent_on")[:10]
    )
    por_vencer = (
        DocumentoEmitido.objects.filter(
            titular_id=operator_id,
            estado=DocumentoEmitido.Estado.VIGENTE,
            valido_hasta__gte=today,
            valido_hasta__lte=today + timedelta(days=30),
        )
        .select_related("tipo__entidad")
        .order_by("valido_hasta")[:10]
    )
    documentos = Paginator(
        DocumentoEmitido.objects.filter(titular_id=operator_id)
        .select_related("tipo__entidad")
        .prefetch_related("saldos")
        .order_by("-emitido_el"),
        PAGE,
    ).get_page(request.GET.get("page"))
    favoritos = TipoDocumento.objects.filter(
        pk__in=Solicitud.objects.filter(edoc__in=mine).values("tipo_id"), active=True
    ).select_related("entidad")[:6]
    borradores = (
        EDocument.objects.drafts()
        .filter(filer_oce=oce, doc_type=CODE)
        .order_by("-modified_on")[:10]
    )
    return render(
        request,
        "vue/inicio.html",
        {
            "pendientes": pendientes,
            "tasas": tasas,
            "por_vencer": por_vencer,
            "documentos": documentos,
            "favoritos": favoritos,
            "borradores": borradores,
            "tipos": TipoDocumento.objects.filter(active=True, entidad__active=True).select_related(
                "entidad"
            ),
            "today": today,
        },
    )


def _tipo_or_404(code: str) -> TipoDocumento:
    tipo = (
        TipoDocumento.objects.select_related("entidad")
        .filter(code=code, active=True, entidad__active=True)
        .first()
    )
    if tipo is None:
        raise Http404
    return tipo


@never_cache
@_upload_limited
@menu_option_required(OPTION)
@oce_required
@require_http_methods(["GET", "POST"])
def nueva(request):
    """1.1 «Nuevo» / VUE: choose the permit type, then fill its form."""
    code = request.GET.get("tipo") or request.POST.get("tipo")
    if not code:
        tipos = TipoDocumento.objects.filter(active=True, entidad__active=True).select_related(
            "entidad"
        )
        return render(request, "vue/elegir_tipo.html", {"tipos": tipos})
    tipo = _tipo_or_404(code)
    if request.method == "POST":
        return _save_or_send(request, tipo, None)
    return _form_page(request, SolicitudForms(tipo), None)


@never_cache
@_upload_limited
@menu_option_required(OPTION)
@oce_required
@require_http_methods(["GET", "POST"])
def borrador(request, pk: int):
    draft = get_object_or_404(
        EDocument.objects.drafts(), pk=pk, filer_oce=request.oce, doc_type=CODE
    )
    solicitud = draft.content
    if request.method == "POST":
        return _save_or_send(request, solicitud.tipo, draft)
    forms = SolicitudForms.of(solicitud)
    return _form_page(request, forms, draft)


def _form_page(request, forms, draft, *, errors=(), status=200, subsanar=None):
    return render(
        request,
        "vue/solicitud_form.html",
        {
            "forms": forms,
            "tipo": forms.tipo,
            "draft": draft,
            "errors": errors,
            "subsanar": subsanar,
            "adjuntos": draft.content.adjuntos.all() if draft is not None and draft.content else (),
        },
        status=status,
    )


def _save_or_send(request, tipo, draft):
    forms = SolicitudForms(tipo, request.POST, request.FILES)
    if not forms.shapes_ok():
        return _form_page(
            request, forms, draft, errors=[_("Revise los campos marcados.")], status=400
        )
    if request.POST.get("accion") == "guardar":
        return _save_draft(request, forms, draft)
    existing = [a.etiqueta for a in draft.content.adjuntos.all()] if draft is not None else []
    serializer = SolicitudVueSerializer(data=forms.payload(), existing_labels=existing)
    if not serializer.is_valid():
        top = forms.add_errors(serializer.errors)
        return _form_page(request, forms, draft, errors=top, status=400)
    data = serializer.validated_data
    try:
        with transaction.atomic():
            if draft is None:
                draft = edocs.create_draft(
                    services.registry_type(), oce=request.oce, user=request.user
                )
                services.build(draft, data)
            else:
                services.update_draft(draft, data)
            envio = edocs.submit(draft, user=request.user, oce=request.oce, channel=Channel.PORTAL)
    except (edocs.EdocError, services.VueError) as exc:
        return _form_page(request, forms, draft, errors=[str(exc)], status=400)
    messages.success(
        request,
        _("Solicitud enviada con el número de entrega %(n)s.") % {"n": envio.numero_entrega},
    )
    return redirect(envio.document.get_absolute_url())


def _save_draft(request, forms, draft):
    data = {
        "tipo_obj": forms.tipo,
        "datos_limpios": forms.raw_datos(),
        "productos": [r for r in forms.rows() if r["subpartida"] and r["cantidad"]],
        "adjuntos": [],
    }
    with transaction.atomic():
        if draft is None:
            draft = edocs.create_draft(services.registry_type(), oce=request.oce, user=request.user)
            services.build(draft, data)
        else:
            draft = edocs.lock_draft(draft.pk, oce=request.oce)
            services.update_draft(draft, data)
    messages.success(request, _("Borrador guardado."))
    return redirect("vue:borrador", pk=draft.pk)


@never_cache
@_upload_limited
@menu_option_required(OPTION)
@oce_required
@require_http_methods(["GET", "POST"])
def subsanar(request, pk: int):
    """The applicant corrects a request returned by the agency and sends it back."""
    edoc = get_object_or_404(_mine(request.oce), pk=pk)
    solicitud = edoc.content
    if edoc.estado_documento != states.SUBSANACION:
        messages.error(request, _("La solicitud no está devuelta para subsanación."))
        return redirect(edoc.get_absolute_url())
    if request.method == "GET":
        forms = SolicitudForms.of(solicitud)
        return _form_page(request, forms, None, subsanar=edoc)
    forms = SolicitudForms(solicitud.tipo, request.POST, request.FILES)
    serializer = SolicitudVueSerializer(
        data=forms.payload() if forms.shapes_ok() else {},
        existing_labels=[a.etiqueta for a in solicitud.adjuntos.all()],
    )
    if not serializer.is_valid():
        top = forms.add_errors(serializer.errors) or [_("Revise los campos marcados.")]
        return _form_page(request, forms, None, errors=top, status=400, subsanar=edoc)
    try:
        services.subsanar(edoc, serializer.validated_data, user=request.user, oce=request.oce)
    except (services.VueError, lifecycle.TransitionNotAllowed) as exc:
        return _form_page(request, forms, None, errors=[str(exc)], status=400, subsanar=edoc)
    messages.success(request, _("Subsanación enviada a la entidad."))
    return redirect(edoc.get_absolute_url())


@menu_option_required(OPTION)
@oce_required
def documento_pdf(request, numero: str):
    documento = get_object_or_404(
        DocumentoEmitido.objects.select_related("tipo__entidad", "titular", "solicitud__edoc"),
        numero=numero,
        titular_id=request.oce.registration.operator_id,
    )
    return prints.response(request, documento)


@menu_option_required(OPTION)
@oce_required
def adjunto(request, pk: int, adjunto_pk: int):
    edoc = get_object_or_404(_mine(request.oce), pk=pk)
    return files.response(get_object_or_404(Adjunto, pk=adjunto_pk, solicitud__edoc=edoc))


def detail_context(solicitud) -> dict:
    """Extra context of the request on the engine's document page."""
    if solicitud is None:
        return {}
    return {
        "vue": solicitud,
        "vue_emitido": DocumentoEmitido.objects.filter(solicitud=solicitud)
        .prefetch_related("saldos")
        .first(),
        "vue_actuaciones": solicitud.actuaciones.all(),
    }


# --- the agency's workbench ---------------------------------------------------------------------
@never_cache
@funcionario_required()
def bandeja(request):
    funcionario = request.funcionario
    queryset = Solicitud.objects.filter(tipo__entidad=funcionario.entidad).select_related(
        "edoc", "tipo", "asignado_a__user"
    )
    if funcionario.rol == Rol.TECNICO:
        queryset = queryset.filter(asignado_a=funcionario, edoc__estado_documento__in=states.OPEN)
    else:
        queryset = queryset.filter(edoc__estado_documento__in=states.OPEN)
    vista = request.GET.get("vista", "")
    if vista == "vencidas":
        queryset = queryset.filter(vence_el__lt=timezone.localdate())
    page = Paginator(queryset.order_by("vence_el", "pk"), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "vue/entidad/bandeja.html",
        {"page": page, "funcionario": funcionario, "vista": vista, "today": timezone.localdate()},
    )


def _agency_solicitud(request, pk: int) -> Solicitud:
    solicitud = (
        Solicitud.objects.select_related("edoc", "tipo__entidad", "asignado_a__user")
        .filter(pk=pk, tipo__entidad=request.funcionario.entidad)
        .exclude(edoc__estado_documento__in=("borrador", "registrado", "rechazado"))
        .first()
    )
    if solicitud is None:
        raise Http404
    return solicitud


@never_cache
@funcionario_required()
@require_http_methods(["GET", "POST"])
def revisar(request, pk: int):
    solicitud = _agency_solicitud(request, pk)
    edoc = solicitud.edoc
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.fire(
                edoc,
                form.cleaned_data["accion"],
                note=form.cleaned_data["nota"],
                **audit(request),
            )
        except lifecycle.TransitionNotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Actuación registrada."))
            return redirect("entidad:revisar", pk=pk)
    allowed = {t.name for t in lifecycle.allowed(edoc, user=request.user)}
    form.fields["accion"].choices = [c for c in form.fields["accion"].choices if c[0] in allowed]
    reasignar = (
        ReasignarForm(entidad=solicitud.tipo.entidad)
        if request.funcionario.rol == Rol.DIRECTOR and edoc.estado_documento in states.OPEN
        else None
    )
    return render(
        request,
        "vue/entidad/revisar.html",
        {
            "solicitud": solicitud,
            "edoc": edoc,
            "form": form,
            "allowed": allowed,
            "reasignar": reasignar,
            **detail_context(solicitud),
        },
        status=400 if form.errors else 200,
    )


@funcionario_required(Rol.DIRECTOR)
@require_POST
def reasignar(request, pk: int):
    solicitud = _agency_solicitud(request, pk)
    form = ReasignarForm(request.POST, entidad=solicitud.tipo.entidad)
    if form.is_valid() and solicitud.edoc.estado_documento in states.OPEN:
        services.assign(solicitud, funcionario=form.cleaned_data["funcionario"], by=request.user)
        messages.success(request, _("Solicitud reasignada."))
    else:
        messages.error(request, _("Elija un técnico activo de la entidad."))
    return redirect("entidad:revisar", pk=pk)


@funcionario_required(Rol.DIRECTOR)
@require_POST
def anular(request, pk: int):
    """The director cancels the permit issued for the request."""
    solicitud = _agency_solicitud(request, pk)
    documento = get_object_or_404(DocumentoEmitido, solicitud=solicitud)
    try:
        services.anular(documento, by=request.user, motivo=request.POST.get("motivo", ""))
    except services.VueError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Documento anulado."))
    return redirect("entidad:revisar", pk=pk)


@funcionario_required()
def adjunto_entidad(request, pk: int, adjunto_pk: int):
    solicitud = _agency_solicitud(request, pk)
    return files.response(get_object_or_404(Adjunto, pk=adjunto_pk, solicitud=solicitud))


@funcionario_required()
def documento_pdf_entidad(request, numero: str):
    documento = get_object_or_404(
        DocumentoEmitido.objects.select_related("tipo__entidad", "titular", "solicitud__edoc"),
        numero=numero,
        tipo__entidad=request.funcionario.entidad,
    )
    return prints.response(request, documento)


# --- public --------------------------------------------------------------------------------------
@never_cache
def verificar(request, numero: str = "", codigo: str = ""):
    """«Verificar validez del documento original»: public, by number and verification code."""
    form = VerificarForm(request.GET or None)
    if not numero and form.is_valid():
        numero, codigo = form.cleaned_data["numero"], form.cleaned_data["codigo"]
    documento = services.verify(numero, codigo) if numero else None
    situacion = documento.situacion() if documento else ""
    return render(
        request,
        "vue/verificar.html",
        {
            "form": form,
            "consulted": bool(numero),
            "documento": documento,
            "situacion": situacion,
            "mensaje": SITUACIONES.get(situacion, ""),
        },
        status=404 if numero and documento is None else 200,
    )


# --- 4.1 Documentos de Soporte ---------------------------------------------------------------------
@never_cache
@menu_option_required(SOPORTE)
@oce_required
def soporte(request):
    """The documentos de soporte of the OCE's declarations: those the aforo still asks for, and the
    files delivered (factura, documento de transporte, póliza, certificado de origen…)."""
    from ecuapass.despacho.models import Attachment, DocumentRequest

    visible = EDocument.objects.visible_to(request.oce).sent().values("pk")
    pendientes = (
        DocumentRequest.objects.filter(
            status=DocumentRequest.Status.PENDIENTE, case__edoc__in=visible
        )
        .select_related("tipo", "case__edoc")
        .order_by("requested_on", "id")[:20]
    )
    archivos = Paginator(
        Attachment.objects.filter(case__edoc__in=visible)
        .select_related("request__tipo", "case__edoc")
        .order_by("-uploaded_on", "-id"),
        PAGE,
    ).get_page(request.GET.get("page"))
    return render(request, "vue/soporte.html", {"pendientes": pendientes, "archivos": archivos})
