"""Portal interno: the bandeja de trámites, the trámite page with the aforo's actions, the workload.

Thin views: each action is a form and one call to ``services`` (one transaction). Who may act
is the services' rule (the assigned técnico, the distrito's supervisor) and the lifecycle's.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ecuapass.edocs.lifecycle import TransitionNotAllowed
from ecuapass.officers.access import audit, officer_required
from ecuapass.officers.roles import Role

from . import files, forms, selectors, services
from .errors import DespachoError, NotYourCase

PAGE_SIZE = 25
VIEWERS = (Role.TECNICO, Role.SUPERVISOR, Role.ADMIN)


@never_cache
@officer_required(*VIEWERS)
def bandeja(request):
    officer = request.officer
    form = forms.BandejaForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    default_vista = "mios" if officer.has_role(Role.TECNICO) else "distrito"
    vista = data.get("vista") or default_vista
    estado = data.get("estado") or "abiertos"
    qs = selectors.bandeja(
        officer,
        vista=vista,
        estado=estado,
        canal=data.get("canal", ""),
        distrito=data.get("distrito", ""),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "despacho/interno/bandeja.html",
        {
            "form": form,
            "page": page,
            "query": urlencode(params),
            "vista": vista,
            "estado": estado,
            "offset": page.start_index() - 1 if page.paginator.count else 0,
        },
    )


def _page_context(request, case, bound: dict | None = None) -> dict:
    """The trámite page: the DAI, its liquidación, the aforo, the timeline and the forms."""
    officer = request.officer
    edoc = case.edoc
    dai = edoc.content
    liquidacion = getattr(dai, "liquidacion", None) if dai is not None else None
    assignment = getattr(edoc, "canal_assignment", None)
    from ecuapass.risk.services import explanation_for

    is_mine = case.tecnico_id == officer.pk and officer.may_act_as(Role.TECNICO, case.distrito)
    state = edoc.estado_documento
    actions = {
        "documentos": forms.RequestDocumentsForm,
        "inspeccion": forms.InspectionForm,
        "observacion": forms.ObservationForm,
        "correccion": forms.CorrectionForm,
        "cerrar": forms.CloseForm,
    }
    context = {
        "case": case,
        "edoc": edoc,
        "dai": dai,
        "items": list(dai.items.all()) if dai is not None else [],
        "liq": liquidacion,
        "explanation": explanation_for(assignment) if assignment else "",
        "reliquidacion": selectors.reliquidacion_of(case),
        "timeline": selectors.timeline(
            case, selectors.history_of(edoc), for_officer=True, show_names=True
        ),
        "is_mine": is_mine,
        "may_start": is_mine and state == services.CANAL_ASIGNADO,
        "may_act": is_mine and state == services.EN_AFORO,
        "is_fisico": case.canal in services.FISICOS,
        "may_reassign": case.is_open and services.may_supervise(officer, case.distrito),
        "result_form": forms.InspectionResultForm(),
        "reassign_form": forms.ReassignForm(distrito=case.distrito),
        "failed_action": "",
    }
    for name, form_class in actions.items():
        context[f"{name}_form"] = form_class()
    if bound:
        context.update(bound)
    return context


@never_cache
@officer_required(*VIEWERS)
def tramite(request, pk: int):
    case = selectors.case_for_officer(request.officer, pk)
    return render(request, "despacho/interno/tramite.html", _page_context(request, case))


def _handlers():
    """action → (form class, form context name, handler(case, data, officer, ip))."""

    def documentos(case, data, officer, ip):
        services.request_documents(
            case, list(data["documentos"]), data["indicaciones"], officer=officer, ip=ip
        )
        return _("Se solicitaron los documentos al operador.")

    def inspeccion(case, data, officer, ip):
        services.schedule_inspection(
            case,
            when=data["fecha"],
            place=data["lugar"],
            deposito=data["deposito"],
            officer=officer,
            ip=ip,
        )
        return _("Inspección programada; se notificó al operador.")

    def resultado(case, data, officer, ip):
        inspection = get_object_or_404(case.inspections.all(), pk=data["inspeccion"])
        services.record_inspection(
            inspection,
            outcome=data["resultado"],
            findings=data["hallazgos"],
            officer=officer,
            ip=ip,
        )
        return _("Resultado de la inspección registrado.")

    def observacion(case, data, officer, ip):
        services.observe(case, data["observacion"], officer=officer, ip=ip)
        return _("Observación registrada; se notificó al operador.")

    def correccion(case, data, officer, ip):
        services.propose_correction(
            case,
            field=data["campo"],
            item_numero=data["item"],
            new_value=data["valor"],
            reason=data["motivo"],
            officer=officer,
            ip=ip,
        )
        return _("Corrección propuesta; se notificó al operador.")

    def retirar(case, data, officer, ip):
        correction = get_object_or_404(case.corrections.all(), pk=data["correccion"])
        services.withdraw_correction(correction, officer=officer, ip=ip)
        return _("Corrección retirada.")

    def cerrar(case, data, officer, ip):
        multas = [services.MultaInput(code, data["motivacion_multa"]) for code in data["multas"]]
        services.close_aforo(
            case,
            resultado=data["resultado"],
            note=data["informe"],
            multas=multas,
            officer=officer,
            ip=ip,
        )
        return _("Aforo cerrado.")

    def reasignar(case, data, officer, ip):
        services.reassign(case, data["tecnico"], officer=officer, ip=ip, note=data["nota"])
        return _("Trámite reasignado.")

    return {
        "documentos": (forms.RequestDocumentsForm, "documentos_form", documentos),
        "inspeccion": (forms.InspectionForm, "inspeccion_form", inspeccion),
        "resultado": (forms.InspectionResultForm, "result_form", resultado),
        "observacion": (forms.ObservationForm, "observacion_form", observacion),
        "correccion": (forms.CorrectionForm, "correccion_form", correccion),
        "retirar": (forms.WithdrawForm, "withdraw_form", retirar),
        "cerrar": (forms.CloseForm, "cerrar_form", cerrar),
        "reasignar": (forms.ReassignForm, "reassign_form", reasignar),
    }


def _forbidden(request, message):
    return render(request, "interno/forbidden.html", {"reason": message}, status=403)


@never_cache
@officer_required(*VIEWERS)
@require_POST
def accion(request, pk: int, accion: str):
    """One action of the trámite page (POST); errors come back on the page, on their field."""
    officer = request.officer
    case = selectors.case_for_officer(officer, pk)
    ip = audit(request)["ip"]
    try:
        if accion == "iniciar":
            services.start(case, officer=officer, ip=ip)
            messages.success(request, _("Aforo iniciado."))
            return redirect("interno:tramite", pk=pk)
        handlers = _handlers()
        if accion not in handlers:
            raise Http404
        form_class, context_name, handler = handlers[accion]
        kwargs = {"distrito": case.distrito} if form_class is forms.ReassignForm else {}
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            try:
                messages.success(request, handler(case, form.cleaned_data, officer, ip))
                return redirect("interno:tramite", pk=pk)
            except DespachoError as exc:
                if isinstance(exc, NotYourCase):
                    raise
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
    except NotYourCase as exc:
        return _forbidden(request, exc.message)
    except DespachoError as exc:
        messages.error(request, exc.message)
        return redirect("interno:tramite", pk=pk)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("interno:tramite", pk=pk)
    case = selectors.case_for_officer(officer, pk)  # as it is now (nothing was saved)
    context = _page_context(request, case, {context_name: form, "failed_action": accion})
    return render(request, "despacho/interno/tramite.html", context, status=400)


@never_cache
@officer_required(*VIEWERS)
def archivo(request, pk: int, attachment_pk: int):
    case = selectors.case_for_officer(request.officer, pk)
    attachment = get_object_or_404(case.attachments.all(), pk=attachment_pk)
    return files.response(attachment)


@never_cache
@officer_required(Role.SUPERVISOR, Role.ADMIN)
def carga(request):
    """The supervisor's view: open and overdue cases per técnico, and the unassigned ones."""
    officer = request.officer
    distritos = sorted(officer.distrito_codes)
    unassigned = selectors.bandeja(officer, vista="sin_asignar", estado="abiertos").count()
    return render(
        request,
        "despacho/interno/carga.html",
        {
            "rows": list(services.workload(distritos)),
            "unassigned": unassigned,
            "distritos": distritos,
        },
    )
