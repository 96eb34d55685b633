"""The one error family of nbkit.

Every message ends with the fix. Errors carry structured fields and survive
pickling, so they cross process and papermill boundaries intact.
"""

from __future__ import annotations


class NbkitError(Exception):
    """Base of every error nbkit raises on purpose.

    Args:
        problem: what went wrong, one sentence.
        fix: what the user should do next, one sentence.
    """

    def __init__(self, problem: str, fix: str = "") -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(problem, fix)

    def __str__(self) -> str:
        if not self.fix:
            return self.problem
        return f"{self.problem.rstrip('.')}. Fix: {self.fix}"

    def __reduce__(self):
        return (type(self), (self.problem, self.fix))


class ConfigError(NbkitError):
    """Raised by config and the CLI for bad settings: warehouse paths, project ids."""


class ParamsError(NbkitError):
    """Raised when a user-supplied parameter (date, season, seed...) is invalid."""

    @classmethod
    def collected(cls, subject: str, problems: list[str]) -> ParamsError:
        """One error for every problem found (each ``"what. Fix: how"``), so a user fixes
        them all in one go; a single problem stays as it was, with its own fix.

        Example:
            >>> print(ParamsError.collected("the dates", ["start is late. Fix: swap them"]))
            start is late. Fix: swap them
        """
        if len(problems) == 1:
            problem, _, fix = problems[0].partition(" Fix: ")
            return cls(problem.rstrip(".") if fix else problem, fix)
        return cls(f"{len(problems)} problem(s) with {subject}: "
                   + " | ".join(p.rstrip(".") for p in problems),
                   "correct each value as its own Fix says, then run again")


class SchemaError(NbkitError):
    """Raised by the schema registry for unknown tables or malformed DDL."""


class SqlError(NbkitError):
    """Raised by the SQL layer when BigQuery SQL cannot be parsed or translated."""


class MissingDependencyError(NbkitError):
    """Raised when an optional extra (for example the BigQuery client) is not installed."""


class WarehouseError(NbkitError):
    """Raised by a warehouse backend; wraps the backend exception.

    Args:
        problem: what failed.
        fix: what to do next.
        table: the table involved, if any.
        statement: the SQL statement that failed, if any (truncated in the message).
    """

    def __init__(self, problem: str, fix: str = "", table: str | None = None,
                 statement: str | None = None) -> None:
        self.table = table
        self.statement = statement
        super().__init__(problem, fix)

    def __str__(self) -> str:
        parts = [self.problem.rstrip(".")]
        if self.table:
            parts.append(f"table {self.table}")
        if self.statement:
            stmt = " ".join(self.statement.split())
            parts.append(f"statement: {stmt[:300]}{'...' if len(stmt) > 300 else ''}")
        text = "; ".join(parts)
        return f"{text}. Fix: {self.fix}" if self.fix else text

    def __reduce__(self):
        return (type(self), (self.problem, self.fix, self.table, self.statement))


class StatementRefusedError(WarehouseError):
    """Raised by a warehouse's dry run when the engine refuses the statement itself (bad SQL,
    an unknown column, no partition filter where one is required): it would fail the same
    way if run."""


class WarehouseBusyError(WarehouseError):
    """Raised when another process holds the embedded warehouse file for writing."""
