"""Include markers: a text written once and stood in several files by name.

Processor SQL includes fragments (``/* include fragment: NAME */``, see
``nbkit.processors.fragments``); DDL may include column groups the same way (``/* include
columns: NAME */``). One grammar for every kind: a block comment naming a text; a text whose
body holds ``{name}`` is parameterised and is included with one or more plain names,
``NAME(first, second)``, repeating once per name with ``{name}`` replaced, under one copy of
its header; a plain text takes no names. Lines after the first are indented to the marker's
column. Where texts live, what they may hold and the errors' class belong to each kind.
"""

from __future__ import annotations

import re
from typing import Callable

NAME = re.compile(r"[a-z][a-z0-9_]*")
PLACEHOLDER = "{name}"

# name -> (header, body): the text's leading comment lines ('' to leave them out) and the rest.
Load = Callable[[str], "tuple[str, str]"]
# (problem, fix, name or None) -> the kind's error, raised for a malformed marker.
Fail = Callable[[str, str, "str | None"], Exception]


def marker(kind: str) -> re.Pattern:
    """``/* include KIND: NAME */`` or ``/* include KIND: NAME(names) */``."""
    return re.compile(rf"/\*\s*include\s+{kind}\s*:\s*(?P<name>[^*(]*?)\s*"
                      r"(?:\((?P<args>[^*)]*)\)\s*)?\*/")


def mentions(text: str, kind: str) -> bool:
    """Whether ``text`` mentions ``include KIND`` in any form (a text that would nest one)."""
    return _mention(kind).search(text) is not None


def render(text: str, kind: str, what: str, load: Load, fail: Fail) -> str:
    """``text`` with every marker of ``kind`` replaced by the text ``load`` gives for it.

    Args:
        text: the including file's text.
        kind: the word after ``include`` (``fragment``, ``columns``).
        what: what the kind's texts are called in errors (``SQL fragment``).
        load: reads a named text; raises the kind's error for a bad or unknown name.
        fail: makes the kind's error for a malformed marker or names that do not fit.

    Raises:
        what ``fail`` makes: a line mentions ``include KIND`` in any other form (it would
            silently stay a comment), names are given to a plain text, or none (or a
            non-plain one) to a parameterised text; what ``load`` raises.
    """
    pattern = marker(kind)
    blanked = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    stray = _mention(kind).search(blanked)
    if stray:
        line = blanked[:stray.start()].count("\n") + 1
        raise fail(f"unrecognised include at line {line}: {text.splitlines()[line - 1].strip()!r}",
                   f"write it exactly as /* include {kind}: NAME */ or /* include {kind}: "
                   "NAME(name, ...) */ (a block comment, plain names)", None)
    return pattern.sub(lambda m: _expand(m, text, kind, what, load, fail), text)


def _mention(kind: str) -> re.Pattern:
    return re.compile(rf"include\s+{kind}", re.IGNORECASE)


def _expand(match: re.Match, text: str, kind: str, what: str, load: Load, fail: Fail) -> str:
    name, args = match.group("name"), match.group("args")
    header, body = load(name)
    indent = "\n" + " " * (match.start() - text.rfind("\n", 0, match.start()) - 1)
    if PLACEHOLDER not in body:
        if args is not None:
            raise fail(f"{what} {name!r} takes no names", f"write /* include {kind}: {name} */",
                       name)
        return (header + body).replace("\n", indent)
    values = [a.strip() for a in (args or "").split(",")]
    if args is None or not all(NAME.fullmatch(v) for v in values):
        got = "none" if args is None else repr(args)
        raise fail(f"{what} {name!r} takes one or more names (got {got})",
                   f"write /* include {kind}: {name}(first, second, ...) */ (plain names: "
                   "lowercase letters, digits, _)", name)
    repeated = ",\n".join(body.replace(PLACEHOLDER, v) for v in values)
    return (header + repeated).replace("\n", indent)
