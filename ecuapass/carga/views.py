"""Portal screens of the cargo.

* 1.1: the editors of MAN, MAN-H and MAN-COR (header form + documents grid → the API's payload,
  validated by the type's serializer; «Guardar temporal» keeps a draft, «Enviar» sends it).
* 1.3: the carrier registers the arrival on the manifest's page.
* 1.13 Registro de carga en depósito temporal: the depósito's cargo, IMDT, novedades, salida.
* 2.11 Servicio de información de Despacho/Carga: novedades, llegadas, despacho.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecuapass.accounts.context import oce_required
from ecuapass.core.client_ip import client_ip
from ecuapass.edocs import registry
from ecuapass.edocs import services as edocs
from ecuapass.edocs.access import document_for, visible_documents
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.states import Channel
from ecuapass.ops.replica import reads_from_replica
from ecuapass.portal.permissions import menu_option_required

from . import forms, selectors, services
from .models import MASTER_HSN, DocumentoTransporte, EventoCarga
from .serializers import MAN, MAN_COR, MAN_H

PAGE_SIZE = 25
DEPOSITO_OPTION = "1.13"
CONSULTA_OPTION = "2.11"

EDITORS = {
    MAN: (forms.ManifiestoForm, True),
    MAN_H: (forms.DesconsolidacionForm, True),
    MAN_COR: (forms.CorreccionForm, False),
}


def flatten(errors, prefix="") -> list[tuple[str, str]]:
    """A serializer's nested errors as (field path, message) rows."""
    rows = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            rows.extend(flatten(value, "" if key == "non_field_errors" else path))
    elif isinstance(errors, list):
        for i, value in enumerate(errors):
            if isinstance(value, dict | list):
                rows.extend(flatten(value, f"{prefix}[{i + 1}]"))
            else:
                rows.append((prefix, str(value)))
    else:
        rows.append((prefix, str(errors)))
    return rows


def _render_editor(request, doc_type, form, formset, *, draft=None, errors=(), status=200):
    return render(
        request,
        "carga/editor.html",
        {
            "doc_type": doc_type,
            "form": form,
            "formset": formset,
            "draft": draft,
            "errors": errors,
        },
        status=status,
    )


def _editor(request, doc_type, draft=None):
    header_class, with_docs = EDITORS[doc_type.code]
    if request.method != "POST":
        payload = doc_type.payload_of(draft.content) if draft is not None else {}
        form = header_class(initial=header_class.initial_from(payload) if payload else None)
        formset = None
        if with_docs:
            rows = [forms.DocumentoForm.initial_from(d) for d in payload.get("documentos", [])]
            formset = forms.DocumentoFormSet(prefix="docs", initial=rows or [{}])
        return _render_editor(request, doc_type, form, formset, draft=draft)

    data = request.POST.copy()
    action = data.get("accion", "guardar")
    if action == "agregar" and with_docs:
        data["docs-TOTAL_FORMS"] = str(int(data.get("docs-TOTAL_FORMS") or 0) + 1)
    form = header_class(data)
    formset = forms.DocumentoFormSet(data, prefix="docs") if with_docs else None
    if action == "agregar":
        return _render_editor(request, doc_type, form, formset, draft=draft)
    valid = form.is_valid() and (formset is None or formset.is_valid())
    if not valid:
        return _render_editor(request, doc_type, form, formset, draft=draft, status=400)
    payload = form.payload()
    if with_docs:
        payload["documentos"] = [f.payload() for f in formset if f.has_changed()]
    serializer = doc_type.serializer_class()(data=payload)
    if not serializer.is_valid():
        errors = flatten(serializer.errors)
        return _render_editor(
            request, doc_type, form, formset, draft=draft, errors=errors, status=400
        )
    try:
        with transaction.atomic():
            if draft is None:
                draft = edocs.create_draft(doc_type, oce=request.oce, user=request.user)
            else:
                draft = edocs.lock_draft(draft.pk, oce=request.oce)
                if draft.content is not None:
                    draft.content.delete()
                    del draft._content_cache
            content = doc_type.build_from_payload(draft, serializer.validated_data)
            draft.reference = doc_type.reference_of(content)[:100]
            draft.modified_by = request.user
            draft.save(update_fields=["reference", "modified_by", "modified_on"])
        if action == "enviar":
            envio = edocs.submit(draft, user=request.user, oce=request.oce, channel=Channel.PORTAL)
            messages.success(
                request,
                _("%(tipo)s enviado con el número de entrega %(n)s. Estado: Recibido.")
                % {"tipo": doc_type.name, "n": envio.numero_entrega},
            )
            return redirect(draft.get_absolute_url())
    except edocs.EdocError as exc:
        messages.error(request, str(exc))
        return redirect("edocs:elaboracion")
    messages.success(request, _("Borrador guardado."))
    return redirect("carga:borrador", pk=draft.pk)


