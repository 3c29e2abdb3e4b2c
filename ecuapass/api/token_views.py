"""Portal screen to create and revoke one's API tokens (routed in edocs.urls)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ecuapass.accounts.context import oce_required, usable_codes
from ecuapass.portal.permissions import holds_any_option, menu_option_required

from .models import ApiToken

# What the API offers an operator: transmitting e-docs (1.1) and following them (1.3).
# A token serves whoever holds either on its code; each endpoint checks its own option
# on every request, so a token never carries more than its user's grants at that time.
API_OPTIONS = ("1.1", "1.3")


def token_codes(user):
    """Códigos de OCE for which ``user`` may hold a token: usable and with an API option granted."""
    codes = usable_codes(user)
    return codes.filter(pk__in=[c.pk for c in codes if holds_any_option(user, c, API_OPTIONS)])


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nombre del token"), max_length=80)
    oce_code = forms.ModelChoiceField(label=gettext_lazy("Código de OCE"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oce_code"].queryset = token_codes(user)
        self.fields["oce_code"].label_from_instance = lambda c: (
            f"{c.code} - {c.registration.oce_type.name}"
        )


@never_cache
@menu_option_required(*API_OPTIONS)
@oce_required
def tokens(request):
    form = TokenForm(request.POST or None, user=request.user, initial={"oce_code": request.oce})
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = ApiToken.issue(
            user=request.user,
            oce_code=form.cleaned_data["oce_code"],
            name=form.cleaned_data["name"],
        )
        messages.success(request, _("Token creado. Cópielo ahora: no se volverá a mostrar."))
        form = TokenForm(user=request.user, initial={"oce_code": request.oce})
    items = ApiToken.objects.filter(user=request.user).select_related("oce_code")
    return render(request, "api/tokens.html", {"form": form, "raw": raw, "items": items})


@menu_option_required(*API_OPTIONS)
@oce_required
@require_POST
def revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(request, _("Token revocado."))
    return redirect("edocs:api_tokens")
