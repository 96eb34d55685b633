"""Unexpected failures as the one line a user needs: the cause, then the fix.

The CLI shows a traceback only with ``--debug``. Everything else becomes
``problem. Fix: ...``, the root cause found by walking the exception chain (a
full disk often surfaces as a secondary error, e.g. a failed rollback, whose own
message hides it).
"""

from __future__ import annotations

import errno
import os
import sys

from nbkit.errors import NbkitError

DEBUG_FIX = "rerun with --debug for the traceback, and report it if the cause is unclear"
_DISK_FULL_WORDS = ("no space left on device", "disk full", "disk is full",
                    "not enough space", "could not allocate space")


def one_line(err: BaseException) -> str:
    """``problem. Fix: ...`` for any exception, naming the root cause."""
    known = explain(err)
    if known is not None:
        return str(known)
    root = _chain(err)[-1]
    first = (str(root).strip().splitlines() or [""])[0][:300]
    return str(NbkitError(f"Unexpected {type(root).__name__}: {first}".rstrip(": "), DEBUG_FIX))


def explain(err: BaseException) -> NbkitError | None:
    """An NbkitError for the failure classes nbkit knows (disk full, permissions...)."""
    chain = _chain(err)
    for item in chain:
        if is_disk_full(item):
            where = getattr(item, "filename", None)
            return NbkitError(f"No space left on device{f' writing {where}' if where else ''} "
                              f"({_first(item)})",
                              "free disk space (or point --warehouse at a larger disk), then "
                              "rerun the same command: every write is atomic")
    for item in chain:
        if isinstance(item, NbkitError):
            return item
    for item in chain:
        if isinstance(item, PermissionError):
            return NbkitError(f"Permission denied: {item.filename or _first(item)}",
                              "check the file's owner and mode (ls -l), or use a path you "
                              "can write")
    return None


def is_disk_full(err: BaseException) -> bool:
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(err).lower()
    return any(word in text for word in _DISK_FULL_WORDS)


def quiet_broken_pipe() -> int:
    """Exit quietly when stdout's reader went away (``| head``); no flush error at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return 0


def _chain(err: BaseException) -> list[BaseException]:
    seen, out, item = set(), [], err
    while item is not None and id(item) not in seen:
        seen.add(id(item))
        out.append(item)
        item = item.__cause__ or item.__context__
    return out


def _first(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
