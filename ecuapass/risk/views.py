"""Portal interno: the risk analysts' screens (profiles, approval, simulation, assignments).

Only officers reach them (``officers.access.officer_required``); no operator URL or API
exposes a profile. Analysts write, change, deactivate and simulate; approval is by another
analyst or a supervisor (four eyes, enforced by ``services.approve_profile``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecuapass.core import formatting
from ecuapass.officers.access import audit, officer_required
from ecuapass.officers.roles import Role

from . import services
from .forms import DeactivateForm, RiskProfileForm, SimulateForm
from .models import CanalAssignment, RiskProfile

ANALYSTS = (Role.ANALISTA,)
READERS = (Role.ANALISTA, Role.SUPERVISOR)  # see profiles, approve them


def _ip(request) -> str | None:
    return audit(request)["ip"]


def status_of(profile: RiskProfile, in_force: set[int], today) -> str:
    """A profile version's state for the lists."""
    if not profile.is_approved:
        return _("Borrador: pendiente de aprobación")
    if not profile.active:
        return _("Desactivado")
    if profile.pk in in_force:
        return _("Vigente")
    if profile.valid_from > today:
        return _("Aprobado, vigente desde %(d)s") % {"d": formatting.fecha(profile.valid_from)}
    if profile.valid_to and profile.valid_to < today:
        return _("Vencido")
    return _("Reemplazado por una versión posterior")


@officer_required(*READERS)
def profile_list(request):
    today = timezone.localdate()
    in_force = {p.pk for p in services.profiles_in_force(today)}
    profiles = RiskProfile.objects.latest_versions().select_related("approved_by")
    pending = request.GET.get("estado") == "borrador"
    if pending:
        profiles = profiles.drafts()
    rows = [(p, status_of(p, in_force, today)) for p in profiles.order_by("priority", "code")]
    return render(
        request,
        "risk/profile_list.html",
        {"rows": rows, "pending": pending, "can_write": request.officer.has_role(*ANALYSTS)},
    )


def _save(request, form, action):
    """Run ``action(cleaned_data)``; a service error lands on the form. Returns the profile."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@officer_required(*ANALYSTS)
def profile_create(request):
    form = RiskProfileForm(request.POST or None)
    profile = _save(
        request,
        form,
        lambda data: services.create_profile(data, user=request.user, ip=_ip(request)),
    )
    if profile is not None:
        messages.success(
            request,
            _("Perfil %(code)s creado (versión 1): otro analista o un supervisor debe aprobarlo.")
            % {"code": profile.code},
        )
        return redirect("risk:perfil", profile.pk)
    return render(request, "risk/profile_form.html", {"form": form, "profile": None})


@officer_required(*ANALYSTS)
def profile_edit(request, pk):
    profile = get_object_or_404(RiskProfile, pk=pk)
    draft = RiskProfile.objects.drafts().filter(code=profile.code).first()
    if profile.is_approved and draft is not None:
        messages.info(
            request,
            _("El perfil ya tiene una versión en borrador: se modifica esa versión."),
        )
        return redirect("risk:editar", draft.pk)
    form = RiskProfileForm(request.POST or None, instance=profile)
    saved = _save(
        request,
        form,
        lambda data: services.revise_profile(profile, data, user=request.user, ip=_ip(request)),
    )
    if saved is not None:
        if saved.pk != profile.pk:
            messages.success(
                request,
                _("Versión %(version)s del perfil %(code)s creada: pendiente de aprobación.")
                % {"version": saved.version, "code": saved.code},
            )
        else:
            messages.success(request, _("Borrador guardado."))
        return redirect("risk:perfil", saved.pk)
    return render(request, "risk/profile_form.html", {"form": form, "profile": profile})


@officer_required(*READERS)
def profile_detail(request, pk):
    profile = get_object_or_404(RiskProfile.objects.select_related("approved_by"), pk=pk)
    today = timezone.localdate()
    in_force = {p.pk for p in services.profiles_in_force(today)}
    versions = (
        RiskProfile.objects.filter(code=profile.code)
        .select_related("created_by", "approved_by")
        .order_by("-version")
    )
    officer = request.officer
    return render(
        request,
        "risk/profile_detail.html",
        {
            "profile": profile,
            "status": status_of(profile, in_force, today),
            "versions": [(v, status_of(v, in_force, today)) for v in versions],
            "events": profile.events.select_related("by_user"),
            "can_write": officer.has_role(*ANALYSTS),
            "can_approve": not profile.is_approved
            and request.user.pk not in (profile.created_by_id, profile.modified_by_id),
            "deactivate_form": DeactivateForm(),
            "simulate_form": SimulateForm(initial={"n": 200}),
            "decided": profile.decided_assignments.select_related("edoc")[:20],
        },
    )


@officer_required(*READERS)
@require_POST
def profile_approve(request, pk):
    profile = get_object_or_404(RiskProfile, pk=pk)
    try:
        services.approve_profile(profile, user=request.user, ip=_ip(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Versión %(version)s del perfil %(code)s aprobada.")
            % {"version": profile.version, "code": profile.code},
        )
    return redirect("risk:perfil", profile.pk)


@officer_required(*ANALYSTS)
@require_POST
def profile_deactivate(request, pk):
    profile = get_object_or_404(RiskProfile, pk=pk)
    form = DeactivateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["note"])
        services.deactivate_profile(
            profile, user=request.user, note=form.cleaned_data["note"], ip=_ip(request)
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Perfil %(code)s desactivado.") % {"code": profile.code})
    return redirect("risk:perfil", profile.pk)


@officer_required(*ANALYSTS)
def profile_simulate(request, pk):
    profile = get_object_or_404(RiskProfile, pk=pk)
    form = SimulateForm(request.GET or {"n": 200})
    simulation = (
        services.simulate(profile, last=form.cleaned_data["n"]) if form.is_valid() else None
    )
    return render(
        request,
        "risk/simulation.html",
        {"profile": profile, "form": form, "simulation": simulation},
    )


@officer_required(*READERS)
def assignment_detail(request, edoc_pk):
    assignment = get_object_or_404(
        CanalAssignment.objects.select_related("edoc", "decisive_profile"), edoc_id=edoc_pk
    )
    if not request.officer.has_role(*ANALYSTS) and not request.officer.covers(
        assignment.edoc.distrito
    ):
        raise Http404
    return render(
        request,
        "risk/assignment_detail.html",
        {
            "assignment": assignment,
            "explanation": services.explanation_for(assignment),
            "reproduces": services.reproduces(assignment),
        },
    )