@menu_option_required("1.1")
@oce_required
def nuevo(request, code: str):
    doc_type = registry.find(code)
    if doc_type is None or code not in EDITORS:
        raise Http404
    if not doc_type.may_file(request.oce.registration.oce_type):
        messages.error(
            request,
            _("El tipo de OCE %(tipo)s no puede elaborar %(doc)s.")
            % {"tipo": request.oce.registration.oce_type.name, "doc": doc_type.title},
        )
        return redirect("edocs:elaboracion")
    return _editor(request, doc_type)


@menu_option_required("1.1")
@oce_required
def borrador(request, pk: int):
    draft = get_object_or_404(
        EDocument.objects.drafts(), pk=pk, filer_oce=request.oce, doc_type__in=list(EDITORS)
    )
    return _editor(request, draft.type, draft)


@menu_option_required("1.3")
@oce_required
@require_POST
def llegada(request, pk: int):
    edoc = document_for(request, pk, sent=True)
    if edoc.doc_type != MAN:
        raise Http404
    form = forms.LlegadaForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indique la fecha-hora real de llegada."))
        return redirect(edoc.get_absolute_url())
    try:
        services.registrar_llegada(
            edoc,
            fecha_hora=form.cleaned_data["fecha_hora"],
            user=request.user,
            oce=request.oce,
            ip=client_ip(request),
        )
    except services.CargaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Llegada del medio de transporte registrada."))
    return redirect(edoc.get_absolute_url())


