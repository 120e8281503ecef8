"""
The report's tables as the text of the report gives them, read with the plainest
parsing possible, so that tests compare the registry with the source itself.
"""

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

REPORT_TEXT = Path(__file__).resolve().parent.parent / "fixtures" / "source" / "report_2022.txt"


@cache
def _lines() -> list[str]:
    return REPORT_TEXT.read_text(encoding="utf-8").splitlines()


def _table_rows(caption: str, pattern: str) -> list[tuple]:
    lines = _lines()
    start = next(i for i, line in enumerate(lines) if line.startswith(caption))
    rows, seen_rows = [], False
    for line in lines[start + 1 :]:
        match = re.fullmatch(pattern, line.strip())
        if match:
            rows.append(match.groups())
            seen_rows = True
        elif seen_rows and line.strip() and not line.startswith("序号"):
            break
    return rows


@cache
def enterprises_3_3() -> list[tuple[int, str, str, str]]:
    """表 3-3: (序号, 企业名称, 业务类型, 所属区域)."""
    rows = _table_rows("表 3-3 ", r"(\d+)\t(.+?)\t(云服务|数字服务|数字内容|跨境电商)\t(\S+)")
    return [(int(n), name, kind, region) for n, name, kind, region in rows]


@cache
def case_studies_6_1() -> list[tuple[int, str, str, str, Decimal]]:
    """表 6-1: (序号, 企业名称, 业务类型, 所属区域, 数字贸易进出口额 in 万美元)."""
    rows = _table_rows("表 6-1 ", r"(\d+)\t(.+?)\t(\S+)\t(\S+)\t([\d.]+)")
    return [(int(n), name, kind, region, Decimal(volume)) for n, name, kind, region, volume in rows]


@cache
def policies_3_2() -> list[tuple[int, str, str, str]]:
    """表 3-2: (序号, 发布日期 as YYYY-MM-DD, 发布单位, 文件名称)."""
    rows = _table_rows("表 3-2 ", r"(\d+)\t(\d{4})/(\d{1,2})/(\d{1,2})\t(\S+)\t(.+)")
    return [(int(n), f"{y}-{int(m):02d}-{int(d):02d}", issuer, title) for n, y, m, d, issuer, title in rows]
