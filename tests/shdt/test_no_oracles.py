"""
No oracles (issue 14, finding 6): what the public is offered and how it is answered are
computed from the records it may see. A draft's values (a policy's issuer, a base's year,
a list of drafts alone) are neither among the choices nor answered otherwise than a value
that never existed.
"""

import datetime
import difflib
import re
from urllib.parse import quote

import pytest
from django.test import Client

from shdt.core.models import Status
from tests.factories import make_base, make_enterprise, make_policy, put_on_list

pytestmark = pytest.mark.django_db

DRAFT_ISSUER, NEVER_ISSUER = "上海市草稿办公室", "上海市虚构办公室"
DRAFT_LIST, NEVER_LIST = "2031", "2032"
DRAFT_YEAR, NEVER_YEAR = "1999", "1998"

# Every public page and API answer that offers choices or counts.
CHOICE_PAGES = [
    "/",
    "/enterprises/",
    "/enterprises/?district=pudong",
    "/bases/",
    "/policies/",
    "/lists/",
    "/stats/",
    "/api/lists/",
    "/api/policies/",
    "/api/bases/",
    "/api/enterprises/",
    "/api/schema/",
]

# (path with {value}, the draft's value, a value that never existed).
ANSWERS = [
    ("/policies/?issuer={value}", DRAFT_ISSUER, NEVER_ISSUER),
    ("/policies/download.csv?issuer={value}", DRAFT_ISSUER, NEVER_ISSUER),
    ("/api/policies/?issuer={value}", DRAFT_ISSUER, NEVER_ISSUER),
    ("/enterprises/?list={value}", DRAFT_LIST, NEVER_LIST),
    ("/enterprises/download.csv?list={value}", DRAFT_LIST, NEVER_LIST),
    ("/api/enterprises/?list={value}", DRAFT_LIST, NEVER_LIST),
    ("/lists/{value}/editions/", DRAFT_LIST, NEVER_LIST),
    ("/bases/?year={value}", DRAFT_YEAR, NEVER_YEAR),
    ("/api/bases/?year={value}", DRAFT_YEAR, NEVER_YEAR),
    ("/bases/download.csv?year={value}", DRAFT_YEAR, NEVER_YEAR),
]


def create_drafts():
    """A draft of each kind whose values nothing public has."""
    make_policy("《草稿政策》", issuer=DRAFT_ISSUER, published_on=datetime.date(2022, 3, 1), status=Status.DRAFT)
    make_base("草稿基地", years=(int(DRAFT_YEAR),), status=Status.DRAFT)
    enterprise = make_enterprise("上海草稿名单科技有限公司")
    put_on_list(enterprise, int(DRAFT_LIST), serial=1, status=Status.DRAFT)


# What differs between two answers whatever the records: a page's script nonce.
NONCE = re.compile(rb'nonce="[^"]*"')


def answer(path: str) -> tuple[int, str, bytes]:
    response = Client().get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, response["Content-Type"], NONCE.sub(b'nonce=""', body)


def hide(body: bytes, value: str) -> bytes:
    """`body` with `value` (as text and percent-encoded) replaced, so that two answers compare."""
    return body.replace(value.encode(), b"VALUE").replace(quote(value).encode(), b"VALUE")


def assert_same(body: bytes, expected: bytes) -> None:
    """The two answers are the same; if not, the lines that differ (not two pages of bytes)."""
    if body != expected:
        lines = difflib.unified_diff(expected.decode().splitlines(), body.decode().splitlines(), lineterm="", n=1)
        pytest.fail("\n".join(list(lines)[:40]))


@pytest.fixture
def report_and_drafts(report, settings):
    # Each answer is computed, not taken from a response cache that holds the answer before the drafts.
    settings.RESPONSE_CACHE_SECONDS = 0
    before = {path: answer(path) for path in CHOICE_PAGES}
    create_drafts()
    return before


def test_public_choices_and_counts_are_the_same_with_drafts(report_and_drafts, subtests):
    # One test over every page (subtests): loading the report and the pages once, not per page.
    for path in CHOICE_PAGES:
        with subtests.test(path=path):
            status, content_type, body = answer(path)
            assert status == 200
            assert (status, content_type) == report_and_drafts[path][:2]
            assert_same(body, report_and_drafts[path][2])
            for value in (DRAFT_ISSUER, "上海草稿名单科技有限公司", "草稿基地", "《草稿政策》"):
                assert value.encode() not in body


def test_a_drafts_value_is_answered_as_one_that_never_existed(report_and_drafts, subtests):
    for path, draft, never in ANSWERS:
        with subtests.test(path=path):
            # As a browser asks: the value percent-encoded.
            status, content_type, body = answer(path.format(value=quote(draft)))
            never_status, never_type, never_body = answer(path.format(value=quote(never)))
            assert (status, content_type) == (never_status, never_type)
            assert_same(hide(body, draft), hide(never_body, never))


def test_staff_tools_still_offer_the_drafts_values(report_and_drafts):
    from bases.filters import ExportBaseFilterSet
    from enterprises.filters import EnterpriseFilterSet
    from policies.filters import PolicyFilterSet
    from bases.models import ExportBase
    from enterprises.models import Enterprise
    from policies.models import Policy

    staff = PolicyFilterSet({"issuer": [DRAFT_ISSUER]}, queryset=Policy.objects.all(), public=False)
    assert staff.is_valid() and [p.title for p in staff.qs] == ["《草稿政策》"]
    public = PolicyFilterSet({"issuer": [DRAFT_ISSUER]}, queryset=Policy.objects.public())
    assert not public.is_valid()
    assert EnterpriseFilterSet({"list": DRAFT_LIST}, queryset=Enterprise.objects.all(), public=False).is_valid()
    assert not EnterpriseFilterSet({"list": DRAFT_LIST}, queryset=Enterprise.objects.public()).is_valid()
    assert ExportBaseFilterSet({"year": DRAFT_YEAR}, queryset=ExportBase.objects.all(), public=False).is_valid()