# --- depósito temporal (1.13) ----------------------------------------------------------------
@menu_option_required(DEPOSITO_OPTION)
@oce_required
def deposito(request):
    qs = services.documentos_del_deposito(request.oce).order_by("-id")
    q = (request.GET.get("q") or "").strip().upper()
    if q:
        qs = qs.filter(manifiesto__mrn__startswith=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ingresados = set(
        EventoCarga.objects.filter(
            documento__in=[d.pk for d in page.object_list], tipo=EventoCarga.Tipo.INGRESO
        ).values_list("documento_id", flat=True)
    )
    return render(
        request,
        "carga/deposito.html",
        {"page": page, "q": q, "ingresados": ingresados, "query": urlencode({"q": q} if q else {})},
    )


DEPOSITO_FORMS = {
    "ingreso": forms.IngresoForm,
    "novedad": forms.NovedadForm,
    "salida": forms.SalidaForm,
}


@menu_option_required(DEPOSITO_OPTION)
@oce_required
def deposito_documento(request, pk: int):
    documento = get_object_or_404(services.documentos_del_deposito(request.oce), pk=pk)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    bound = {
        name: cls(initial={"fecha_hora": now, "bultos": documento.bultos, "peso": documento.peso})
        for name, cls in DEPOSITO_FORMS.items()
    }
    bound["ingreso"].initial["contenedores"] = forms.format_contenedores(documento.contenedores)
    status = 200
    if request.method == "POST":
        action = request.POST.get("accion")
        if action not in DEPOSITO_FORMS:
            raise Http404
        form = DEPOSITO_FORMS[action](request.POST, prefix=None)
        bound[action] = form
        if form.is_valid():
            try:
                _register(action, documento, form.cleaned_data, request)
            except services.CargaError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Registrado."))
                return redirect("carga:deposito_documento", pk=documento.pk)
        status = 400
    return render(
        request,
        "carga/deposito_documento.html",
        {
            "documento": documento,
            "declarar_hasta": services.declarar_hasta(documento),
            "forms": bound,
            "eventos": documento.eventos.select_related("dai").order_by("fecha_hora", "id"),
        },
        status=status,
    )


def _register(action, documento, data, request):
    common = {"oce": request.oce, "user": request.user, "fecha_hora": data["fecha_hora"]}
    if action == "ingreso":
        return services.registrar_ingreso(
            documento,
            bultos=data["bultos"],
            peso=data["peso"],
            contenedores=forms.parse_contenedores(data["contenedores"]),
            observacion=data["observacion"],
            **common,
        )
    if action == "novedad":
        return services.registrar_novedad(
            documento,
            novedad=data["novedad"],
            fase=data["fase"],
            observacion=data["observacion"],
            bultos=data.get("bultos") or 0,
            peso=data.get("peso") or 0,
            **common,
        )
    return services.registrar_salida(documento, observacion=data["observacion"], **common)


# --- 2.11 Servicio de información de Despacho/Carga --------------------------------------------
TABS = ("novedades", "llegadas", "despacho")


@menu_option_required(CONSULTA_OPTION)
@oce_required
@reads_from_replica
def consulta(request):
    tab = request.GET.get("tab") or "novedades"
    if tab not in TABS:
        tab = "novedades"
    context = {
        "tab": tab,
        "tabs": TABS,
        "page": None,
        "declaracion": None,
        "documento": None,
        "timeline": [],
        "not_found": False,
    }
    params = {k: v for k, v in request.GET.items() if k not in ("page", "formato") and v}
    context["query"] = urlencode(params)
    if tab == "despacho":
        context.update(_despacho(request))
        return render(request, "carga/consulta.html", context)
    form_class = forms.NovedadesForm if tab == "novedades" else forms.LlegadasForm
    searched = "desde" in request.GET
    form = form_class(request.GET if searched else None)
    context["form"] = form
    if searched and form.is_valid():
        qs = (
            selectors.novedades(request.oce, form.cleaned_data)
            if tab == "novedades"
            else selectors.llegadas(request.oce, form.cleaned_data)
        )
        if tab == "novedades" and request.GET.get("formato") == "csv":
            from .exports import novedades_csv

            return novedades_csv(qs)
        context["page"] = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "carga/consulta.html",
        context,
        status=400 if searched and not form.is_valid() else 200,
    )


def _despacho(request) -> dict:
    searched = any(request.GET.get(k) for k in ("numero", "mrn"))
    form = forms.DespachoForm(request.GET if searched else None)
    out = {"form": form}
    if not searched or not form.is_valid():
        return out
    data = form.cleaned_data
    visibles = selectors.documentos_visibles(request.oce)
    declaracion = None
    if data["numero"]:
        numero = data["numero"].strip().upper()
        declaracion = (
            visible_documents(request.oce)
            .sent()
            .filter(doc_type__in=("DAI", "DAE"))
            .filter(document_number=numero)
            .first()
            or visible_documents(request.oce).sent().filter(numero_entrega=numero).first()
        )
        documento = None
        if declaracion is not None and hasattr(declaracion, "descargo_carga"):
            documento = declaracion.descargo_carga.documento
    else:
        documento = services.documento_por_carga(
            data["mrn"], data["msn"], data["hsn"] or MASTER_HSN
        )
        if documento is not None and not visibles.filter(pk=documento.pk).exists():
            documento = None
        if documento is not None:
            descargo = documento.descargos.select_related("dai").first()
            if descargo and visible_documents(request.oce).filter(pk=descargo.dai_id).exists():
                declaracion = descargo.dai
    out.update(
        {
            "declaracion": declaracion,
            "documento": documento,
            "timeline": selectors.timeline(documento) if documento is not None else [],
            "not_found": declaracion is None and documento is None,
        }
    )
    return out


def documento_url(documento: DocumentoTransporte) -> str:
    return (
        reverse("carga:consulta")
        + "?"
        + urlencode(
            {
                "tab": "despacho",
                "mrn": documento.manifiesto.mrn,
                "msn": documento.msn,
                "hsn": documento.hsn,
            }
        )
    )
