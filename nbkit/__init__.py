"""nbkit: backfill a multi-stage warehouse pipeline from Jupyter.

Importing nbkit connects to nothing and loads no plugins.
"""

from __future__ import annotations

from nbkit.errors import NbkitError
from nbkit.warehouse import open_warehouse

__all__ = ["open_warehouse", "NbkitError"]
__version__ = "0.1.0"
