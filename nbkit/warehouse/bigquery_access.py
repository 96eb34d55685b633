"""Reaching BigQuery: credentials and endpoints, each failure as one line naming the fix."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

from nbkit.errors import WarehouseError

CONNECT_TIMEOUT_SECONDS = 3.0
KEY_ENV = "GOOGLE_APPLICATION_CREDENTIALS"


def check_endpoint(endpoint: str, timeout: float = CONNECT_TIMEOUT_SECONDS) -> None:
    """Raise WarehouseError unless a TCP connection to the endpoint opens within timeout."""
    parts = urlsplit(endpoint if "://" in endpoint else f"http://{endpoint}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    if not parts.hostname or port is None:
        raise WarehouseError(f"NBKIT_BIGQUERY_ENDPOINT {endpoint!r} is not a URL",
                             "use the form http://HOST:PORT, or unset it for Google BigQuery")
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return
    except OSError as err:
        reason = "timed out" if isinstance(err, socket.timeout) else \
            (err.strerror or str(err) or type(err).__name__)
        raise WarehouseError(
            f"Cannot reach the BigQuery endpoint {endpoint} (NBKIT_BIGQUERY_ENDPOINT): "
            f"{reason} (connect timeout {timeout:g} s)",
            "start the emulator there, correct NBKIT_BIGQUERY_ENDPOINT, or unset it to use "
            "Google BigQuery") from None


def credentials_error(err: Exception) -> WarehouseError:
    """The error for a BigQuery client that could not find or read its credentials."""
    key = os.environ.get(KEY_ENV)
    first = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
    if key:
        return WarehouseError(
            f"Cannot use the BigQuery key file {key} ({KEY_ENV}): {type(err).__name__}: {first}",
            f"point {KEY_ENV} at a valid service-account JSON key, or unset it to use "
            "`gcloud auth application-default login`")
    return WarehouseError(
        f"No Google credentials for BigQuery ({type(err).__name__}: {first})",
        f"run `gcloud auth application-default login`, or set {KEY_ENV} to a service-account "
        "key file (NBKIT_BIGQUERY_ENDPOINT for an emulator)")
