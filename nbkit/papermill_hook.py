"""A pre-save hook for papermill: secret parameters never reach a saved notebook.

``papermill nb.ipynb out.ipynb -p gcp_access_token ...`` would save the token in the
injected-parameters cell and in the notebook's papermill metadata. nbkit registers
this module as a papermill I/O plugin (entry point group ``papermill.io``); loading
it wraps papermill's writer, so every save of a notebook whose papermill parameters
include a secret-looking name (token, password, secret...) removes the values first
(nbkit.secrets). The kernel still received the value; only the saved file loses it.

Registered handler scheme ``nbkit-scrub://PATH``: a local path, written scrubbed too.
Loading this module imports only the standard library.
"""

from __future__ import annotations

import json
import sys

SCHEME = "nbkit-scrub://"
_WRAPPED = "_nbkit_scrubs_secrets"


def scrub_notebook_json(buf: str) -> str:
    """The notebook JSON text with its secret parameters' values removed (unchanged if none)."""
    params = _papermill_parameters(buf)
    if params is None:
        return buf
    from nbkit.secrets import scrub_notebook, secret_names

    secrets = secret_names(params)
    if not secrets:
        return buf
    nb = scrub_notebook(json.loads(buf), secrets)
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def install() -> None:
    """Wrap papermill's notebook writer once (idempotent)."""
    iorw = sys.modules.get("papermill.iorw")
    if iorw is None:
        import papermill.iorw as iorw
    io = getattr(iorw, "papermill_io", None)
    if io is None or getattr(io.write, _WRAPPED, False):
        return
    original = io.write

    def write(buf, path, *args, **kwargs):
        if isinstance(buf, str):
            buf = scrub_notebook_json(buf)
        return original(buf, path, *args, **kwargs)

    setattr(write, _WRAPPED, True)
    io.write = write


class ScrubbingHandler:
    """papermill I/O handler for ``nbkit-scrub://PATH`` (local files, saved scrubbed)."""

    @staticmethod
    def _local(path: str) -> str:
        return path[len(SCHEME):] if path.startswith(SCHEME) else path

    @classmethod
    def read(cls, path):
        with open(cls._local(path), encoding="utf-8") as f:
            return f.read()

    @classmethod
    def write(cls, buf, path):
        with open(cls._local(path), "w", encoding="utf-8") as f:
            f.write(scrub_notebook_json(buf))

    @classmethod
    def listdir(cls, path):
        import os

        return [os.path.join(path, n) for n in os.listdir(cls._local(path))]

    @classmethod
    def pretty_path(cls, path):
        return path


def _papermill_parameters(buf: str) -> dict | None:
    """metadata.papermill.parameters of a notebook's JSON text, or None if it has none.

    Decodes only that object when the text is laid out as nbformat writes it (metadata
    after the cells: the last ``"papermill": {``), so a save of a large notebook without
    secrets costs a string search, not a parse.
    """
    at = buf.rfind('"papermill": {')
    if at < 0:
        return None
    key = buf.find('"parameters": ', at)
    if key < 0:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(buf, key + len('"parameters": '))
    except ValueError:
        try:
            value = json.loads(buf).get("metadata", {}).get("papermill", {}).get("parameters")
        except (ValueError, AttributeError):
            return None
    return value if isinstance(value, dict) else None


install()
