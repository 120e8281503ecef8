"""
The district map drawn on the server as SVG, as the bar charts are (shdt.core.charts): a
tile map, one square per region of Shanghai laid out roughly where the region lies, so
that no boundary data (and no licence to read) is needed. The template draws the tiles
from these numbers and shows the same numbers as a table.
"""

import math
from dataclasses import dataclass

from django.utils.translation import get_language

TILE = 108  # a tile's side: room for a district's name and its count
GAP = 6
STEPS = 4  # colour steps for the counts above 0 (the legend's swatches, site.css .map-step-N)

# (column, row) of each region's tile, by region code: 崇明 at the top, 嘉定 and 宝山 in the
# north, 青浦, 松江 and 金山 in the west, the seven central districts in the middle, 浦东 in
# the east and 临港新片区 at its south-eastern tip. Every region of the reference data has
# a place here (tests/shdt/test_district_map.py).
LAYOUT = {
    "chongming": (3, 0),
    "jiading": (1, 1),
    "baoshan": (2, 1),
    "qingpu": (0, 2),
    "putuo": (1, 2),
    "jingan": (2, 2),
    "hongkou": (3, 2),
    "yangpu": (4, 2),
    "songjiang": (0, 3),
    "changning": (1, 3),
    "xuhui": (2, 3),
    "huangpu": (3, 3),
    "pudong": (4, 3),
    "jinshan": (1, 4),
    "minhang": (2, 4),
    "fengxian": (3, 4),
    "lingang": (4, 4),
}

# The generic words an English name ends with: a tile has room for "Pudong", not "Pudong New Area".
ENGLISH_GENERIC = (" New Area", " Special Area", " District")


@dataclass(frozen=True)
class Tile:
    region: object
    count: int
    column: int
    row: int
    step: int  # 0 for none, then 1..STEPS by count
    # Where the tile leads: the list of what it counts ("" for a region with none).
    link: str = ""

    @property
    def x(self) -> int:
        return self.column * (TILE + GAP)

    @property
    def y(self) -> int:
        return self.row * (TILE + GAP)

    @property
    def label(self) -> str:
        """The name the tile shows: 浦东, or on English pages Pudong (the full name is its link's)."""
        if get_language() == "en" and self.region.name_en:
            return english_short_name(self.region.name_en)
        return self.region.short_name


@dataclass(frozen=True)
class LegendStep:
    step: int
    low: int
    high: int


@dataclass(frozen=True)
class TileMap:
    tiles: list[Tile]
    legend: list[LegendStep]
    width: int
    height: int
    tile_size: int = TILE

    @property
    def in_reading_order(self) -> list[Tile]:
        """The tiles row by row, left to right: the order a keyboard moves through them."""
        return sorted(self.tiles, key=lambda t: (t.row, t.column))


def english_short_name(name_en: str) -> str:
    for word in ENGLISH_GENERIC:
        if name_en.endswith(word):
            return name_en.removesuffix(word)
    return name_en


def step_size(largest: int) -> int:
    """How many enterprises each colour step spans: STEPS equal steps up to the largest count."""
    return max(1, math.ceil(largest / STEPS))


def district_map(pairs, link=None) -> TileMap:
    """
    Lay out a tile for each (region, count) pair, coloured by count; `link(region)`, if
    given, is the address a tile with a count leads to. A region with no enterprises is
    drawn but leads nowhere: a link to an empty list would be a dead end.
    """
    pairs = list(pairs)
    size = step_size(max((count for _, count in pairs), default=0))
    # A region the layout does not know yet still shows, in a row below the map, rather
    # than going missing from the figures.
    below = max(row for _, row in LAYOUT.values()) + 1
    unplaced = 0
    tiles = []
    for region, count in pairs:
        if region.code in LAYOUT:
            column, row = LAYOUT[region.code]
        else:
            column, row = unplaced % 5, below + unplaced // 5
            unplaced += 1
        step = 0 if count == 0 else min(STEPS, math.ceil(count / size))
        tiles.append(Tile(region, count, column, row, step, link(region) if link and count else ""))
    columns = max((t.column for t in tiles), default=0) + 1
    rows = max((t.row for t in tiles), default=0) + 1
    largest_step = max((t.step for t in tiles), default=0)
    legend = [LegendStep(step, (step - 1) * size + 1, step * size) for step in range(1, largest_step + 1)]
    # The last step ends at the largest count, not at a round number beyond it.
    if legend:
        legend[-1] = LegendStep(largest_step, legend[-1].low, max(count for _, count in pairs))
    if any(t.step == 0 for t in tiles):
        legend.insert(0, LegendStep(0, 0, 0))
    return TileMap(tiles, legend, columns * (TILE + GAP) - GAP, rows * (TILE + GAP) - GAP)
