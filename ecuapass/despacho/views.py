"""The operator's side of the aforo in the portal: upload a requested document, answer an
observación, accept or dispute a correction, download the trámite's files.

A sent document belongs to menu option 1.3: ``edocs.access.document_for`` checks the scope
(404) and the grant (403) on every request. Errors come back as a message naming the field, on
the document page; nothing is saved half-way.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecuapass.accounts.context import oce_required
from ecuapass.core.client_ip import client_ip
from ecuapass.core.uploads import upload_limit
from ecuapass.edocs.access import document_for
from ecuapass.edocs.lifecycle import TransitionNotAllowed

from . import files, forms, services
from .errors import DespachoError
from .models import AforoCase

ANCHOR = "#despacho"


def _case(request, pk: int) -> AforoCase:
    edoc = document_for(request, pk, sent=True)
    return get_object_or_404(AforoCase.objects.select_related("edoc"), edoc=edoc)


def _ip(request):
    import ipaddress

    address = client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def _back(case):
    return redirect(case.edoc.get_absolute_url() + ANCHOR)


def _run(request, case, form, action, success):
    """Validate ``form``, run ``action(data)``; a message either way, back to the document."""
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return _back(case)
    try:
        action(form.cleaned_data)
    except (DespachoError, TransitionNotAllowed) as exc:
        field = getattr(exc, "field", None)
        label = form.fields[field].label if field in form.fields else ""
        text = getattr(exc, "message", str(exc))
        messages.error(request, f"{label}: {text}" if label else text)
        return _back(case)
    messages.success(request, success)
    return _back(case)


@upload_limit(
    settings.ECUAPASS_SOPORTE_MAX_BYTES, field=forms.UploadForm.base_fields["archivo"].label
)
@oce_required
@require_POST
def subir(request, pk: int, request_pk: int):
    case = _case(request, pk)
    req = get_object_or_404(case.requests.all(), pk=request_pk)
    form = forms.UploadForm(request.POST, request.FILES)
    return _run(
        request,
        case,
        form,
        lambda data: services.upload_document(
            req, data["archivo"], user=request.user, oce=request.oce, ip=_ip(request)
        ),
        _("Documento entregado."),
    )


@upload_limit(
    settings.ECUAPASS_SOPORTE_MAX_BYTES, field=forms.AnswerForm.base_fields["archivo"].label
)
@oce_required
@require_POST
def responder(request, pk: int, observation_pk: int):
    case = _case(request, pk)
    observation = get_object_or_404(case.observations.all(), pk=observation_pk)
    form = forms.AnswerForm(request.POST, request.FILES)
    return _run(
        request,
        case,
        form,
        lambda data: services.answer_observation(
            observation,
            data["respuesta"],
            [data["archivo"]] if data["archivo"] else [],
            user=request.user,
            oce=request.oce,
            ip=_ip(request),
        ),
        _("Respuesta enviada."),
    )


@oce_required
@require_POST
def corregir(request, pk: int, correction_pk: int):
    case = _case(request, pk)
    correction = get_object_or_404(case.corrections.all(), pk=correction_pk)
    form = forms.CorrectionResponseForm(request.POST)
    return _run(
        request,
        case,
        form,
        lambda data: services.respond_correction(
            correction,
            accept=data["decision"] == "aceptar",
            response=data["motivo"],
            user=request.user,
            oce=request.oce,
            ip=_ip(request),
        ),
        _("Respuesta a la corrección registrada."),
    )


@oce_required
def archivo(request, pk: int, attachment_pk: int):
    case = _case(request, pk)
    attachment = get_object_or_404(case.attachments.all(), pk=attachment_pk)
    return files.response(attachment)
