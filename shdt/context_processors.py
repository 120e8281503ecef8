"""What every page's template may show besides its own context."""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Max
from django.urls import get_script_prefix, reverse
from django.utils import translation

from shdt.core.caching import cached_for_token, current_token
from shdt.core.models import PublicationEvent
from shdt.core.registry import registered_models

# The addresses the header and footer of every page link to, by URL name.
CHROME_URL_NAMES = (
    "home",
    "enterprise_list",
    "exportbase_list",
    "policy_list",
    "stats",
    "search",
    "search_suggest",
    "change_feed",
    "changes",
    "site_map",
    "accessibility",
    "api:docs",
    "annuallist_list",
    "application_create",
    "set_language",
    "admin:index",
)


def last_updated(request):
    """
    `registry_updated_at`: when what the public sees last changed, for the footer of every
    page. A callable, so that a page that does not show it does not read it.
    """
    return {"registry_updated_at": last_public_change}


def last_public_change():
    """
    The time of the latest change the public can see: the latest publication event
    (published, put under notice, withdrawn) or edit of a public record. Not the data
    version's time, which moves with every draft too: a footer that moved when staff saved
    a draft would tell the public that a draft exists. Computed once per data version.
    """

    def compute():
        times = [PublicationEvent.objects.aggregate(at=Max("at"))["at"]]
        for model in public_timestamped_models():
            times.append(model.objects.public().aggregate(at=Max("updated_at"))["at"])
        return max((time for time in times if time), default=None)

    return cached_for_token(current_token(), ("last public change",), compute)


def site_urls(request):
    """
    `site_urls`: the addresses of CHROME_URL_NAMES (`site_urls.home`, `site_urls.admin_index`).
    They are the same for every request under one script prefix, so they are reversed once:
    a {% url %} tag for each of them cost a list page more than its query.
    `site_section`: the first part of the page's path below that prefix ("enterprises",
    "bases", …), which the menu marks as the current one.
    """
    return {"site_urls": _site_urls(get_script_prefix()), "site_section": request.path_info.split("/", 2)[1]}


@functools.cache
def _site_urls(script_prefix: str) -> dict[str, str]:
    return {name.replace(":", "_"): reverse(name) for name in CHROME_URL_NAMES}


def public_timestamped_models() -> list[type]:
    """The registered models whose public records (`objects.public()`) say when they were last edited."""
    return [
        entry.model
        for entry in registered_models()
        if hasattr(entry.model.objects, "public") and any(f.name == "updated_at" for f in entry.model._meta.concrete_fields)
    ]


def site_owner(request):
    """
    `site_owner`: who runs the site (主办单位, settings.SITE_SPONSOR, in English
    SITE_SPONSOR_EN) and how to reach them (SITE_CONTACT; `contact_email` when it is an
    e-mail address, for a mailto link), for the footer of every page.
    """
    english = translation.get_language() == "en"
    contact = settings.SITE_CONTACT.strip()
    return {
        "site_owner": {
            "sponsor": (settings.SITE_SPONSOR_EN if english and settings.SITE_SPONSOR_EN else settings.SITE_SPONSOR),
            "contact": contact,
            "contact_email": contact if _is_email(contact) else "",
        }
    }


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True
