"""
The public form, its receipt and the private status page. None of them is cached: they
are not VersionedResponseCacheMixin views (shdt.core.caching keeps only those) and each
answer says no-store; the forms carry a CSRF token, unlike the cacheable public pages.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from shdt.core.links import absolute_url
from shdt.core.limits import APPLICATION, too_many_requests, wait_seconds

from .forms import ApplicationForm
from .selectors import next_window, open_window
from .services import application_by_token, application_correct, application_submit, application_withdraw

RECEIPT_SESSION_KEY = "application_receipt"


def _over_limit(request):
    """429 if this address has submitted more than APPLICATION_RATE allows; every POST counts, a refused one too."""
    retry_after = wait_seconds(request, APPLICATION)
    return too_many_requests(request, retry_after) if retry_after is not None else None


def _apply_errors(form, error: ValidationError) -> None:
    # A refusal found while storing (the window closed meanwhile, a count reached) is the form's.
    form.add_error(None, error)


@never_cache
@csrf_protect
def application_create(request):
    window = open_window()
    context = {"window": window, "next_window": None if window else next_window(), "site_section": "apply"}
    if window is None:
        return render(request, "applications/application_form.html", context)
    if request.method == "POST":
        limited = _over_limit(request)
        if limited is not None:
            return limited
        form = ApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                application, token = application_submit(
                    window=window, data=form.applicant_data(), uploads=form.cleaned_data["attachments"]
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                request.session[RECEIPT_SESSION_KEY] = {"receipt": application.receipt_number, "token": token}
                return redirect("application_receipt")
    else:
        form = ApplicationForm()
    context["form"] = form
    return render(request, "applications/application_form.html", context, status=400 if form.errors else 200)


@never_cache
def application_receipt(request):
    """The receipt number and the private link, shown once: taken out of the session as it is shown."""
    receipt = request.session.pop(RECEIPT_SESSION_KEY, None)
    if receipt is not None:
        receipt["link"] = absolute_url(reverse("application_status", args=[receipt["token"]]))
    return render(request, "applications/application_receipt.html", {"receipt": receipt, "site_section": "apply"})


@never_cache
@csrf_protect
def application_status(request, token: str):
    application = application_by_token(token)
    if application is None:
        raise Http404
    form, refused = None, False
    if request.method == "POST" and not application.correctable():
        # A correction sent after a reviewer took the application (or the window closed): say so.
        refused = True
    elif application.correctable():
        existing = list(application.attachments.all())
        if request.method == "POST":
            limited = _over_limit(request)
            if limited is not None:
                return limited
            if request.POST.get("action") == "withdraw":
                try:
                    application_withdraw(application)
                except ValidationError:
                    # A reviewer took it meanwhile: shown as it now stands.
                    pass
                return redirect("application_status", token=token)
            form = ApplicationForm(request.POST, request.FILES, instance=application, existing_attachments=existing)
            if form.is_valid():
                try:
                    application_correct(
                        application,
                        data=form.applicant_data(),
                        uploads=form.cleaned_data["attachments"],
                        remove=form.removed_attachments(),
                    )
                except ValidationError as error:
                    _apply_errors(form, error)
                else:
                    return redirect("application_status", token=token)
            # A refused correction leaves the stored application as it was.
            application.refresh_from_db()
        else:
            form = ApplicationForm(instance=application, initial={"declaration": application.declaration}, existing_attachments=existing)
    context = {
        "application": application,
        "attachments": application.attachments.all(),
        "form": form,
        "token": token,
        "refused": refused,
        "site_section": "apply",
    }
    return render(request, "applications/application_status.html", context, status=409 if refused else 400 if form is not None and form.errors else 200)
