"""The base class of every table's importer (each app's `imports.py` has one per table)."""

from __future__ import annotations

from django.db import models

from .columns import ColumnsMixin, Row
from .planning import Plan, PlanningMixin
from .progress import Progress
from .results import CHANGED, NEW, RowOutcome
from .writing import WritingMixin


class TableImport(ColumnsMixin, PlanningMixin, WritingMixin):
    """
    How the rows of one table become records. Subclasses (one per table, in the
    app's `imports.py`) prefetch what they match against in `prepare`, check each row
    in `check_row` without a query, check what spans rows in `check_file`, write in
    bulk in `write`, and bring what the public sees up to date in `refresh_public`.
    """

    #: The resource whose columns the file has (also the export's).
    resource_class: type
    #: Resource fields this importer reads itself (e.g. 序号 onto a list).
    special_columns: tuple[str, ...] = ()
    #: Columns a file must have.
    required_columns: tuple[str, ...] = ()
    #: A short name for messages, e.g. "enterprise".
    model: type[models.Model]

    def __init__(self, *, list_year: int | None = None, user=None, decisions: dict | None = None, record=None):
        self.list_year = list_year
        self.user = user if getattr(user, "is_authenticated", False) else None
        # Row number (as text, as JSON keeps it) → "new" or an existing record's id.
        self.decisions = {str(k): str(v) for k, v in (decisions or {}).items()}
        self.record = record
        self.resource = self.resource_class()
        self.plans: list[Plan] = []
        # Whatever identifies a record among the file's rows → the first row that has it.
        self.seen: dict = {}
        self.progress = Progress()
        # (model, ids, history type) of the records written, whose history rows are written next.
        self.history_queue: list[tuple] = []

    # The steps ------------------------------------------------------------------

    def prepare(self, rows: list[Row]) -> None:
        """Read, once, everything the rows are matched and checked against."""

    def check_row(self, row: Row) -> RowOutcome:
        raise NotImplementedError

    def check_file(self, rows: list[Row], outcomes: list[RowOutcome]) -> None:
        """Check what spans rows (duplicates, serials); add problems to the rows' outcomes."""

    def write(self) -> None:
        """Write the checked rows. Runs in the import's transaction, only when nothing is wrong."""
        raise NotImplementedError

    def write_total(self) -> int:
        """
        How many records `write` writes, for its progress: by default one per new or
        changed row. A table that writes more per row (entries on a list) says so.
        """
        return len(self.planned(NEW)) + sum(1 for plan in self.planned(CHANGED) if plan.changed_fields)

    def refresh_public(self) -> None:
        """
        Bring what the public sees up to date with what `write` wrote (columns kept for
        the public pages, which bulk writes, sending no signals, do not update). In the
        import's transaction, after the history.
        """

    def public_total(self) -> int:
        """How many records `refresh_public` refreshes, for its progress."""
        return 0
