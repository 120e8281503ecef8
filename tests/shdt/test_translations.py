"""The Chinese interface is complete, and the compiled catalogue is the one the sources say."""

import ast
import gettext
import re
from pathlib import Path

import polib
from django.utils.translation.template import templatize

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# What templatize() writes for each message, as xgettext reads it: gettext(u'…'), ngettext(u'…', …).
MESSAGE = re.compile(r"""\bn?gettext\(u('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


def test_every_string_has_a_chinese_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_its_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    with open(LOCALE / "django.mo", "rb") as fileobj:
        compiled = gettext.GNUTranslations(fileobj)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled._catalog.get(key) == entry.msgstr, f"run `make messages`: {entry.msgid!r} is stale"


def test_makemessages_finds_every_string_of_the_jinja2_templates_and_each_is_translated():
    # The public templates are Jinja2's, written with Django's translation tags
    # (shdt.core.templating) so that makemessages reads them as it reads Django's.
    po = polib.pofile(str(LOCALE / "django.po"))
    translated = {entry.msgid for entry in po.translated_entries()}
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        found |= {ast.literal_eval(literal) for literal in MESSAGE.findall(source)}
    assert {"Skip to content", "%(counter)s enterprise", "Last updated: <time datetime=\"%(iso)s\">%(time)s</time>"} <= found
    assert "all" in found  # the facets' "all", once made in Python
    assert sorted(found - translated) == []
