"""``python -m nbkit`` runs the CLI."""
from nbkit.cli import main

raise SystemExit(main())
