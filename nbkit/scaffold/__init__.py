"""``nbkit init --project DIR``: a new project folder with one processor, its DDL and a check.

Files that exist are never overwritten; the scaffold is written only into a folder that holds
no project file yet.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from nbkit.errors import ConfigError

FILES = {
    "nbkit.toml": "nbkit.toml",
    "processors/team_points.sql": "team_points.sql",
    "ddl/my_analytics.sql": "my_analytics.sql",
    "checks/team_points_not_negative.sql": "team_points_not_negative.sql",
}


def needs_scaffold(project: str | None) -> bool:
    """True when ``project`` names a folder (existing or not) without a project file."""
    if not project:
        return False
    path = Path(project).expanduser()
    if path.suffix == ".toml" or path.is_file():
        return False
    return not (path / "nbkit.toml").is_file() and not _pyproject_has_nbkit(path)


def scaffold(folder: str | Path) -> list[Path]:
    """Write the project files into ``folder`` (created if missing); return what was written.

    Raises:
        ConfigError: ``folder`` is a file, or cannot be written.
    """
    root = Path(folder).expanduser()
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{root} is a file, not a folder",
                          "give --project a folder for the new project")
    written = []
    try:
        for target, template in FILES.items():
            path = root / target
            if path.exists():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(resources.files(__package__).joinpath(template).read_text())
            written.append(path)
    except OSError as err:
        raise ConfigError(f"Cannot write the project into {root}: {err.strerror}",
                          "choose a folder you can write to") from None
    return written


def _pyproject_has_nbkit(path: Path) -> bool:
    import tomllib

    file = path / "pyproject.toml"
    try:
        return file.is_file() and "nbkit" in tomllib.loads(file.read_text()).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError):
        return False
