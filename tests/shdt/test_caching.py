"""
The response cache never serves a page older than the last change to what it shows: a
change is seen at once on the list, the profile, the download and the API.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import Enterprise, ListMembership
from enterprises.services import enterprise_update
from shdt.core.caching import VersionValues
from shdt.core.imports import import_table
from shdt.core.models import Status
from shdt.core.publication import records_move
from shdt.core.roles import REVIEWER
from tests.sheets import csv_bytes

# Caches are filled only outside a transaction: these tests commit, as a server does.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("committed_db")]

SLUG = "shanghaiximalayakeji"
OLD, NEW = "上海喜马拉雅科技有限公司", "上海喜马拉雅网络科技有限公司"


def everywhere(client) -> dict[str, str]:
    """What each public view answers, as text."""
    download = client.get(reverse("enterprise_download", kwargs={"fmt": "csv"}), {"district": "minhang"})
    return {
        "list": client.get(reverse("enterprise_list"), {"district": "minhang"}).content.decode(),
        "profile": client.get(reverse("enterprise_detail", args=[SLUG])).content.decode(),
        "download": b"".join(download.streaming_content).decode("utf-8-sig"),
        "api list": client.get(reverse("api:enterprise_list"), {"district": "minhang"}).content.decode(),
        "api detail": client.get(reverse("api:enterprise_detail", args=[SLUG])).content.decode(),
    }


def test_a_cached_page_costs_one_read_of_the_data_version(client, report, response_cache):
    url = reverse("enterprise_list") + "?district=minhang"
    first = client.get(url).content
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url).content
    assert again == first
    assert len(captured) == 1 and "shdt_dataversion" in captured[0]["sql"]


def test_a_change_by_a_service_is_seen_at_once(client, report, response_cache):
    assert all(OLD in text for text in everywhere(client).values())
    enterprise_update(Enterprise.objects.get(slug=SLUG), name=NEW)
    for view, text in everywhere(client).items():
        assert NEW in text, f"{view} still shows the old name"


def test_a_change_by_an_import_is_seen_at_once(client, report, response_cache):
    everywhere(client)
    content = csv_bytes(["企业名称", "所属区域", "业务类型"], [[OLD, "浦东", "数字内容"]])
    result = import_table("enterprises", content, file_name="move.csv", dry_run=False)
    assert result.ok
    texts = everywhere(client)
    assert OLD not in texts["list"] and OLD not in texts["download"] and OLD not in texts["api list"]
    assert "浦东新区" in texts["profile"] or "浦东" in texts["profile"]


def test_withdrawing_is_seen_at_once(client, report, response_cache, django_user_model):
    everywhere(client)
    reviewer = django_user_model.objects.create_user("reviewer", password="pw-for-tests-only", is_staff=True)
    reviewer.groups.add(Group.objects.get(name=REVIEWER))
    records_move(ListMembership.objects.filter(enterprise__slug=SLUG), to=Status.WITHDRAWN, user=reviewer)
    assert client.get(reverse("enterprise_detail", args=[SLUG])).status_code == 404
    assert client.get(reverse("api:enterprise_detail", args=[SLUG])).status_code == 404
    assert OLD not in everywhere(client)["list"]


def test_the_language_of_a_cached_page_is_the_visitors(client, report, response_cache):
    url = reverse("enterprise_list")
    assert "所属区域" in client.get(url).content.decode()
    assert "Region" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "所属区域" in client.get(url).content.decode()


def test_staff_are_never_served_a_cached_page(client, report, response_cache, django_user_model):
    client.get(reverse("enterprise_list"))
    staff = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-for-tests-only")
    client.force_login(staff)
    response = client.get(reverse("enterprise_list"))
    assert response.context is not None  # rendered, not taken from the cache
    # Rendered for this request: the session's user is the staff member, not an anonymous visitor.
    assert response.wsgi_request.user == staff


def test_a_cached_answer_keeps_the_headers_of_the_page_it_copies(client, report, response_cache):
    url = reverse("enterprise_list") + "?district=minhang"
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert len(captured) == 1  # the data version: the page itself came from the cache
    for header in ("Content-Type", "Content-Language", "Vary", "Content-Security-Policy", "X-Frame-Options"):
        assert again.headers.get(header) == first.headers.get(header), header
    assert again.headers["Content-Language"] == "en"


def test_an_api_reader_with_a_token_is_never_served_an_anonymous_answer(client, report, response_cache, django_user_model):
    from tests.api import token_headers

    url = reverse("api:enterprise_list") + "?district=minhang"
    anonymous = client.get(url)
    staff = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-for-tests-only")
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url, **token_headers(staff))
    # Answered by the view for the staff account (token, user, rows), not from the cache.
    assert answer.status_code == 200 and len(captured) > 2
    assert any("authtoken_token" in query["sql"] for query in captured)
    assert answer.json()["count"] == anonymous.json()["count"]


def test_the_data_version_read_gives_what_the_database_holds():
    import datetime

    from shdt.core.models import DataVersion
    from shdt.core.versioning import ROW, data_version, data_version_bump

    data_version_bump()
    moment = datetime.datetime(2023, 1, 31, 17, 5, 6, 123456, tzinfo=datetime.UTC)
    DataVersion.objects.filter(pk=ROW).update(changed_at=moment)
    stored = DataVersion.objects.get(pk=ROW)
    read = data_version()
    assert (read.token, read.changed_at) == (stored.token, moment)
    assert read.changed_at.utcoffset() == datetime.timedelta(0)


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("/", True),
        ("/enterprises/", True),
        ("/enterprises/shanghaiximalayakeji/", True),
        ("/api/enterprises/", True),
        ("/api/enterprises/shanghaiximalayakeji/", True),
        ("/enterprises/download.csv", True),  # the list view: it marks no download, which streams
        ("/admin/login/", False),
        ("/feed/", False),
        ("/no-such-page/", False),
    ],
)
def test_only_the_paths_of_public_views_are_looked_up_in_the_response_cache(rf, path, kept):
    from shdt.core.caching import view_keeps_responses

    assert view_keeps_responses(rf.get(path)) is kept


def test_counts_and_facets_follow_a_change_at_once_without_the_response_cache(client, report):
    # Counts, facet counts and reference rows are kept per data version, in the cache and
    # in each process: a change makes a new version, so none of them is served stale.
    def minhang():
        response = client.get(reverse("enterprise_list"), {"district": "minhang"})
        facets = {facet.param: {o.value: o.count for o in options} for facet, options in response.context["facets"]}
        return response.context["total"], facets["district"]["minhang"]

    total, facet_count = minhang()
    assert total == facet_count and total > 0
    content = csv_bytes(["企业名称", "所属区域", "业务类型"], [[OLD, "浦东", "数字内容"]])
    assert import_table("enterprises", content, file_name="move.csv", dry_run=False).ok
    assert minhang() == (total - 1, facet_count - 1)


def test_what_a_process_keeps_of_a_version_is_forgotten_when_the_version_moves_on():
    values = VersionValues()
    values.set("t7", "count", 42)
    assert values.get("t7", "count") == 42
    assert values.get("t8", "count") is None
    values.set("t8", "other", 1)
    assert values.get("t7", "count") is None and values.get("t8", "count") is None


def test_what_a_process_keeps_is_bounded_and_the_oldest_goes_first():
    values = VersionValues()
    for n in range(VersionValues.SIZE + 1):
        values.set("t1", f"key {n}", n)
    assert values.get("t1", "key 0") is None
    assert values.get("t1", "key 1") == 1 and values.get("t1", f"key {VersionValues.SIZE}") == VersionValues.SIZE


# --- The rows of a page, kept per data version --------------------------------------


def list_rows_read(queries) -> list:
    """The queries that read the list's rows (the count and the facets are counted, not read)."""
    return [q["sql"] for q in queries if "LIMIT" in q["sql"] and '"enterprises_enterprise"."slug"' in q["sql"]]


def test_a_list_page_reads_its_rows_once_per_data_version(client, report):
    url = reverse("enterprise_list")
    with CaptureQueriesContext(connection) as first:
        shown = [row.name for row in client.get(url, {"district": "minhang"}).context["rows"]]
    with CaptureQueriesContext(connection) as again:
        assert [row.name for row in client.get(url, {"district": "minhang"}).context["rows"]] == shown
    assert len(list_rows_read(first.captured_queries)) == 1
    assert list_rows_read(again.captured_queries) == []
    # Another query or another page is read on its own.
    with CaptureQueriesContext(connection) as other:
        client.get(url, {"district": "minhang", "sort": "name"})
    assert len(list_rows_read(other.captured_queries)) == 1


def test_pages_of_the_list_and_the_api_follow_a_change_at_once(client, report):
    enterprise = Enterprise.objects.public().get(name="上海喜马拉雅科技有限公司")
    for url in ("/enterprises/?district=minhang", "/api/enterprises/?district=minhang&page_size=100"):
        assert enterprise.name in client.get(url).content.decode()
    enterprise_update(enterprise, name_en="Ximalaya Technology")
    assert "Ximalaya Technology" in client.get("/api/enterprises/?district=minhang&page_size=100").content.decode()
    # The list's rows are kept per data version: the update made a new one.
    english = client.get("/enterprises/?district=minhang", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ximalaya Technology</a>" in english
    enterprise_update(enterprise, region=enterprise.region.__class__.objects.get(code="xuhui"))
    for url in ("/enterprises/?district=minhang", "/api/enterprises/?district=minhang&page_size=100"):
        assert enterprise.name not in client.get(url).content.decode()


def test_an_empty_page_is_read_without_a_query(report):
    from shdt.core.caching import CountCachingPaginator, current_token

    queryset = Enterprise.objects.filter(name="no such enterprise").values_list("id", "name")
    paginator = CountCachingPaginator(queryset, 50, count_key=("empty",), cached_rows_key=("empty",), token=current_token())
    assert paginator.count == 0
    with CaptureQueriesContext(connection) as queries:
        assert list(paginator.page(1)) == []
    # No rows are read (what is kept is stored only if the data token is still the one it
    # was read under: that check reads the token, and nothing else).
    assert [q["sql"] for q in queries if "enterprises_enterprise" in q["sql"]] == []


def test_an_api_page_written_by_postgresql_is_read_once_per_data_token_and_per_host(client, report, settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL writes the API's JSON; SQLite serializes each page (tests/enterprises/test_api_representation.py)")
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.cn"]
    url = "/api/enterprises/?district=minhang"

    def json_reads(queries):
        return [q["sql"] for q in queries if "json_build_object" in q["sql"]]

    with CaptureQueriesContext(connection) as first:
        shown = client.get(url).json()
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).json() == shown
    assert len(json_reads(first.captured_queries)) == 1
    assert json_reads(again.captured_queries) == []
    # Another host's answer has its own links, not those kept for the first host.
    mirrored = client.get(url, HTTP_HOST="mirror.example.cn").json()
    assert mirrored["results"][0]["url"].startswith("http://mirror.example.cn/api/")
    assert shown["results"][0]["url"].startswith("http://testserver/api/")
    # Staff are never given the kept rows.
    staff = get_user_model().objects.create_user("staff", password="pw-for-tests-only", is_staff=True)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as as_staff:
        client.get(url)
    assert len(json_reads(as_staff.captured_queries)) == 1
