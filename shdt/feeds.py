"""The public change feed (Atom, at /feed/); its entries are made by shdt.core.feed."""

from django.contrib.syndication.views import Feed
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import escape
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy

from shdt.core.feed import feed_entries


class ChangeFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Shanghai Digital Trade Registry: changes")
    subtitle = gettext_lazy(
        "What the registry has put under public notice, published or withdrawn, and each new edition of a list."
    )
    author_name = gettext_lazy("Shanghai Municipal Commission of Commerce")

    def link(self):
        # The feed's alternate: the same changes as a page, for a person whose browser opens the feed.
        return reverse("changes")

    def feed_url(self):
        return reverse("change_feed")

    def items(self):
        return feed_entries()

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        # Atom's <summary type="html"> is read as HTML once the XML is decoded: the text
        # (names come from staff and imports) is escaped for HTML here, so that a name such
        # as 上海<script>…</script>科技有限公司 reads as itself in every feed reader.
        return linebreaksbr(escape(entry.description))

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
