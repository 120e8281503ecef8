"""What policy documents give the site's search (shdt.core.search): the public policies whose title matches."""

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from shdt.core.search import Hit, SearchSource

from .models import Policy


def policy_list_url(query: str) -> str:
    return f"{reverse('policy_list')}?{urlencode({'q': query})}"


def policy_hits(query: str, limit: int) -> list[Hit]:
    """
    Public policies whose title (Chinese or English) contains the query, newest first. A
    policy has no page of its own: each links to the policy list filtered by its title.
    """
    # Policies are few (表 3-2 has 17): no index is needed for their titles.
    rows = (
        Policy.objects.public()
        .filter(Q(title__icontains=query) | Q(title_en__icontains=query))
        .order_by("-published_on", "title")
        .only("title", "title_en", "published_on")[:limit]
    )
    return [Hit(policy.title, policy_list_url(policy.title), policy.title_en, policy.published_on.isoformat()) for policy in rows]


POLICY_SOURCE = SearchSource("policies", _("Policies"), policy_hits, order=40, more_url=policy_list_url)
