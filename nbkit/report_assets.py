"""Shared report assets: plotly.js and the JupyterLab CSS, stored once under reports/assets/.

A report links them relatively (``../../assets/plotly-6.1.2.min.js``), so a folder of
reports opened from disk makes no network request and each report stays small. The file
names are versioned (plotly's version; a hash of the CSS), so an old report keeps
working after an upgrade writes new assets beside the old ones. ``--self-contained``
inlines both instead, for one mailable file.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import quote

ASSETS = "assets"
_CSS = re.compile(r"<!-- nbkit:css -->(.*?)<!-- /nbkit:css -->", re.S)
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


def plotly_asset(assets_dir: Path) -> Path:
    """reports/assets/plotly-<version>.min.js, written once."""
    import plotly
    from plotly.offline import get_plotlyjs

    path = Path(assets_dir) / f"plotly-{plotly.__version__}.min.js"
    if not path.exists():
        _write(path, get_plotlyjs())
    return path


def plotly_inline() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def externalize_css(page: str, html_path: Path, assets_dir: Path) -> str:
    """Move the JupyterLab CSS of a rendered page into a shared file and link it."""
    match = _CSS.search(page)
    if not match:
        return page
    css = "\n".join(m.group(1).strip() for m in _STYLE.finditer(match.group(1)))
    digest = hashlib.sha256(css.encode()).hexdigest()[:12]
    path = Path(assets_dir) / f"jupyterlab-{digest}.css"
    if not path.exists():
        _write(path, css)
    link = f'<link rel="stylesheet" type="text/css" href="{href(path, html_path.parent)}">'
    return page[:match.start()] + link + page[match.end():]


def inline_css(page: str) -> str:
    """Keep the CSS in the page (self-contained); drop the markers."""
    return _CSS.sub(lambda m: m.group(1), page)


def href(target: Path, from_dir: Path) -> str:
    """A relative, URL-quoted link from a folder to a file."""
    rel = os.path.relpath(Path(target).resolve(), Path(from_dir).resolve())
    return quote(Path(rel).as_posix())


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)  # two runs writing the same asset both leave a whole file
