"""
Reports of an error in a public record ("report an error" on an enterprise's or a
base's page), kept as CorrectionRequest for staff to handle in the admin.

The form sits on pages that are cached whole and carry no CSRF token (see shdt/urls.py on
set_language), so what it posts may be anything anyone sends. That is safe because
taking a report changes nothing but adds a row staff read: no record, no public page,
no data token. What keeps the rows few and real, without an outside service:

- a firm limit per address (settings.CORRECTION_RATE, shdt.core.limits), counted on
  every POST, the refused ones included;
- a field people do not see (HONEYPOT): a form-filling robot fills it, and is answered as
  a person is, so it learns nothing, while nothing is kept;
- a post that names another site as its origin is refused (a page elsewhere cannot make
  its visitors' browsers send reports here);
- only a record the public sees can be reported: a draft's address answers 404, as its page does.

Which kinds of record can be reported, each app says from its AppConfig.ready()
(shdt.core.registry.register_reportable).
"""

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import CorrectionRequest
from .registry import reportable_models

# The field a person does not see (hidden by CSS and from assistive technology); a robot
# that fills every field fills it.
HONEYPOT = "website"


class CorrectionForm(forms.Form):
    message = forms.CharField(
        label=_("What is wrong"),
        max_length=CorrectionRequest.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea,
        help_text=_("Which detail is wrong, and what it should say; a source if you have one."),
    )
    contact = forms.CharField(
        label=_("Your contact (optional)"),
        max_length=200,
        required=False,
        help_text=_("An e-mail address or telephone number, if you would like an answer."),
    )
    website = forms.CharField(required=False)

    def is_robot(self) -> bool:
        """Whether the hidden field was filled: only a robot sees it."""
        return bool(self.data.get(HONEYPOT, "").strip())


def reportable_model(kind: str):
    """The model of a kind in the form's address; 404 for any other kind."""
    try:
        return reportable_models()[kind]
    except KeyError:
        raise Http404 from None


def public_record(kind: str, slug: str):
    """The record the public sees under this address; 404 for a draft, a withdrawn or an unknown one."""
    model = reportable_model(kind)
    record = model.objects.public().filter(slug=slug).first()
    if record is None:
        raise Http404
    return record


def reportable_content_types() -> list[ContentType]:
    """The content types of the kinds that can be reported (the admin's filter)."""
    return list(ContentType.objects.get_for_models(*reportable_models().values()).values())


def correction_request_create(*, record, message: str, contact: str = "") -> CorrectionRequest:
    """Keep a visitor's report of an error in `record`, in the language they wrote from."""
    request = CorrectionRequest(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        record_title=str(record)[:300],
        message=message.strip(),
        contact=contact.strip(),
        language=translation.get_language() or "",
    )
    request.full_clean()
    request.save()
    return request


def from_this_site(request) -> bool:
    """
    Whether a POST may come from this site's own page: a browser names the page's origin
    in the Origin header; one that names another site (or "null", as a sandboxed frame
    does) is refused. Without the header (an older browser, a script), the limits decide.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS
