"""
The district map (shdt.core.maps): a tile per region of Shanghai on the statistics page and
the home page, each with its count from 表 3-3 and a link to the list of what it counts.
"""

import html
import re
from collections import Counter
from itertools import combinations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shdt.core.maps import LAYOUT, TILE, district_map, english_short_name
from shdt.reference.models import Region
from tests.report_tables import enterprises_3_3

# A tile that leads somewhere: <a href="…" aria-label="浦东新区：18 家企业" class="map-tile …">.
TILE_LINK = re.compile(r'<a href="([^"]+)" aria-label="([^"]+)" class="map-tile map-step-(\d)">')
TILE_WITHOUT_LINK = re.compile(r'<g role="img" aria-label="([^"]+)" class="map-tile map-step-0">')


def table_3_3_by_region() -> dict[str, int]:
    """表 3-3's enterprises per region, by region code (every region, 0 for none)."""
    by_short_name = Counter(region for *_, region in enterprises_3_3())
    return {r.code: by_short_name.get(r.short_name, 0) for r in Region.objects.all()}


def svg_of(content: str, map_id: str) -> str:
    figure = content.split(f'<figcaption id="{map_id}-title"', 1)[1]
    return figure.split("</svg>", 1)[0]


class Named:
    """A region as far as the layout needs one."""

    def __init__(self, code):
        self.code = code


# The layout


@pytest.mark.django_db
def test_every_region_of_the_reference_data_has_a_tile():
    assert set(Region.objects.values_list("code", flat=True)) == set(LAYOUT)


def test_no_two_tiles_share_a_place():
    assert len(set(LAYOUT.values())) == len(LAYOUT)
    # Squares on a grid overlap only if they share a cell; drawn, they are apart too.
    tiles = district_map([(Named(code), 1) for code in LAYOUT]).tiles
    for a, b in combinations(tiles, 2):
        apart_x = a.x + TILE <= b.x or b.x + TILE <= a.x
        apart_y = a.y + TILE <= b.y or b.y + TILE <= a.y
        assert apart_x or apart_y, (a.region.code, b.region.code)


def test_the_map_keeps_roughly_to_geography():
    column = {code: place[0] for code, place in LAYOUT.items()}
    row = {code: place[1] for code, place in LAYOUT.items()}
    assert row["chongming"] == min(row.values())  # the island at the top
    assert column["pudong"] == column["lingang"] == max(column.values())  # the east
    assert row["lingang"] > row["pudong"]  # Lingang at Pudong's south-eastern tip
    assert column["qingpu"] == column["songjiang"] == min(column.values())  # the west
    assert row["jiading"] < row["putuo"] and row["minhang"] > row["xuhui"]


def test_colour_steps_grow_with_the_count_and_zero_has_its_own():
    pairs = [(Named("a"), 0), (Named("b"), 1), (Named("c"), 9), (Named("d"), 18)]
    tiles = {t.region.code: t for t in district_map(pairs).tiles}
    assert [tiles[c].step for c in "abcd"] == [0, 1, 2, 4]
    legend = district_map([(Named("a"), 0), (Named("d"), 18)]).legend
    assert [(s.step, s.low, s.high) for s in legend] == [(0, 0, 0), (1, 1, 5), (2, 6, 10), (3, 11, 15), (4, 16, 18)]


def test_a_region_the_layout_does_not_know_still_shows_below_it():
    tiles = district_map([(Named("pudong"), 3), (Named("newtown"), 2)]).tiles
    new = next(t for t in tiles if t.region.code == "newtown")
    assert new.row > max(row for _, row in LAYOUT.values())


def test_a_region_with_none_leads_nowhere():
    tiles = district_map([(Named("jinshan"), 0), (Named("pudong"), 3)], link=lambda r: f"/x/{r.code}").tiles
    assert [t.link for t in tiles] == ["", "/x/pudong"]


