"""Export each date's graded predictions to <out-dir>/<date>.csv (an existing team script).

Run by nbkit once per chunk: --input is a CSV of the chunk's graded rows, --output is where
it reports one row per file written (game_date, file_name, rows_exported).
"""

import argparse
import csv
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--dates", required=True)
    parser.add_argument("--out-dir", default="exports")
    args = parser.parse_args(argv)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(args.input, newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_date: dict[str, list[dict]] = {}
    for row in rows:
        by_date.setdefault(row["game_date"], []).append(row)
    written = []
    for day in args.dates.split(","):
        day_rows = by_date.get(day, [])
        if not day_rows:
            continue
        path = out_dir / f"{day}.csv"
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(day_rows[0]))
            writer.writeheader()
            writer.writerows(day_rows)
        written.append({"game_date": day, "file_name": path.name, "rows_exported": len(day_rows)})
    with open(args.output, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["game_date", "file_name", "rows_exported"])
        writer.writeheader()
        writer.writerows(written)
    print(f"exported {sum(w['rows_exported'] for w in written)} rows to {len(written)} file(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
