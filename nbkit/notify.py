"""The end-of-run digest, posted to the webhooks of the project file (``[notifications]``).

One message per run, never one per date: run id, status, per stage the dates done,
partial, failed and skipped, gate verdicts, duration, bytes billed and the report's path
(or URL, with ``report_base_url``). Two payloads: ``slack`` (Slack-compatible ``text`` and
``blocks``) and ``json`` (the digest itself, ``schema: nbkit.digest``).

A webhook URL is a secret. It is read from the settings (a pydantic SecretStr, masked in
any repr) or from the environment variable ``url_env`` names, used only to open the
connection, and never logged or written anywhere: logs name the webhook by its ``name``.
A failed delivery is logged and never fails the run.
"""

from __future__ import annotations

import json
import logging
import socket
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from nbkit.jsonout import to_jsonable

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)
DIGEST_SCHEMA_VERSION = 1
MAX_ALERTS = 10


def digest(run_id: str | None, title: str, status: str, seconds: float,
           stages: dict[str, dict[str, int]], gate_verdicts: dict | None = None,
           bytes_billed: int | None = None, report: str | None = None,
           alerts: list[str] | None = None, exit_code: int | None = None) -> dict:
    """The digest of one run (plain JSON values)."""
    alerts = list(alerts or [])
    return to_jsonable({
        "schema": "nbkit.digest", "schema_version": DIGEST_SCHEMA_VERSION,
        "run_id": run_id, "title": title, "status": status, "exit_code": exit_code,
        "duration_seconds": round(float(seconds), 3), "stages": stages,
        "gate_verdicts": gate_verdicts or {}, "bytes_billed": bytes_billed,
        "report": report, "alerts": alerts[:MAX_ALERTS],
        "alerts_omitted": max(len(alerts) - MAX_ALERTS, 0), "host": socket.gethostname()})


def stages_from_outcomes(outcomes: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per phase: dates per status (``success``, ``partial``, ``failed``, ``skipped``)."""
    out: dict[str, dict[str, int]] = {}
    if outcomes is None or outcomes.empty:
        return out
    for (phase, status), n in outcomes.groupby(["phase", "status"]).size().items():
        out.setdefault(f"phase {int(phase)}", {s: 0 for s in
                                              ("success", "partial", "failed", "skipped")})
        out[f"phase {int(phase)}"][str(status)] = int(n)
    return out


def stages_from_ledger(warehouse_url: str | None, run_ids: list[str]) -> tuple[dict, int | None]:
    """Per phase status counts and bytes billed of ledger runs (a notebook's), best effort."""
    if not run_ids:
        return {}, None
    try:
        from nbkit.ledger import RUN_HISTORY, RUNS
        from nbkit.warehouse import open_warehouse

        with open_warehouse(warehouse_url, read_only=True, wait_seconds=5.0) as wh:
            counts = wh.query(
                f"SELECT phase, status, COUNT(*) AS n FROM `{wh.project}.{RUN_HISTORY}` "
                "WHERE data_date >= DATE '1900-01-01' AND run_id IN UNNEST(@ids) "
                "AND status != 'retried' GROUP BY phase, status", {"ids": run_ids})
            billed = wh.query(
                f"SELECT SUM(bytes_billed) AS b FROM `{wh.project}.{RUNS}` "
                "WHERE run_date >= DATE '1900-01-01' AND run_id IN UNNEST(@ids)", {"ids": run_ids})
    except Exception:  # noqa: BLE001 - the digest goes out with what is known
        log.warning("could not read the ledger for the digest", exc_info=True)
        return {}, None
    out: dict[str, dict[str, int]] = {}
    for phase, status, n in counts.itertuples(index=False):
        out.setdefault(str(phase), {s: 0 for s in ("success", "partial", "failed", "skipped")})
        out[str(phase)][str(status)] = int(n)
    value = billed["b"].iloc[0] if len(billed) else None
    return out, None if value is None or value != value else int(value)


def send(message: dict, config=None) -> list[dict]:
    """Post the digest to every configured webhook; one result per webhook, never raises."""
    if config is None:
        from nbkit import settings

        config = settings.current().notifications
    results = []
    if message.get("status") not in config.on:
        return results
    for hook in config.webhooks:
        results.append(_deliver(hook, message, config.timeout_seconds,
                                config.report_base_url))
    return results


def payload(message: dict, fmt: str, report_base_url: str | None = None) -> dict:
    """The body posted for ``fmt`` (``slack`` or ``json``)."""
    message = dict(message)
    if report_base_url and message.get("report"):
        message["report"] = report_base_url.rstrip("/") + "/" + str(message["report"]).lstrip("/")
    if fmt == "json":
        return message
    lines = [f"*nbkit {message['title']}*: {str(message['status']).upper()} "
             f"in {message['duration_seconds']:.0f} s (run `{message['run_id'] or '-'}`)"]
    for stage, counts in message["stages"].items():
        lines.append(f"• {stage}: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n))
    if message["gate_verdicts"]:
        lines.append("• gates: " + ", ".join(f"{g} {v}" for g, v in
                                             sorted(message["gate_verdicts"].items())))
    if message.get("bytes_billed") is not None:
        lines.append(f"• bytes billed: {message['bytes_billed']:,}")
    if message.get("report"):
        lines.append(f"• report: {message['report']}")
    lines += [f"> {a}" for a in message["alerts"]]
    text = "\n".join(lines)
    return {"text": text, "blocks": [{"type": "section",
                                      "text": {"type": "mrkdwn", "text": text[:2900]}}]}


def _deliver(hook, message: dict, timeout: float, report_base_url: str | None) -> dict:
    url = hook.resolved_url()
    result = {"webhook": hook.name, "format": hook.format, "delivered": False, "error": None}
    if not url:
        result["error"] = "no URL (set url, or the variable url_env names)"
        log.warning("digest not sent to webhook %r: %s", hook.name, result["error"])
        return result
    body = json.dumps(payload(message, hook.format, report_base_url)).encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            result["delivered"] = 200 <= response.status < 300
            result["status"] = response.status
    except urllib.error.HTTPError as err:
        result["error"] = f"HTTP {err.code}"
    except (urllib.error.URLError, OSError, ValueError) as err:
        result["error"] = type(getattr(err, "reason", err)).__name__
    if result["error"]:  # the URL is never part of the message
        log.warning("digest not delivered to webhook %r (%s): %s", hook.name, hook.format,
                    result["error"])
    return result
