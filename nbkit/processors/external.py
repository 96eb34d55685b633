"""Processors defined outside nbkit: an existing backfill script, or a Python callable.

Their outcomes land in the same ledger and plans as the SQL processors. The
command template is split into arguments before the placeholders are filled,
and run without a shell, so date values can never inject shell syntax.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import shlex
import subprocess
from typing import Callable, ClassVar

from nbkit.errors import NbkitError
from nbkit.processors.base import Processor


class ExternalProcessorError(NbkitError):
    """Raised when an external command exits non-zero or a callable raises."""


class ExternalProcessor(Processor):
    """A processor whose work is done by a command or a callable.

    Attributes:
        COMMAND: template such as ``python pgs_backfill.py --dates {dates}``; placeholders
            {dates} (comma-separated ISO dates), {start_date}, {end_date}.
        CALLABLE: ``fn(warehouse=..., dates=[date, ...])``, alternatively.
        TIMEOUT_SECONDS: a command running longer is killed and the chunk fails.
    """

    COMMAND: ClassVar[str | None] = None
    CALLABLE: ClassVar[Callable | None] = None
    TIMEOUT_SECONDS: ClassVar[int] = 6 * 3600

    @classmethod
    def sql_text(cls) -> str:
        return cls.COMMAND or _callable_source(cls.CALLABLE)

    @classmethod
    def code_version(cls) -> str:
        return hashlib.sha256(cls.sql_text().encode()).hexdigest()[:12]

    @classmethod
    def command_args(cls, dates: list[dt.date]) -> list[str]:
        values = {"dates": ",".join(d.isoformat() for d in dates),
                  "start_date": min(dates).isoformat(), "end_date": max(dates).isoformat()}
        return [part.format(**values) for part in shlex.split(cls.COMMAND)]

    @classmethod
    def run_external(cls, warehouse, dates: list[dt.date]) -> None:
        if cls.CALLABLE is not None:
            try:
                cls.CALLABLE(warehouse=warehouse, dates=list(dates))
            except Exception as err:  # noqa: BLE001 - reported as this processor's failure
                raise ExternalProcessorError(f"{cls.NAME} raised {type(err).__name__}: {err}",
                                             "fix the callable, then rerun the backfill") from err
            return
        args = cls.command_args(dates)
        try:
            done = subprocess.run(args, capture_output=True, text=True,
                                  timeout=cls.TIMEOUT_SECONDS)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise ExternalProcessorError(f"{cls.NAME}: could not run {args[0]}: {err}",
                                         "check COMMAND and that the script exists") from err
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
            raise ExternalProcessorError(
                f"{cls.NAME}: command exited {done.returncode}: {tail[0][:300]}",
                "run the command by hand for the failing dates to see the full error")


def _callable_source(fn) -> str:
    if fn is None:
        raise NbkitError("An external processor needs COMMAND or CALLABLE",
                         "set one of the two class attributes")
    try:
        return inspect.getsource(fn)
    except (OSError, TypeError):
        return f"{fn.__module__}.{getattr(fn, '__qualname__', repr(fn))}"
