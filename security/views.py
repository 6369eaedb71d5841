import base64
import sys

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error as django_server_error
from django_otp.plugins.otp_totp.models import TOTPDevice

from .outage import database_unavailable_response
from .services import two_factor_disable, two_factor_enable
from .two_factor import confirmed_device, mark_verified, second_factor_pending, second_factor_required


def server_error(request, *args, **kwargs):
    """``handler500``: a database outage is a 503 page in the person's language; anything else, a 500."""
    _type, error, _traceback = sys.exc_info()
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable_response(request)
    return django_server_error(request, *args, **kwargs)


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from your authenticator app"), regex=r"^\s*\d{6,8}\s*$", max_length=12,
        error_messages={"invalid": _("Enter the 6-digit code your authenticator app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not self.device.verify_token(code):
            raise forms.ValidationError(_("That code is not valid. Check your device's clock and try again."))
        return code


@never_cache
@login_required
def two_factor_setup(request):
    """Enrol a TOTP device: show its secret, confirm it with a first code."""
    device = confirmed_device(request.user)
    required = second_factor_required(request.user)
    if device is not None:
        if request.method == "POST" and request.POST.get("action") == "remove":
            if required:
                messages.error(request, _("Your role requires two-factor sign-in: it cannot be turned off."))
            else:
                two_factor_disable(user=request.user)
                messages.success(request, _("Two-factor sign-in is off."))
            return redirect("security:two-factor")
        return render(request, "security/two_factor_setup.html",
                      {"device": device, "enabled": True, "required": required})
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Fondos", confirmed=False)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        two_factor_enable(user=request.user, device=device)
        mark_verified(request)
        messages.success(request, _("Two-factor sign-in is on: you will be asked for a code at sign-in."))
        return redirect(_safe_next(request) or "security:two-factor")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "security/two_factor_setup.html",
                  {"device": device, "form": form, "secret": secret, "config_url": device.config_url,
                   "required": required, "next": _safe_next(request)})


def _safe_next(request) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return ""
    return next_url


@never_cache
@login_required
def two_factor_verify(request):
    """The second step of signing in, for people with a confirmed device."""
    next_url = _safe_next(request)
    device = confirmed_device(request.user)
    if device is None or not second_factor_pending(request):
        return redirect(next_url or "home")
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        mark_verified(request)
        return redirect(next_url or "home")
    return render(request, "security/two_factor_verify.html", {"form": form, "next": next_url})
