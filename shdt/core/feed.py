"""
The entries of the public change feed (shdt.feeds.ChangeFeed, at /feed/).

Its entries are the publication events (shdt.core.models.PublicationEvent) that the public
saw happen: a record put under public notice (公示), published or withdrawn; and what the
apps register as feed sources (shdt.core.registry.register_feed_source), such as each new
edition of a list. Returning a record to draft is a reviewer's internal step, not an
entry; and the entries of a record that is now a draft again (or deleted) are left out
altogether, so that the feed never names what the public cannot see. Who made a change
is internal and never shown.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import PublicationEvent, Status
from .registry import feed_sources, model_for_label, publishable_models

FEED_ENTRIES = 50
FEED_ACTIONS = (Status.NOTICE, Status.PUBLISHED, Status.WITHDRAWN)

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
    for model in publishable_models():
        records = model.objects.filter(model.feed_condition(), pk=OuterRef("record_id")).exclude(status=Status.DRAFT)
        shown |= Q(Exists(records), kind=model._meta.label_lower)
    return PublicationEvent.objects.filter(shown, action__in=FEED_ACTIONS).order_by("-at", "-pk")[:limit]


def feed_entries(limit: int = FEED_ENTRIES) -> list[FeedEntry]:
    """The feed's entries: the latest events and the registered sources' together, newest first."""
    entries = events_as_entries(list(feed_events(limit)))
    for source in feed_sources():
        entries += source(limit)
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def events_as_entries(events) -> list[FeedEntry]:
    """Turn events into entries, reading each kind's records once (their pages, their notices)."""
    by_kind = defaultdict(list)
    for event in events:
        by_kind[event.kind].append(event.record_id)
    records = {}
    for kind, ids in by_kind.items():
        model = model_for_label(kind)
        page_is_public = model.page_public_condition()
        for record in model.objects.filter(pk__in=ids).select_related("notice").annotate(page_is_public=page_is_public):
            records[kind, record.pk] = record
    # A record deleted since the events were read is left out, as the query would have.
    return [
        event_entry(event, records[event.kind, event.record_id]) for event in events if (event.kind, event.record_id) in records
    ]


def event_entry(event: PublicationEvent, record) -> FeedEntry:
    link = event.url if event.url and record.page_is_public else reverse(record.list_url_name)
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
        guid=tag_uri(event.at, f"event:{event.pk}"),
        category=str(record._meta.verbose_name),
    )


def tag_uri(at: datetime.datetime, name: str) -> str:
    """A permanent id of an entry (RFC 4151), which stays the same whatever page it links to."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{timezone.localdate(at):%Y-%m-%d}:shdt:{name}"
