"""
The Jinja2 environment of the public pages (settings.TEMPLATES): Django's URLs, static
files and translations, and the site's filters. The admin keeps Django's templates.
"""

from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from shdt.core.languages import page_without_language
from shdt.core.links import canonical_url, language_alternates
from shdt.core.search import highlight
from shdt.core.templatetags.registry import localized, volume
from shdt.core.text import name_reading
from shdt.core.templating import DJANGO_FILTERS


def url(name: str, *args, **kwargs) -> str:
    """`{{ url("listedition_list", year=2022) }}`: Django's {% url %}."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    options["extensions"] = [*options.get("extensions", ()), "jinja2.ext.i18n", "shdt.core.templating.DjangoTranslationTags"]
    env = Environment(**options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update(
        url=url,
        static=static,
        canonical_url=canonical_url,
        language_alternates=language_alternates,
        page_without_language=page_without_language,
    )
    env.filters.update(DJANGO_FILTERS, localized=localized, volume=volume, name_reading=name_reading, highlight=highlight)
    return env
