"""What an import reports: each error with its row and column, each row's outcome, and the whole result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields

from django.utils.translation import gettext as _

def format_problem(row: int | None, column: str, reason: str) -> str:
    """
    Return an error as the user reads it: `第 7 行 所属区域：未知区域“外滩”` in Chinese,
    `Row 7, 所属区域: unknown region “外滩”` in English. The column is the header as the
    file writes it; the pieces stay separate so that every language orders them its way.
    """
    if row is None and not column:
        return reason
    if row is None:
        return _("%(column)s: %(reason)s") % {"column": column, "reason": reason}
    if not column:
        return _("Row %(row)d: %(reason)s") % {"row": row, "reason": reason}
    return _("Row %(row)d, %(column)s: %(reason)s") % {"row": row, "column": column, "reason": reason}


class ImportRefused(Exception):
    """The file as a whole cannot be imported: too large, not a spreadsheet, hostile."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Problem:
    """One error: where it is (row as Excel numbers it, header as the file writes it) and why."""

    row: int | None
    column: str
    code: str
    message: str

    def __str__(self):
        return format_problem(self.row, self.column, self.message)


@dataclass
class Change:
    """
    One changed value of a row: the column's header, the value before and after, as text;
    the record's field it changes, and whether it waits for a reviewer instead of being
    written (a public record's field, changed by an editor: see TableImport.plan_review).
    """

    column: str
    old: str
    new: str
    # Not compared: a change is what the preview shows (column, values, whether it waits).
    field_name: str = field(default="", compare=False)
    pending: bool = False


# Row statuses. A likely duplicate is a new row whose name is close to an existing
# enterprise's: it is not imported until the staff member decides (see README).
NEW, CHANGED, UNCHANGED, ERROR, SIMILAR = "new", "changed", "unchanged", "error", "similar"


# The two ways of deciding every likely duplicate of a file at once.
ALL_NEW, ALL_SAME = "new", "same"


def decide_all(similar_rows: list[dict], how: str) -> dict[str, str]:
    """
    Return {row number: decision} for a preview's likely duplicates (its rows as stored),
    all decided one way: ALL_NEW makes each a new enterprise; ALL_SAME makes each the
    existing enterprise it was flagged against. A row flagged against several has no one
    suggestion, so ALL_SAME leaves it out for the person to choose.
    """
    if how == ALL_NEW:
        return {str(row["row"]): "new" for row in similar_rows}
    if how == ALL_SAME:
        return {str(row["row"]): str(row["similar"][0]["pk"]) for row in similar_rows if len(row["similar"]) == 1}
    raise ValueError(f"no such way of deciding all: {how!r}")


@dataclass
class Similar:
    """An existing record whose name is close to a new row's name."""

    pk: int
    name: str


@dataclass
class RowOutcome:
    """What importing one row does (or would do)."""

    row: int
    status: str
    label: str
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    similar: list[Similar] = field(default_factory=list)
    # Set when the staff member decided on a likely duplicate: "new" or the id it is.
    decision: str = ""

    def add_change(self, change: Change) -> None:
        """Add a change found beside the record's own fields (a list's 序号, recognitions)."""
        self.changes.append(change)
        if self.status == UNCHANGED:
            self.status = CHANGED

    @property
    def pending(self) -> bool:
        """Whether a change of this row waits for a reviewer instead of being written."""
        return any(change.pending for change in self.changes)

    def describe(self) -> str:
        """Return the row's preview line: what happens to it."""
        if self.status == NEW:
            return _("Row %(row)d: new: %(record)s") % {"row": self.row, "record": self.label}
        if self.status == CHANGED:
            changes = "; ".join(
                (
                    _("%(column)s %(old)s → %(new)s (waits for review)")
                    if c.pending
                    else _("%(column)s %(old)s → %(new)s")
                )
                % {"column": c.column, "old": quoted(c.old), "new": quoted(c.new)}
                for c in self.changes
            )
            return _("Row %(row)d: changed: %(record)s: %(changes)s") % {
                "row": self.row,
                "record": self.label,
                "changes": changes,
            }
        if self.status == UNCHANGED:
            return _("Row %(row)d: unchanged: %(record)s") % {"row": self.row, "record": self.label}
        if self.status == SIMILAR:
            return _("Row %(row)d: %(record)s may be %(existing)s: decide before importing") % {
                "row": self.row,
                "record": self.label,
                "existing": "、".join(f"“{s.name}”" for s in self.similar),
            }
        return "\n".join(str(problem) for problem in self.problems)


@dataclass
class ImportResult:
    """The preview of an import, or what it did: every row's outcome and every error."""

    kind: str
    file_name: str
    dry_run: bool
    format: str = ""
    encoding: str = ""
    rows_total: int = 0
    # Errors about the file itself or its headers (every row's errors are in `rows`).
    file_problems: list[Problem] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    written: bool = False

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.rows if outcome.status == status)

    @property
    def problems(self) -> list[Problem]:
        """Every error, the file's first, then the rows' in their order."""
        problems = list(self.file_problems)
        for outcome in self.rows:
            problems.extend(outcome.problems)
        return problems

    @property
    def similar_rows(self) -> list[RowOutcome]:
        return [outcome for outcome in self.rows if outcome.status == SIMILAR]

    @property
    def pending_rows(self) -> list[RowOutcome]:
        """The rows whose changes (some or all) wait for a reviewer instead of being written."""
        return [outcome for outcome in self.rows if outcome.pending]

    @property
    def error_count(self) -> int:
        """Errors that stop the import: each error, and each likely duplicate not yet decided."""
        return len(self.problems) + len(self.similar_rows)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def counts(self) -> dict[str, int]:
        return {
            "new": self.count(NEW),
            "updated": self.count(CHANGED),
            "unchanged": self.count(UNCHANGED),
            "errors": self.error_count,
        }

    def summary_line(self) -> str:
        """The last line `import_data` prints: `new=N updated=N unchanged=N errors=N`."""
        return " ".join(f"{name}={number}" for name, number in self.counts().items())

    def as_json(self, max_rows: int | None = None) -> dict:
        """
        Return the result as JSON data for the import's record. Unchanged rows are left
        out beyond `max_rows` shown ones; errors, likely duplicates and rows that wait for
        review are always kept.
        """
        kept, shown = [], 0
        for outcome in self.rows:
            keep = outcome.status in (ERROR, SIMILAR) or outcome.pending or max_rows is None or shown < max_rows
            if keep:
                kept.append(outcome)
                if outcome.status not in (ERROR, SIMILAR):
                    shown += 1
        # Only the rows kept are converted: a large file's preview keeps a few of its rows.
        data = {
            f.name: [asdict(item) for item in (kept if f.name == "rows" else getattr(self, f.name))]
            if f.name in ("rows", "file_problems")
            else getattr(self, f.name)
            for f in dataclass_fields(self)
        }
        data["counts"] = self.counts()
        return data


def quoted(value) -> str:
    """A value as a preview shows it: in quotes, or “(empty)” where there is none (not “”)."""
    return f"“{value}”" if value not in ("", None) else str(_("(empty)"))
