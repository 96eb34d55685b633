"""Progress bars that work in a terminal, in JupyterLab and in executed notebooks.

The ETA shown is nbkit's own (remaining dates x measured seconds per date, per
processor), not tqdm's single average, which is what made real ETAs wrong by
2-6x when cheap and expensive processors were mixed.
"""

from __future__ import annotations

import sys
from typing import Callable


class Progress:
    """A counter of finished tasks with a per-processor ETA."""

    def __init__(self, total: int, enabled: bool = True,
                 eta: Callable[[], float | None] | None = None, desc: str = "backfill") -> None:
        self.total, self.eta, self.done = total, eta, 0
        self.bar = _make_bar(total, desc) if enabled and total else None

    def advance(self, n: int, label: str = "") -> None:
        self.done += n
        if self.bar is None:
            return
        self.bar.update(n)
        seconds = self.eta() if self.eta else None
        postfix = {"now": label} if label else {}
        if seconds is not None:
            postfix["eta"] = format_seconds(seconds)
        self.bar.set_postfix(postfix, refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def format_seconds(seconds: float) -> str:
    """``75`` -> ``'1m15s'``.

    Example:
        >>> format_seconds(3725)
        '1h02m'
    """
    seconds = max(0, int(round(seconds)))
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


def _make_bar(total: int, desc: str):
    from nbkit import settings

    mode = settings.current().progress
    if mode == "auto":
        from tqdm.auto import tqdm
    else:  # "text": plain text bars, readable in an executed notebook's saved output
        from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="task", file=sys.stdout, mininterval=0.5,
                dynamic_ncols=True)
