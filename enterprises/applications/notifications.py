"""
The applicant's e-mails (Django's e-mail framework, settings.EMAIL_BACKEND): the receipt,
a return for correction, the decision. In Chinese and English together: the applicant's
language is not stored, and the registry's working language is Chinese.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from shdt.core.links import absolute_url


def _both(make) -> str:
    """`make()` written in Chinese, then in English."""
    parts = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            parts.append(make())
    return "\n\n----\n\n".join(parts)


def _send(application, subject, body) -> None:
    send_mail(_both(subject).replace("\n\n----\n\n", " / "), _both(body), settings.DEFAULT_FROM_EMAIL, [application.contact_email])


def send_receipt(application, token: str) -> None:
    link = absolute_url(reverse("application_status", args=[token]))

    def body():
        return _(
            "Your application for the %(year)s list of Shanghai digital trade innovation enterprises has been received.\n"
            "Receipt number: %(receipt)s\n"
            "Follow it, and correct it while no reviewer has it, at this private link (keep it to yourself):\n%(link)s"
        ) % {"year": application.window.year, "receipt": application.receipt_number, "link": link}

    _send(application, lambda: _("Application received: %(receipt)s") % {"receipt": application.receipt_number}, body)


def send_returned(application) -> None:
    def body():
        return _(
            "Application %(receipt)s has been returned for correction.\nReason: %(reason)s\n"
            "Correct it through the private link you received with the receipt."
        ) % {"receipt": application.receipt_number, "reason": application.reason}

    _send(application, lambda: _("Application returned for correction: %(receipt)s") % {"receipt": application.receipt_number}, body)


def send_decision(application) -> None:
    def body():
        text = _("Application %(receipt)s: %(status)s.") % {
            "receipt": application.receipt_number,
            "status": application.get_status_display(),
        }
        if application.reason:
            text += "\n" + _("Reason: %(reason)s") % {"reason": application.reason}
        if application.status == application.Status.ACCEPTED:
            text += "\n" + _("The enterprise will be on the draft list, which is announced for public notice (公示) before it is published.")
        return text

    _send(application, lambda: _("Decision on application %(receipt)s") % {"receipt": application.receipt_number}, body)
