"""Secret values removed from everything a run leaves: notebooks, run.json, HTML, text.

Any value of any length and any characters is removed, including its JSON-escaped and
HTML-escaped spellings. The scrubbers work on values, never on serialized JSON, so the
result always stays valid (a 1-character secret once broke run.json). The marker that
replaces a secret is made of a character no secret contains, so no secret can re-form
across the edge of a replacement.
"""

from __future__ import annotations

import copy
import html
import json

_MARKER_CHARS = "*#~_^%!"


def scrub_text(text: str, secrets: dict) -> str:
    """``text`` with every secret (and its escaped spellings) replaced by a marker."""
    forms = _forms(secrets)
    if not forms or not isinstance(text, str):
        return text
    marker = _marker(forms)
    for form in forms:
        text = text.replace(form, marker)
    return text


def scrub_obj(value, secrets: dict, keep: tuple[str, ...] = ()):
    """A copy of a JSON-like value (dicts, lists, strings) with secrets removed from strings.

    Keys are kept; values of secret-looking keys become the marker whatever they hold.
    ``keep`` names top-level fields the caller wrote itself (no user text): left as they are.
    """
    if not _forms(secrets) or value is None:
        return value
    if keep and isinstance(value, dict):
        return {k: (v if k in keep else _walk(v, secrets)) for k, v in value.items()}
    return _walk(value, secrets)


def scrub_page(page: str, secrets: dict, min_length: int = 4) -> str:
    """A last pass over a rendered page whose inputs were already scrubbed.

    Secrets shorter than ``min_length`` are skipped here: their inputs were cleaned value by
    value, and replacing every ``e`` of the page's markup would destroy the page.
    """
    return scrub_text(page, {k: v for k, v in (secrets or {}).items()
                             if v and len(str(v)) >= min_length})


def scrub_notebook(nb, secrets: dict):
    """A copy of a notebook (dict or NotebookNode) with secrets removed from its content:
    cell sources and outputs, attachments, and papermill's recorded parameters.

    Structural fields (cell_type, output_type, mime types, ids) are never touched, so the
    result stays a valid notebook whatever the secret.
    """
    if not _forms(secrets):
        return nb
    out = copy.deepcopy(dict(nb))
    for cell in out.get("cells", []):
        cell["source"] = _walk(cell.get("source", ""), secrets)
        if "attachments" in cell:
            cell["attachments"] = _walk(cell["attachments"], secrets)
        for output in cell.get("outputs", []):
            for key in ("text", "data", "evalue", "traceback", "ename"):
                if key in output:
                    output[key] = _walk(output[key], secrets)
    papermill = out.get("metadata", {}).get("papermill", {})
    if isinstance(papermill.get("parameters"), dict):
        papermill["parameters"] = _walk(papermill["parameters"], secrets)
    return out


def secret_names(params: dict) -> dict:
    """name -> value of the secret-looking, non-empty parameters (``gcp_access_token``...)."""
    from nbkit.ledger import SECRET_WORDS

    return {k: str(v) for k, v in (params or {}).items()
            if any(w in str(k).lower() for w in SECRET_WORDS) and v not in (None, "")}


def _walk(value, secrets: dict):
    if isinstance(value, str):
        return scrub_text(value, secrets)
    if isinstance(value, dict):
        names = secret_names({k: v for k, v in value.items() if isinstance(v, (str, int))})
        return {k: (_marker(_forms(secrets)) if k in names else _walk(v, secrets))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_walk(v, secrets) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return scrub_text(str(value), secrets)  # dates, paths...: as json.dumps(default=str) would


def _forms(secrets: dict) -> list[str]:
    """Every spelling of every secret, longest first."""
    forms = set()
    for value in (secrets or {}).values():
        if value in (None, ""):
            continue
        text = str(value)
        escaped = json.dumps(text, ensure_ascii=False)[1:-1]
        ascii_escaped = json.dumps(text)[1:-1]
        for form in (text, escaped, ascii_escaped, html.escape(text), html.escape(escaped),
                     html.escape(text, quote=False)):
            if form:
                forms.add(form)
    return sorted(forms, key=lambda f: (-len(f), f))


def _marker(forms: list[str]) -> str:
    used = set("".join(forms))
    for char in _MARKER_CHARS:
        if char not in used:
            return char * 3
    return next(chr(c) for c in range(0x2580, 0x10000) if chr(c) not in used) * 3