def test_english_tiles_say_the_place_without_the_generic_word():
    assert english_short_name("Pudong New Area") == "Pudong"
    assert english_short_name("Lingang Special Area") == "Lingang"
    assert english_short_name("Jing'an District") == "Jing'an"


# The pages


@pytest.mark.django_db
@pytest.mark.parametrize(("page_name", "map_id"), [("stats", "region-map"), ("home", "home-map")])
def test_a_tile_per_region_with_its_count_from_table_3_3(client, report, page_name, map_id):
    response = client.get(reverse(page_name))
    expected = table_3_3_by_region()
    assert {t.region.code: t.count for t in response.context["region_map"].tiles} == expected
    svg = svg_of(response.content.decode(), map_id)
    names = {r.code: r.name for r in Region.objects.all()}
    linked = {html.unescape(label) for _, label, _ in TILE_LINK.findall(svg)}
    unlinked = {html.unescape(label) for label in TILE_WITHOUT_LINK.findall(svg)}
    assert linked == {f"{names[code]}：{n} 家企业" for code, n in expected.items() if n}
    assert "浦东新区：18 家企业" in linked
    # 表 3-3 lists no enterprise in 金山: its tile is drawn, and leads to no empty list.
    assert unlinked == {"金山区：0 家企业"}
    # The same figures as a table, folded.
    assert f'id="{map_id}-table"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("page_name", "map_id"), [("stats", "region-map"), ("home", "home-map")])
def test_each_tile_leads_to_a_list_of_as_many_enterprises(client, report, page_name, map_id):
    svg = svg_of(client.get(reverse(page_name)).content.decode(), map_id)
    links = TILE_LINK.findall(svg)
    assert len(links) == 16
    for href, label, _ in links:
        listed = client.get(html.unescape(href))
        assert listed.status_code == 200
        count = int(re.search(r"：(\d+) 家企业", html.unescape(label)).group(1))
        assert listed.context["total"] == count, href


@pytest.mark.django_db
def test_the_statistics_map_leads_to_the_list_it_counts(client, report):
    tiles = {t.region.code: t for t in client.get(reverse("stats")).context["region_map"].tiles}
    assert tiles["pudong"].link == f"{reverse('enterprise_list')}?list=2022&district=pudong"


@pytest.mark.django_db
@pytest.mark.parametrize(("page_name", "map_id"), [("stats", "region-map"), ("home", "home-map")])
def test_the_english_map_says_its_names_in_english(client, report, page_name, map_id):
    svg = svg_of(client.get(reverse(page_name), HTTP_ACCEPT_LANGUAGE="en").content.decode(), map_id)
    labels = {html.unescape(label) for _, label, _ in TILE_LINK.findall(svg)}
    assert "Pudong New Area: 18 enterprises" in labels
    assert "Chongming District: 1 enterprise" in labels
    assert ">Pudong</text>" in svg and ">Lingang</text>" in svg
    assert "浦东" not in svg


@pytest.mark.django_db
def test_the_home_page_asks_no_more_of_the_database(client, report):
    # Before the map the page asked 12 queries: the count of public enterprises, of case
    # studies, bases and policies, the latest list, the business types, and six for the
    # "last updated" line. The map's grouped count takes the place of the first, whose
    # number it also gives.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.context["enterprise_count"] == 100
    sql = [q["sql"] for q in queries]
    assert len(sql) <= 12, sql
    assert len([s for s in sql if 'FROM "enterprises_region"' in s]) == 1
    assert not [s for s in sql if s.startswith('SELECT COUNT(*) AS "__count" FROM "enterprises_enterprise"')]


@pytest.mark.django_db
def test_the_home_page_queries_do_not_grow_with_the_regions(client, report):
    client.get(reverse("home"))  # whatever is cached per data version, cached alike for both
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    Region.objects.create(code="newtown", short_name="新城", name="新城区", name_en="Newtown District", sort_order=99)
    with CaptureQueriesContext(connection) as after:
        html_after = client.get(reverse("home")).content.decode()
    assert len(after) == len(before)
    assert "新城区：0 家企业" in html.unescape(html_after)
