"""Airflow DAG: wait until `nbkit ready` says a season can run, then `nbkit season` per season.

Exit codes (README, "Running from a scheduler") map to task states:

    0 success                      -> success
    1 tasks failed, 3 gate failed  -> failed, not retried (a person reads the report)
    2 bad input                    -> failed, not retried
    4 lease held, 6 cancelled      -> up for retry (a rerun resumes where it stopped)
    70 internal error              -> up for retry
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess

from airflow import DAG
from airflow.exceptions import AirflowFailException
from airflow.operators.python import PythonOperator
from airflow.sensors.bash import BashSensor

SEASONS = ["2021-22", "2022-23", "2023-24", "2024-25"]
PROJECT = "/srv/nbkit-project"          # holds nbkit.toml (warehouse, webhooks, lineage)
NO_RETRY = {1: "tasks failed or partial", 2: "bad input", 3: "a quality gate failed"}


def run_season(season: str) -> dict:
    proc = subprocess.run(["nbkit", "season", season, "--json"], cwd=PROJECT,
                          capture_output=True, text=True)
    doc = json.loads(proc.stdout)            # one document; human text is on stderr
    if proc.returncode in NO_RETRY:
        raise AirflowFailException(f"{season}: {NO_RETRY[proc.returncode]}: {doc['error']}")
    if proc.returncode != 0:                 # 4, 6, 70: retried by Airflow
        raise RuntimeError(f"{season}: exit {proc.returncode} ({doc['exit_name']})")
    return doc["data"]                       # pushed to XCom: report path, gates, run ids


with DAG(dag_id="nbkit_backfill", start_date=dt.datetime(2026, 1, 1), schedule="@daily",
         catchup=False, max_active_runs=1, tags=["nbkit"],
         default_args={"retries": 3, "retry_delay": dt.timedelta(minutes=10)}) as dag:
    previous = None
    for season in SEASONS:
        key = season.replace("-", "_")
        ready = BashSensor(task_id=f"ready_{key}", cwd=PROJECT,
                           bash_command=f"nbkit ready --season {season} --json",
                           poke_interval=300, timeout=6 * 3600, mode="reschedule")
        run = PythonOperator(task_id=f"season_{key}", python_callable=run_season,
                             op_args=[season], execution_timeout=dt.timedelta(hours=6))
        ready >> run
        if previous is not None:
            previous >> ready
        previous = run
