"""
The public change feed (Atom, at /feed/): what the public has been shown, newest first.

Its entries are the publication events (shdt.core.models.PublicationEvent) that the public
saw happen: a record put under public notice (公示), published or withdrawn; and each
new edition of a list. Returning a record to draft is a reviewer's internal step, not an
entry; and the entries of a record that is now a draft again (or deleted) are left out
altogether, so that the feed never names what the public cannot see. Who made a change
is internal and never shown.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from enterprises.editions import editions_listed

from shdt.core.models import PUBLIC_STATUSES, PublicationEvent, Status
from shdt.core.templatetags.registry import localized

FEED_ENTRIES = 50
FEED_ACTIONS = (Status.NOTICE, Status.PUBLISHED, Status.WITHDRAWN)

# For each kind of record in the feed: the condition (on the record) for its entries to
# be shown, and the page that stands in for its own when that is not public (or it has none).
FEED_KINDS = {
    "enterprises.listmembership": (Q(), "enterprise_list"),
    # A case study is public only with its enterprise: until then it is not named.
    "enterprises.casestudy": (Q(enterprise__public_list_year__isnull=False), "enterprise_list"),
    "bases.exportbase": (Q(), "exportbase_list"),
    "policies.policy": (Q(), "policy_list"),
}

ACTION_TITLES = {
    Status.NOTICE: gettext_lazy("Under public notice: %(title)s"),
    Status.PUBLISHED: gettext_lazy("Published: %(title)s"),
    Status.WITHDRAWN: gettext_lazy("Withdrawn: %(title)s"),
}


@dataclass(frozen=True)
class FeedEntry:
    title: str
    link: str
    at: datetime.datetime
    description: str
    guid: str
    category: str


def feed_events(limit: int = FEED_ENTRIES):
    """The latest publication events the public may see, newest first."""
    shown = Q(pk__in=[])
    for kind, (condition, _index) in FEED_KINDS.items():
        model = apps.get_model(kind)
        records = model.objects.filter(condition, pk=OuterRef("record_id")).exclude(status=Status.DRAFT)
        shown |= Q(Exists(records), kind=kind)
    return PublicationEvent.objects.filter(shown, action__in=FEED_ACTIONS).order_by("-at", "-pk")[:limit]


def feed_entries(limit: int = FEED_ENTRIES) -> list[FeedEntry]:
    """The feed's entries: the latest events and list editions together, newest first."""
    entries = events_as_entries(list(feed_events(limit)))
    editions = editions_listed().select_related("annual_list").order_by("-published_at", "-pk")[:limit]
    entries += [edition_entry(edition) for edition in editions]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def events_as_entries(events) -> list[FeedEntry]:
    """Turn events into entries, reading each kind's records once (their pages, their notices)."""
    by_kind = defaultdict(list)
    for event in events:
        by_kind[event.kind].append(event.record_id)
    records = {}
    for kind, ids in by_kind.items():
        model = apps.get_model(kind)
        for record in _with_page_state(model.objects.filter(pk__in=ids).select_related("notice")):
            records[kind, record.pk] = record
    # A record deleted since the events were read is left out, as the query would have.
    return [
        event_entry(event, records[event.kind, event.record_id]) for event in events if (event.kind, event.record_id) in records
    ]


def _with_page_state(queryset):
    """Annotate `page_is_public`: whether the page a record's events link to is public now."""
    model = queryset.model
    if any(field.name == "enterprise" for field in model._meta.fields):
        return queryset.annotate(page_is_public=Q(enterprise__public_list_year__isnull=False))
    return queryset.annotate(page_is_public=Q(status__in=PUBLIC_STATUSES))


def event_entry(event: PublicationEvent, record) -> FeedEntry:
    _condition, index = FEED_KINDS[event.kind]
    link = event.url if event.url and record.page_is_public else reverse(index)
    description = [str(ACTION_TITLES[event.action] % {"title": event.title})]
    if event.action == Status.NOTICE and record.notice is not None:
        notice = record.notice
        description.append(
            _("Under public notice from %(starts)s to %(ends)s. Objections to: %(contact)s")
            % {"starts": f"{notice.starts_on:%Y-%m-%d}", "ends": f"{notice.ends_on:%Y-%m-%d}", "contact": notice.contact}
        )
    return FeedEntry(
        title=description[0],
        link=link,
        at=event.at,
        description="\n".join(description),
        guid=_tag_uri(event.at, f"event:{event.pk}"),
        category=str(apps.get_model(event.kind)._meta.verbose_name),
    )


def edition_entry(edition) -> FeedEntry:
    params = {"list": localized(edition.annual_list, "title"), "number": edition.number, "count": edition.row_count}
    description = ngettext(
        "%(list)s, edition %(number)s: %(count)s enterprise, with the files and their SHA-256 checksums.",
        "%(list)s, edition %(number)s: %(count)s enterprises, with the files and their SHA-256 checksums.",
        edition.row_count,
    ) % params
    if edition.note:
        description += "\n" + edition.note
    return FeedEntry(
        title=_("New edition: %(list)s, edition %(number)s") % params,
        link=edition.get_absolute_url(),
        at=edition.published_at,
        description=description,
        guid=_tag_uri(edition.published_at, f"edition:{edition.annual_list.year}:{edition.number}"),
        category=str(edition._meta.verbose_name),
    )


def _tag_uri(at: datetime.datetime, name: str) -> str:
    """A permanent id of an entry (RFC 4151), which stays the same whatever page it links to."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{timezone.localdate(at):%Y-%m-%d}:shdt:{name}"


class ChangeFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Shanghai Digital Trade Registry: changes")
    subtitle = gettext_lazy(
        "What the registry has put under public notice, published or withdrawn, and each new edition of a list."
    )
    author_name = gettext_lazy("Shanghai Municipal Commission of Commerce")

    def link(self):
        return reverse("home")

    def feed_url(self):
        return reverse("change_feed")

    def items(self):
        return feed_entries()

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return entry.description

    def item_link(self, entry):
        return entry.link

    def item_guid(self, entry):
        return entry.guid

    def item_pubdate(self, entry):
        return entry.at

    def item_updateddate(self, entry):
        return entry.at

    def item_categories(self, entry):
        return [entry.category]
