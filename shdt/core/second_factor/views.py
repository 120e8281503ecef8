"""The second-factor pages: verify at each sign-in, enrol once, see the recovery codes once."""

from functools import wraps
from urllib.parse import urlencode

import django_otp
from django import forms
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import (
    CodeCheck,
    qr_code_svg,
    second_factor_check,
    second_factor_enrolled,
    second_factor_pending,
    second_factor_required,
    secret_text,
    totp_device_for_enrolment,
    totp_enrolment_confirm,
)

# Shown once, on the page after enrolment, then gone from the session.
NEW_CODES_SESSION_KEY = "second_factor_new_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


def _next_url(request) -> str:
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("admin:index")


def _with_next(request, name: str) -> str:
    return f"{reverse(name)}?{urlencode({REDIRECT_FIELD_NAME: _next_url(request)})}"


def staff_signed_in(view):
    """Let only a signed-in staff user in; one with nothing left to give goes on to the next page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff):
            return HttpResponseRedirect(f"{reverse('admin:login')}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return never_cache(require_http_methods(["GET", "POST"])(sensitive_post_parameters("code")(wrapped)))


def _refusal(check: CodeCheck) -> str:
    if check.throttled:
        seconds = max(1, int((check.locked_until - timezone.now()).total_seconds() + 0.999))
        return ngettext(
            "Too many wrong codes. Try again in %(seconds)d second.",
            "Too many wrong codes. Try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
    return str(_("This code is not right. Check the time on your phone, or use a recovery code."))


def _render(request, template: str, **context):
    context = {
        **admin.site.each_context(request),
        "available_apps": [],
        "next": _next_url(request),
        **context,
    }
    return TemplateResponse(request, f"admin/shdt/second_factor/{template}.html", context)


def _verified(request, device):
    django_otp.login(request, device)
    # A new session key for the verified session, as after the password.
    request.session.cycle_key()


@staff_signed_in
def verify_view(request):
    """Ask for a code from the authenticator or a recovery code."""
    if not second_factor_pending(request.user):
        return HttpResponseRedirect(_next_url(request))
    if not second_factor_enrolled(request.user):
        return HttpResponseRedirect(_with_next(request, "second_factor_enrol"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = second_factor_check(user=request.user, code=form.cleaned_data["code"])
        if check.ok:
            _verified(request, check.device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", _refusal(check))
    return _render(request, "verify", title=_("Second factor"), form=form)


@staff_signed_in
def enrol_view(request):
    """Show a new authenticator's secret and confirm it with its first code."""
    if not second_factor_required(request.user):
        return HttpResponseRedirect(_next_url(request))
    if second_factor_enrolled(request.user):
        # Only a reset (manage.py reset_second_factor) lets an enrolled account enrol again:
        # the password alone must never replace the authenticator.
        return HttpResponseRedirect(_with_next(request, "second_factor_verify"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check, codes = totp_enrolment_confirm(user=request.user, code=form.cleaned_data["code"])
        if check.ok:
            _verified(request, check.device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            return HttpResponseRedirect(_with_next(request, "second_factor_recovery_codes"))
        form.add_error("code", _refusal(check))
    device = totp_device_for_enrolment(request.user)
    return _render(
        request,
        "enrol",
        title=_("Set up your second factor"),
        form=form,
        qr_code=qr_code_svg(device.config_url),
        secret=secret_text(device),
    )


@staff_signed_in
def recovery_codes_view(request):
    """Show the recovery codes made at enrolment, once."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        return HttpResponseRedirect(_next_url(request))
    return _render(request, "recovery_codes", title=_("Your recovery codes"), codes=codes)
