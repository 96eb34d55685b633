"""Processors defined outside nbkit: an existing backfill script, or a Python callable.

Their outcomes land in the same ledger and plans as the SQL processors. The
command template is split into arguments before the placeholders are filled,
and run without a shell, so date values can never inject shell syntax.

Declared in the project file as ``[[pipeline.external]]`` (``ExternalSpec``). A command's
code version hashes the files it runs (``files``, default: the script paths named in the
command), a callable's the source of its module, so editing the script makes its dates
stale. A script that must not open the warehouse itself (an embedded DuckDB file is held
by the running backfill) gets its input rows as ``{input}`` (a CSV of ``input`` SQL over
the chunk's dates) and may write the target table's rows to ``{output}`` (a CSV nbkit
loads into the target's dates).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import importlib.util
import inspect
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nbkit.errors import NbkitError
from nbkit.processors.base import Processor
from nbkit.processors.header import NAME_RE, DeclarationError

PLACEHOLDERS = ("start_date", "end_date", "dates", "input", "output")
_SCRIPT_SUFFIXES = {".py", ".sh", ".r", ".rb", ".pl", ".js", ".sql", ".ipynb"}
TAIL_LINES = 20


class ExternalProcessorError(NbkitError):
    """Raised when an external command exits non-zero or a callable raises."""


class ExternalProcessor(Processor):
    """A processor whose work is done by a command or a callable.

    Attributes:
        COMMAND: template such as ``python pgs_backfill.py --dates {dates}``; placeholders
            {dates} (comma-separated ISO dates), {start_date}, {end_date}, {input}, {output}.
        CALLABLE: ``fn(warehouse=..., dates=[date, ...])``, alternatively.
        TIMEOUT_SECONDS: a command running longer is killed and the chunk fails.
        FILES: files whose content is the code version (the script and what it imports).
        WORKDIR: the folder the command runs in (the project's folder).
        INPUT_SQL: SELECT over @dates whose rows the command reads from ``{input}``.
    """

    COMMAND: ClassVar[str | None] = None
    CALLABLE: ClassVar[Callable | None] = None
    TIMEOUT_SECONDS: ClassVar[int] = 6 * 3600
    FILES: ClassVar[tuple[Path, ...]] = ()
    WORKDIR: ClassVar[Path | None] = None
    INPUT_SQL: ClassVar[str | None] = None

    @classmethod
    def sql_text(cls) -> str:
        return cls.COMMAND or getattr(cls, "CALLABLE_PATH", None) or _callable_source(cls.CALLABLE)

    @classmethod
    def code_version(cls) -> str:
        digest = hashlib.sha256(cls.sql_text().encode())
        for path in cls.FILES:
            digest.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
        for part in (cls.INPUT_SQL or "", cls.TARGET_TABLE or ""):
            digest.update(b"\0" + part.encode())
        return digest.hexdigest()[:12]

    @classmethod
    def command_args(cls, dates: list[dt.date], input: str = "", output: str = "") -> list[str]:
        values = {"dates": ",".join(d.isoformat() for d in dates),
                  "start_date": min(dates).isoformat(), "end_date": max(dates).isoformat(),
                  "input": input, "output": output}
        args = [part.format(**values) for part in shlex.split(cls.COMMAND)]
        if args and args[0] in ("python", "python3"):
            args[0] = sys.executable  # the interpreter nbkit runs in, venv included
        return args

    @classmethod
    def run(cls, warehouse, dates: list[dt.date]):
        cls.run_external(warehouse, dates)
        return None

    @classmethod
    def run_external(cls, warehouse, dates: list[dt.date]) -> None:
        if cls.CALLABLE is not None:
            try:
                cls.CALLABLE(warehouse=warehouse, dates=list(dates))
            except Exception as err:  # noqa: BLE001 - reported as this processor's failure
                raise ExternalProcessorError(f"{cls.NAME} raised {type(err).__name__}: {err}",
                                             "fix the callable, then rerun the backfill") from err
            return
        with tempfile.TemporaryDirectory(prefix=f"nbkit-{cls.NAME}-") as tmp:
            input_path, output_path = Path(tmp) / "input.csv", Path(tmp) / "output.csv"
            if cls.INPUT_SQL:
                warehouse.query(cls.INPUT_SQL, {"dates": list(dates)}).to_csv(input_path,
                                                                              index=False)
            cls._run_command(cls.command_args(dates, str(input_path), str(output_path)))
            if "{output}" in (cls.COMMAND or "") and cls.TARGET_TABLE:
                _load_output(warehouse, cls, output_path, dates)

    @classmethod
    def _run_command(cls, args: list[str]) -> None:
        try:
            done = subprocess.run(args, capture_output=True, text=True,
                                  timeout=cls.TIMEOUT_SECONDS, cwd=cls.WORKDIR)
        except subprocess.TimeoutExpired as err:
            tail = _tail(_text(err.stderr) or _text(err.stdout))
            raise ExternalProcessorError(
                f"{cls.NAME}: {args[0]} ran over its timeout of {cls.TIMEOUT_SECONDS} s and was "
                f"killed; output tail: {tail}",
                "raise timeout_seconds or give it fewer dates per chunk") from err
        except OSError as err:
            raise ExternalProcessorError(f"{cls.NAME}: could not run {args[0]}: {err}",
                                         "check COMMAND and that the script exists") from err
        if done.returncode != 0:
            tail = _tail((done.stdout or "") + "\n" + (done.stderr or ""))
            raise ExternalProcessorError(
                f"{cls.NAME}: command exited {done.returncode}; output tail: {tail}",
                "run the command by hand for the failing dates to see the full error")


class ExternalSpec(BaseModel):
    """One ``[[pipeline.external]]`` table of the project file."""

    model_config = ConfigDict(extra="forbid")

    name: str
    stage: int = Field(5, ge=1, le=99)
    command: str | None = None
    callable: str | None = Field(None, pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
    files: list[str] = Field(default_factory=list)
    timeout_seconds: int = Field(6 * 3600, ge=1)
    upstream: list[str] = Field(default_factory=list)
    input: str | None = None
    target: str | None = None
    date_column: str = "game_date"
    keys: list[str] = Field(default_factory=list)
    lookback_days: int = Field(0, ge=0, le=3660)
    skips_bootstrap: bool = False
    expected_rows: str | None = None
    run_history_name: str | None = None
    description: str | None = None


def from_settings(item: dict, project_dir: Path | None, source: str) -> type[ExternalProcessor]:
    """The processor one ``[[pipeline.external]]`` table declares.

    Raises:
        DeclarationError: an unknown key (did-you-mean), a bad value, neither or both of
            command and callable, a script or file that does not exist, a callable whose
            module cannot be found, or an unknown placeholder.
    """
    spec = _validated(item, source)
    where = f"{source} [[pipeline.external]] {spec.name}"
    if not NAME_RE.match(spec.name):
        raise DeclarationError(f"{where}: name {spec.name!r} is not a plain name",
                               "use lowercase letters, digits and _, starting with a letter")
    if (spec.command is None) == (spec.callable is None):
        raise DeclarationError(f"{where}: give exactly one of command and callable",
                               'e.g. command = "python scripts/x.py --dates {dates}"')
    base = (project_dir or Path.cwd()).resolve()
    files = tuple(_existing(base, f, where) for f in spec.files)
    attrs: dict = {}
    if spec.command is not None:
        args = _placeholders_ok(spec.command, where)
        _executable_ok(args[0], base, where)
        files = files or tuple(_existing(base, a, where) for a in args
                               if Path(a).suffix.lower() in _SCRIPT_SUFFIXES)
        attrs["COMMAND"] = spec.command
    else:
        module, _, function = spec.callable.partition(":")
        files = files or (_module_file(module, where),)
        attrs["CALLABLE"] = staticmethod(_lazy_callable(module, function, where))
        attrs["CALLABLE_PATH"] = spec.callable
    if spec.target and not spec.keys:
        raise DeclarationError(f"{where}: target {spec.target} needs keys",
                               'add keys = ["game_date", "..."] (the grain of the rows)')
    name = spec.name
    attrs.update({
        "NAME": name, "PHASE": spec.stage, "TIMEOUT_SECONDS": spec.timeout_seconds,
        "RUN_HISTORY_NAME": spec.run_history_name
        or "".join(p.title() for p in name.split("_")) + "Processor",
        "TARGET_TABLE": ".".join(spec.target.strip("`").split(".")[-2:]) if spec.target else None,
        "DATE_COLUMN": spec.date_column, "KEY_COLUMNS": tuple(spec.keys),
        "UPSTREAM_PROCESSORS": tuple(spec.upstream), "LOOKBACK_DAYS": spec.lookback_days,
        "SKIPS_BOOTSTRAP": spec.skips_bootstrap, "FILES": files, "WORKDIR": base,
        "INPUT_SQL": _read_sql(base, spec.input, where) if spec.input else None,
        "EXPECTED_ROWS_SQL": _read_sql(base, spec.expected_rows, where)
        if spec.expected_rows else None,
        "__doc__": spec.description or f"external processor {name}",
        "__module__": __name__,
    })
    return type("".join(p.title() for p in name.split("_")), (ExternalProcessor,), attrs)


def _validated(item: dict, source: str) -> ExternalSpec:
    import difflib

    try:
        return ExternalSpec(**item)
    except ValidationError as err:
        first = err.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        name = item.get("name", "?")
        if first["type"] == "extra_forbidden":
            close = difflib.get_close_matches(key, list(ExternalSpec.model_fields), n=1)
            fix = f"did you mean {close[0]!r}?" if close else \
                f"known keys: {', '.join(ExternalSpec.model_fields)}"
            raise DeclarationError(f"{source} [[pipeline.external]] {name}: unknown key "
                                   f"{key!r}", fix) from None
        raise DeclarationError(f"{source} [[pipeline.external]] {name}: {key}: {first['msg']}",
                               "correct the value in the project file") from None


def _placeholders_ok(command: str, where: str) -> list[str]:
    import string

    try:
        args = shlex.split(command)
        names = {f for part in args for _, f, _, _ in string.Formatter().parse(part) if f}
    except ValueError as err:
        raise DeclarationError(f"{where}: command cannot be parsed: {err}",
                               "balance the quotes and braces of the command") from None
    unknown = sorted(names - set(PLACEHOLDERS))
    if unknown or not args:
        raise DeclarationError(f"{where}: unknown placeholder {{{unknown[0]}}}" if unknown
                               else f"{where}: empty command",
                               f"use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}")
    return args


def _executable_ok(program: str, base: Path, where: str) -> None:
    if program in ("python", "python3") or shutil.which(program):
        return
    if "/" in program and (base / program).is_file():
        return
    raise DeclarationError(f"{where}: program {program!r} is not found",
                           "install it, or give its path (relative to the project folder)")


def _existing(base: Path, name: str, where: str) -> Path:
    path = (base / name).resolve()
    if not path.is_file():
        raise DeclarationError(f"{where}: script {name} does not exist ({path})",
                               "create it, or correct the path (relative to the project folder)")
    return path


def _read_sql(base: Path, name: str, where: str) -> str:
    from nbkit.processors import fragments

    path = _existing(base, name, where)
    return fragments.render(path.read_text(), str(path))


def _module_file(module: str, where: str) -> Path:
    try:
        found = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        found = None
    if found is None or not found.origin or not Path(found.origin).is_file():
        raise DeclarationError(f"{where}: module {module!r} of the callable cannot be found",
                               "install the package, or add its folder to PYTHONPATH")
    return Path(found.origin)


def _lazy_callable(module: str, function: str, where: str) -> Callable:
    """Imported at run time only: loading the catalogue never runs user code."""

    def call(**kwargs):
        fn = getattr(importlib.import_module(module), function, None)
        if fn is None:
            raise DeclarationError(f"{where}: {module} has no function {function!r}",
                                   "correct the callable (module:function)")
        return fn(**kwargs)

    call.__module__, call.__qualname__ = module, function
    return call


def _load_output(warehouse, proc: type[ExternalProcessor], path: Path,
                 dates: list[dt.date]) -> None:
    import pandas as pd

    if not path.is_file():
        raise ExternalProcessorError(f"{proc.NAME}: the command wrote no {{output}} file",
                                     "write the target rows as CSV to the {output} path")
    frame = pd.read_csv(path)
    if proc.DATE_COLUMN in frame:
        frame[proc.DATE_COLUMN] = pd.to_datetime(frame[proc.DATE_COLUMN]).dt.date
    warehouse.write_frame(proc.TARGET_TABLE, frame, dates=dates)


def _tail(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-TAIL_LINES:])[-400:] or "(no output)"


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value or ""


def _callable_source(fn) -> str:
    if fn is None:
        raise NbkitError("An external processor needs COMMAND or CALLABLE",
                         "set one of the two class attributes")
    try:
        return inspect.getsource(fn)
    except (OSError, TypeError):
        return f"{fn.__module__}.{getattr(fn, '__qualname__', repr(fn))}"
