"""``--json``: one JSON document on stdout per command; every human line goes to stderr.

The document is the envelope of ``nbkit/schemas/result.schema.json`` (version
``SCHEMA_VERSION``): the command, its exit code and name, ``data`` (the command's own
fields, each command's ``data`` schema is in ``nbkit/schemas/<command>.schema.json``) and
``error`` (type, problem, fix) when it failed. While the command runs, file descriptor 1 is
pointed at stderr, so nothing else (a progress bar, a notebook kernel, a C library) can
write into the document.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import math
import os
import sys
from pathlib import Path
from typing import Any, Iterator

from nbkit.exitcodes import ExitCode

SCHEMA_VERSION = 1
SCHEMA_DIR = Path(__file__).with_name("schemas")


def envelope(command: str, code: ExitCode, data: dict | None,
             error: BaseException | None = None) -> dict:
    """The document ``--json`` prints (see the module docstring)."""
    doc: dict[str, Any] = {"schema": "nbkit.result", "schema_version": SCHEMA_VERSION,
                           "command": command, "ok": code == ExitCode.SUCCESS,
                           "exit_code": int(code), "exit_name": code.label,
                           "data": to_jsonable(data or {}), "error": None}
    if error is not None:
        doc["error"] = {"type": type(error).__name__,
                        "problem": str(getattr(error, "problem", error)),
                        "fix": str(getattr(error, "fix", "") or "")}
    return doc


@contextlib.contextmanager
def stdout_to_stderr(enabled: bool) -> Iterator[Any]:
    """Yield the real stdout (a text stream); inside, fd 1 and sys.stdout write to stderr."""
    if not enabled:
        yield sys.stdout
        return
    sys.stdout.flush()
    saved = os.dup(1)
    real = os.fdopen(os.dup(saved), "w", encoding="utf-8")
    os.dup2(2, 1)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield real
    finally:
        sys.stderr.flush()
        os.dup2(saved, 1)
        os.close(saved)


def write(stream, doc: dict) -> None:
    stream.write(json.dumps(doc, sort_keys=False) + "\n")
    stream.flush()


def to_jsonable(value: Any) -> Any:
    """Plain JSON values from frames, dates, paths, numpy scalars and NaN (-> null)."""
    try:
        import numpy as np
        import pandas as pd
    except ImportError:  # pragma: no cover - both are dependencies
        np = pd = None
    if pd is not None and isinstance(value, pd.DataFrame):
        return [to_jsonable(r) for r in value.to_dict("records")]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    if np is not None and isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if np is not None and isinstance(value, np.generic):
        value = value.item()
    if pd is not None and value is pd.NaT:
        return None
    if pd is not None and isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if pd is not None:
        try:
            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
    return str(value)


def schema(name: str) -> dict:
    """A published JSON Schema: ``result`` (the envelope) or a command's ``data``."""
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text())


def validate(doc: dict) -> None:
    """Raise jsonschema.ValidationError unless ``doc`` fits the envelope and its command's data."""
    import jsonschema

    jsonschema.validate(doc, schema("result"))
    path = SCHEMA_DIR / f"{doc['command']}.schema.json"
    if doc["error"] is None or doc["data"]:
        jsonschema.validate(doc["data"], json.loads(path.read_text()))
