"""Shared by the safe-by-default tests: a toy warehouse, the CLI in-process, its verdicts."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from nbkit.warehouse import open_warehouse

from tests.engine.toys import schedule

TABLES = ["nba_raw.nbac_schedule", "nba_reference.nbkit_runs",
          "nba_reference.processor_run_history", "nba_reference.nbkit_writer_leases",
          "nba_analytics.team_offense_game_summary"]


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def make_toy(path: Path) -> Path:
    """Schema created, the toy schedule (2023-10-24 .. 2023-11-13) loaded, nothing else."""
    with open_warehouse(str(path)) as wh:
        wh.init_schema()
        wh.write_frame("nba_raw.nbac_schedule", schedule())
    return path


def copy_of(path: Path, folder: Path, name: str = "copy.duckdb") -> Path:
    target = folder / name
    shutil.copy(path, target)
    return target


def run_cli(capsys, *args: str) -> Result:
    """``nbkit ARGS`` in this process (argparse exits become codes)."""
    from nbkit import cli

    capsys.readouterr()
    try:
        code = cli.main(list(args))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def assert_one_line_fix(result: Result, *words: str) -> None:
    """Refused: exit != 0, no traceback, one stderr line that ends in a fix."""
    assert result.code != 0, result
    assert "Traceback" not in result.err + result.out, result.err
    assert len(result.lines) == 1, result.err
    line = result.lines[0]
    assert line.startswith("nbkit: error: ") and "Fix: " in line, line
    assert line.rstrip()[-1] not in ":,(", line
    for word in words:
        assert word in line, (word, line)


def row_counts(path: Path) -> dict:
    with open_warehouse(str(path), read_only=True) as wh:
        return {t: int(wh.query(f"SELECT COUNT(*) AS n FROM `{wh.project}.{t}` "
                                + ("WHERE game_date IS NOT NULL OR game_date IS NULL"
                                   if "nba_raw" in t or "nba_analytics" in t else ""))["n"][0])
                for t in TABLES}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
