"""The demo "banca en línea": a bank's teller pays an obligation in the browser the way the
bank's system does through the API (same services, same Idempotency-Key), sees the day's
collection, reverses its own payment, and manages the bank's API tokens."""

from __future__ import annotations

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecuapass.core.formatting import money

from . import forms, services
from .models import BancaToken


def bank_required(view):
    """Login, and a user of an active entidad financiera (``request.entidad``); else 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        entidad = services.entidad_of(request.user)
        if entidad is None:
            raise PermissionDenied(_("Este servicio es solo para entidades financieras."))
        request.entidad = entidad
        return view(request, *args, **kwargs)

    return wrapper


def _errors(request, answer):
    fields = answer.body.get("fields") or {}
    if fields:
        for name, errs in fields.items():
            for e in errs:
                messages.error(request, f"{name}: {e}")
    else:
        messages.error(request, answer.body.get("detail", ""))


@bank_required
def inicio(request):
    consulta = forms.ConsultaForm(request.GET or None)
    obligation = None
    pago = None
    if consulta.is_bound and consulta.is_valid():
        answer = services.consult(consulta.cleaned_data["numero"])
        if answer.status == 200:
            obligation = answer.body
            pago = forms.PagoForm(
                initial={
                    "numero": obligation["numero"],
                    "monto": obligation["valor_a_pagar"],
                    "referencia": f"BL-{uuid.uuid4().hex[:10].upper()}",
                    "clave": uuid.uuid4().hex,
                }
            )
        else:
            consulta.add_error("numero", answer.body["detail"])
    return render(
        request,
        "banca/inicio.html",
        {
            "entidad": request.entidad,
            "consulta": consulta,
            "obligation": obligation,
            "pago": pago,
            "dia": services.conciliacion(request.entidad, services.today()),
        },
    )


@require_POST
@bank_required
def pagar(request):
    form = forms.PagoForm(request.POST)
    if not form.is_valid():
        for name, errs in form.errors.items():
            label = form.fields[name].label or name
            for e in errs:
                messages.error(request, f"{label}: {e}")
        return redirect("banca:inicio")
    data = form.cleaned_data
    answer = services.pay(
        request.entidad,
        numero=data["numero"],
        monto=data["monto"],
        referencia=data["referencia"],
        key=data["clave"],
        user=request.user,
    )
    if answer.status == 201:
        messages.success(
            request,
            _("Pago registrado: obligación %(n)s, USD %(m)s, referencia %(r)s.")
            % {
                "n": answer.body["numero"],
                "m": money(answer.body["monto"]),
                "r": answer.body["referencia"],
            },
        )
    else:
        _errors(request, answer)
    return redirect("banca:inicio")


@require_POST
@bank_required
def reversar(request, pk: int):
    answer = services.reverse(
        request.entidad,
        payment_id=pk,
        key=request.POST.get("clave") or uuid.uuid4().hex,
        user=request.user,
    )
    if answer.status == 201:
        messages.success(
            request, _("Pago reversado: obligación %(n)s.") % {"n": answer.body["numero"]}
        )
    else:
        _errors(request, answer)
    return redirect("banca:inicio")


@bank_required
def tokens(request):
    form = forms.TokenForm(request.POST or None)
    raw = ""
    if request.method == "POST" and form.is_valid():
        _token, raw = BancaToken.issue(
            entidad=request.entidad, user=request.user, name=form.cleaned_data["name"]
        )
        form = forms.TokenForm()
    return render(
        request,
        "banca/tokens.html",
        {
            "entidad": request.entidad,
            "form": form,
            "raw": raw,
            "tokens": BancaToken.objects.filter(entidad=request.entidad, user=request.user),
        },
    )


@require_POST
@bank_required
def revocar(request, pk: int):
    token = BancaToken.objects.filter(entidad=request.entidad, user=request.user, pk=pk).first()
    if token is not None:
        token.revoke()
        messages.success(request, _("Token revocado."))
    return redirect("banca:tokens")
