"""
Bar charts drawn on the server as SVG: no script, no library, nothing fetched. The
template draws each bar from these numbers, and shows the same numbers as a table.
"""

from dataclasses import dataclass
from decimal import Decimal

CHART_WIDTH = 640
BAR_AREA = 520  # the longest bar; the rest of the width holds its value
ROW_HEIGHT = 44  # a label line above a bar
BAR_HEIGHT = 16


@dataclass(frozen=True)
class Bar:
    item: object
    value: int | Decimal
    share: Decimal  # percent of the chart's total, one decimal
    width: float
    label_y: int
    bar_y: int
    value_x: float
    # Where the bar leads: the list of what it counts ("" for none).
    link: str = ""


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int


def bar_chart(pairs, link=None) -> BarChart:
    """
    Lay out horizontal bars for (item, value) pairs, the longest bar for the largest value;
    `link(item)`, if given, is the address each bar leads to.
    """
    pairs = list(pairs)
    largest = max((value for _, value in pairs), default=0) or 1
    total = Decimal(sum(value for _, value in pairs)) or Decimal(1)
    bars = []
    for index, (item, value) in enumerate(pairs):
        top = index * ROW_HEIGHT
        # Float is fine for drawing; the figures shown stay exact.
        width = round(float(value) / float(largest) * BAR_AREA, 1)
        share = (Decimal(value) * 100 / total).quantize(Decimal("0.1"))
        bars.append(Bar(item, value, share, max(width, 1.0), top + 14, top + 20, width + 8, link(item) if link else ""))
    return BarChart(bars, CHART_WIDTH, max(len(bars) * ROW_HEIGHT, ROW_HEIGHT))
