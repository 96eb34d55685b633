"""The notebook parameter rules moved to ``nbkit.parameters`` (one definition, used below
the notebooks too: the executor and the scope checks). Kept so ``nbkit.nb.spec`` imports work."""

from nbkit.parameters import *  # noqa: F401,F403
from nbkit.parameters import INTS, FLOATS, TRUE, FALSE, CHOICES, BOOLS  # noqa: F401
