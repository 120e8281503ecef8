"""
Write a synthetic enterprise sheet for measuring `import_data`: N rows of 表 3-3's columns
plus a valid credit code, registered-looking Chinese names, every region and type.

    .venv/bin/python bench/import_sheet.py 10000 > /tmp/enterprises-10000.csv
    time .venv/bin/python manage.py import_data enterprises /tmp/enterprises-10000.csv --list 2030 -v 0

`sheet_csv()` gives the same sheet as bytes (bench/importing.py measures with it); a
`marker` of characters that no existing name has keeps every name new, and not a likely
duplicate of an existing one.
"""

import csv
import io
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shdt.core.validators import CREDIT_CODE_CHARS, credit_code_check_character  # noqa: E402

REGIONS = ["黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定", "浦东", "金山", "松江", "青浦", "奉贤", "崇明", "临港"]
TYPES = ["云服务", "数字服务", "数字内容", "跨境电商"]
WORDS = "星云海天华信达通联创智数链汇融博远航科恒泰安源金鼎瑞宏思捷视听游戏医药物流软件网络"
TRADES = ["信息科技", "网络科技", "数字科技", "软件", "文化传媒", "电子商务", "供应链管理", "智能科技"]
FORMS = ["有限公司", "股份有限公司", "有限责任公司"]
HEADER = ["序号", "企业名称", "业务类型", "所属区域", "统一社会信用代码"]


def credit_code(rng: random.Random) -> str:
    first17 = "91310" + "".join(rng.choice(CREDIT_CODE_CHARS[:10]) for _ in range(7)) + "".join(
        rng.choice(CREDIT_CODE_CHARS) for _ in range(5)
    )
    return first17 + credit_code_check_character(first17)


def sheet_rows(rows: int, seed: int = 7, marker: str = ""):
    """Yield the data rows: serial, name (with `marker` after the brand), type, region, credit code."""
    rng = random.Random(seed)
    names, codes = set(), set()
    while len(names) < rows:
        core = "".join(rng.choice(WORDS) for _ in range(rng.randint(2, 4)))
        name = f"上海{core}{marker}{rng.choice(TRADES)}{rng.choice(FORMS)}"
        code = credit_code(rng)
        if name in names or code in codes:
            continue
        names.add(name)
        codes.add(code)
        yield [len(names), name, rng.choice(TYPES), rng.choice(REGIONS), code]


def write_sheet(out, rows: int, seed: int = 7, marker: str = "") -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(sheet_rows(rows, seed, marker))


def sheet_csv(rows: int, seed: int = 7, marker: str = "") -> bytes:
    """Return the sheet as the UTF-8 CSV bytes an upload would have."""
    out = io.StringIO()
    write_sheet(out, rows, seed, marker)
    return out.getvalue().encode("utf-8")


def main(rows: int, seed: int = 7) -> None:
    write_sheet(sys.stdout, rows, seed)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
