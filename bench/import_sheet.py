"""
Write a synthetic enterprise sheet for measuring `import_data`: N rows of 表 3-3's columns
plus a valid credit code, registered-looking Chinese names, every region and type.

    .venv/bin/python bench/import_sheet.py 10000 100000 > /tmp/enterprises-10000.csv
    time .venv/bin/python manage.py import_data enterprises /tmp/enterprises-10000.csv --list 2030 -v 0

The second number is the size of the benchmark's registry (bench/data.py, `make bench`'s
database): every name of the sheet differs from each of that registry's names and aliases
in a brand character and in sound (bench/names.py), so that none is a likely duplicate,
while about half are one brand character from a registered name (near misses). Without
it the names only differ from each other. `sheet_csv()` gives the same sheet as bytes
(bench/importing.py measures with it).
"""

import csv
import io
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.names import Registry, new_names, synthetic_registry  # noqa: E402
from shdt.core.validators import CREDIT_CODE_CHARS, credit_code_check_character  # noqa: E402

REGIONS = ["黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定", "浦东", "金山", "松江", "青浦", "奉贤", "崇明", "临港"]
TYPES = ["云服务", "数字服务", "数字内容", "跨境电商"]
HEADER = ["序号", "企业名称", "业务类型", "所属区域", "统一社会信用代码"]


def credit_code(rng: random.Random) -> str:
    first17 = "91310" + "".join(rng.choice(CREDIT_CODE_CHARS[:10]) for _ in range(7)) + "".join(
        rng.choice(CREDIT_CODE_CHARS) for _ in range(5)
    )
    return first17 + credit_code_check_character(first17)


def sheet_rows(rows: int, seed: int = 7, registry: Registry | None = None):
    """Yield the data rows: serial, name (new to `registry`), type, region, credit code."""
    rng = random.Random(seed)
    names, _near = new_names(registry or Registry(), rows, seed)
    codes: set[str] = set()
    for serial, name in enumerate(names, start=1):
        code = credit_code(rng)
        while code in codes:
            code = credit_code(rng)
        codes.add(code)
        yield [serial, name, rng.choice(TYPES), rng.choice(REGIONS), code]


def write_sheet(out, rows: int, seed: int = 7, registry: Registry | None = None) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(sheet_rows(rows, seed, registry))


def sheet_csv(rows: int, seed: int = 7, registry: Registry | None = None) -> bytes:
    """Return the sheet as the UTF-8 CSV bytes an upload would have."""
    out = io.StringIO()
    write_sheet(out, rows, seed, registry)
    return out.getvalue().encode("utf-8")


def main(rows: int, registry_size: int = 0, seed: int = 7) -> None:
    write_sheet(sys.stdout, rows, seed, synthetic_registry(registry_size) if registry_size else None)


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
