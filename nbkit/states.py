"""The named states nbkit's rooms share, one definition each.

``TaskState``: what a (processor, date) holds, as gap analysis reads it and the planner acts
on it. ``TableStatus``: the same date as a coverage grid shows it. ``RunStatus``: an outcome
as the run history records it. They are ``StrEnum``: a member equals its text, so frames,
JSON and SQL written against the production strings read them unchanged.
"""

from __future__ import annotations

import enum


class TaskState(enum.StrEnum):
    """State of one processor on one date."""

    MISSING = "missing"                  # nothing written where rows are expected
    PARTIAL = "partial"                  # fewer or more rows than expected
    DUPLICATES = "duplicates"            # a key repeats
    FAILED = "failed"                    # rows look right, but the latest run failed
    STALE = "stale"                      # complete, at an older code version
    DONE = "done"                        # complete at this code version
    DONE_NO_HISTORY = "done_no_history"  # complete, written before the ledger knew it
    BOOTSTRAP = "bootstrap"              # empty by design: a season's bootstrap window


DONE_STATES = frozenset({TaskState.DONE, TaskState.DONE_NO_HISTORY})
# What a default backfill runs again.
TODO_STATES = frozenset({TaskState.MISSING, TaskState.PARTIAL, TaskState.DUPLICATES,
                         TaskState.FAILED, TaskState.STALE})


class TableStatus(enum.StrEnum):
    """A table's date in the coverage grid."""

    COMPLETE = "complete"
    PARTIAL = "partial"
    MISSING = "missing"
    EXPECTED_EMPTY = "expected-empty"


class RunStatus(enum.StrEnum):
    """An outcome in processor_run_history."""

    SUCCESS = "success"
    PARTIAL = "partial"
    FAILED = "failed"
    SKIPPED = "skipped"
    RETRIED = "retried"
    CANCELLED = "cancelled"


UNSUCCESSFUL = frozenset({RunStatus.FAILED, RunStatus.PARTIAL})
