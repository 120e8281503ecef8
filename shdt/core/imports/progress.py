"""
Progress: where a run has got to, phase by phase (reading, checking, writing the records,
their history, what the public sees), each phase with its rows or records done of its
total, for the admin's progress page and as the run's sign of life (runner).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings

# report(phase, done, total)
ProgressCallback = Callable[[str, int, int], None]
PROGRESS_EVERY = 1000
# The clock of the heartbeat (a name of its own, so that tests can make rows slow).
clock = time.monotonic


class Progress:
    """
    Told of every row or record a phase does; reports `(phase, done, total)` at the start
    and the end of each phase, every PROGRESS_EVERY rows and at least every sixth of
    IMPORT_LEASE_SECONDS: often enough for the page and the lease, seldom enough that
    the writes cost the import nothing measurable. Without `report`, it counts only.
    """

    def __init__(self, report: ProgressCallback | None = None):
        self.report = report
        self.phase, self.done, self.total = "", 0, 0
        self.beat_every = max(1.0, settings.IMPORT_LEASE_SECONDS / 6)
        self.next_beat = clock() + self.beat_every

    def start(self, phase: str, total: int) -> None:
        self.phase, self.done, self.total = phase, 0, total
        self.send()

    def advance(self, count: int = 1) -> None:
        """`count` more rows or records done (never more than the phase's total: the bar does not overrun)."""
        before = self.done
        self.done = min(self.total, self.done + count)
        if self.report and (self.done // PROGRESS_EVERY > before // PROGRESS_EVERY or clock() >= self.next_beat):
            self.send()

    def end(self) -> None:
        """The phase is done, whatever it counted (a total foreseen a little high must not leave the bar short)."""
        self.done = self.total
        self.send()

    def send(self) -> None:
        if self.report:
            self.report(self.phase, self.done, self.total)
            self.next_beat = clock() + self.beat_every
