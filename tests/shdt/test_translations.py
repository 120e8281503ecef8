"""The Chinese interface is complete, and the compiled catalogue is the one the sources say."""

import ast
import gettext
import re
from pathlib import Path

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from django.utils.translation.template import templatize
from django.utils.translation.trans_real import CONTEXT_SEPARATOR, DjangoTranslation

from shdt.core.models import ImportRecord
from tests.factories import make_enterprise, put_on_list
from tests.sheets import xlsx_bytes
from tests.workbench import people_create, work_create

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


# --- The staff's pages: nothing left in English (issue 15) ---------------------------

# Placeholders say nothing a reader sees in English: "%(count)s", "{name}".
PLACEHOLDER = re.compile(r"%(\(\w+\))?[sdif]|\{\w*\}")


@pytest.fixture
def untranslated(monkeypatch):
    """
    Every English message a page asks for in Chinese that no catalogue translates (ours,
    Django's, the third-party apps'), as gettext meets it while the page is made: the
    messages of templates, of Python, and of the apps' own models alike.
    """
    misses = set()
    gettext_, ngettext_ = DjangoTranslation.gettext, DjangoTranslation.ngettext

    def missed(translation, key, message):
        if translation.language() == "zh-hans" and key not in translation._catalog:
            message = message.split(CONTEXT_SEPARATOR)[-1]
            if re.search("[A-Za-z]", PLACEHOLDER.sub("", message)):
                misses.add(message)

    def gettext(self, message):
        missed(self, message, message)
        return gettext_(self, message)

    def ngettext(self, singular, plural, number):
        missed(self, (singular, 0), singular)  # Chinese has one form
        return ngettext_(self, singular, plural, number)

    monkeypatch.setattr(DjangoTranslation, "gettext", gettext)
    monkeypatch.setattr(DjangoTranslation, "ngettext", ngettext)
    return misses


def chinese(client, url, **kwargs):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans", **kwargs)
    assert response.status_code == 200, url
    return response


# Names that are English in Chinese too.
ENGLISH_IN_CHINESE = {"Excel", "CSV", "JSON", "XLSX", "xlsx", "KB", "SHA"}


def visible_english(html: str, *, names=()) -> set[str]:
    """
    The English words a reader sees on a page: its text, titles and placeholders, not its
    markup or scripts, nor `names` (of files, say). Not image descriptions: Django's own
    search icon's is “Search” in every language, written in its template, not a message.
    """
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    seen = " ".join(re.findall(r'\b(?:title|placeholder|aria-label)="([^"]*)"', html))
    text = re.sub(r"<[^>]+>|&\w+;", " ", html) + " " + seen
    return set(re.findall(r"[A-Za-z][A-Za-z'-]+", text)) - ENGLISH_IN_CHINESE - set(names)


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["editor", "reviewer", "viewer", "account_admin", "superuser"])
def test_the_admin_index_and_its_workbench_are_all_in_chinese(client, untranslated, person):
    people = people_create()
    work_create(people)
    client.force_login(people[person])
    response = chinese(client, reverse("admin:index"))
    assert response.context["workbench"].sections
    assert sorted(untranslated) == [], "\n".join(sorted(untranslated))
    # Nor any English that gettext never saw (a third-party model's plain name, say).
    assert visible_english(response.content.decode()) == set()


@pytest.mark.django_db
def test_the_import_pages_are_all_in_chinese(client, untranslated):
    people = people_create()
    editor = people["editor"]
    client.force_login(editor)
    public = put_on_list(make_enterprise("上海公开科技有限公司", region="xuhui"), year=2021).enterprise
    make_enterprise("博彦科技（上海）有限公司")
    headers = ["序号", "企业名称", "业务类型", "所属区域"]
    sheet = lambda *rows: xlsx_bytes(headers, rows)  # noqa: E731
    files = {
        # New rows, a change to a public enterprise (waiting for review), a likely duplicate.
        "duplicates.xlsx": sheet(
            (1, "上海新增科技有限公司", "数字服务", "浦东"), (2, public.name, "云服务", "徐汇"), (3, "博彦科技有限公司", "数字服务", "浦东")
        ),
        # Errors in every column.
        "errors.xlsx": sheet((1, "", "不存在的类型", "火星"), ("x", "上海错误科技有限公司", "数字服务", "浦东")),
        "notes.xlsx": b"\x89PNG\r\n\x1a\n\x00\x00",
        "good.xlsx": sheet((1, "上海良好科技有限公司", "数字内容", "闵行")),
    }
    add = reverse("admin:shdt_importrecord_add")
    chinese(client, add)
    records = {}
    for name, content in files.items():
        upload = SimpleUploadedFile(name, content)
        response = client.post(add, {"kind": "enterprises", "list_year": "2023", "file": upload}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 302
        records[name] = ImportRecord.objects.get(file_name=name)
    good = records["good.xlsx"]
    client.post(reverse("admin:shdt_importrecord_change", args=[good.pk]), {"confirm": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    good.refresh_from_db()
    assert good.status == ImportRecord.Status.DONE
    # The form's own errors.
    refused = client.post(add, {"kind": "enterprises", "list_year": "1900"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert set(refused.context["form"].errors) == {"file", "list_year"}
    pages = [
        reverse("admin:shdt_importrecord_changelist"),
        *(reverse("admin:shdt_importrecord_change", args=[record.pk]) for record in records.values()),
        reverse("admin:shdt_importrecord_changes", args=[good.pk]),
    ]
    # The files' names, and the test-only table's (tests/awards, named in English).
    names = {*(Path(name).stem for name in files), "awards"}
    for url in pages:
        assert visible_english(chinese(client, url).content.decode(), names=names) == set(), url
    assert sorted(untranslated) == [], "\n".join(sorted(untranslated))
