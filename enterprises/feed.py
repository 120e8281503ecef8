"""The lists' new editions in the public change feed (registered in EnterprisesConfig.ready)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shdt.core.feed import FeedEntry, tag_uri
from shdt.core.templatetags.registry import localized

from .editions import editions_listed


def edition_feed_entries(limit: int) -> list[FeedEntry]:
    editions = editions_listed().select_related("annual_list").order_by("-published_at", "-pk")[:limit]
    return [edition_entry(edition) for edition in editions]


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
        guid=tag_uri(edition.published_at, f"edition:{edition.annual_list.year}:{edition.number}"),
        category=str(edition._meta.verbose_name),
    )

