"""Start and stop the ``bqemulator`` BigQuery emulator for the test session.

The emulator lives in its own venv (``.venv-bqemu``, built by ``make bqemu``)
because it pins duckdb 1.5.5 and sqlglot < 30.12, which nbkit's own env must
not have (docs/bigquery-emulator.md). It runs as a subprocess:

* REST and gRPC bound to 127.0.0.1 only, on free ports picked here;
* ephemeral (in-memory) storage, so every session starts empty;
* ``BQEMU_ENABLE_FORMAT_EXTENSIONS=false``: skips the avro extension download
  (no network besides PyPI; nbkit never loads Avro);
* started through tests/bigquery/bqemu_server.py (``bqemulator start`` with a cache of
  sqlglot parse trees: the emulator parsed each query's SQL ~17 times, most of its CPU);
  ``NBKIT_BQEMU_PARSE_CACHE=0`` starts the plain ``bqemulator`` binary instead;
* ready when ``GET /readyz`` answers 200; stopped with SIGTERM (then SIGKILL)
  sent to the process group this module created, never by name.

Availability rule: if the venv is missing the BigQuery tests are *skipped*
with the reason below, unless ``$NBKIT_REQUIRE_BIGQUERY`` is set (``make test``
sets it), in which case they *fail*. A venv that exists but cannot start the
emulator is always a failure, never a skip.
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / os.environ.get("NBKIT_BQEMU_VENV", ".venv-bqemu")  # relative: to the repo
BINARY = VENV / "bin" / "bqemulator"
SERVER = Path(__file__).with_name("bqemu_server.py")  # ``bqemulator start`` + a parse cache
PARSE_CACHE_ENV = "NBKIT_BQEMU_PARSE_CACHE"  # 0: start the plain ``bqemulator`` binary
REQUIRE_ENV = "NBKIT_REQUIRE_BIGQUERY"
HOST = "127.0.0.1"
START_TIMEOUT = 60.0

MISSING = f"the BigQuery emulator is not installed ({BINARY} is missing)"
SKIP_REASON = f"{MISSING}; run `make bqemu` (set {REQUIRE_ENV}=1 to fail instead of skipping)"
FAIL_REASON = f"{REQUIRE_ENV} is set but {MISSING}; run `make bqemu` to create it"


class EmulatorUnavailable(RuntimeError):
    """The emulator could not be found or started; the message says why and what to do."""


def required() -> bool:
    """True when $NBKIT_REQUIRE_BIGQUERY asks for a failure instead of a skip."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() not in {"", "0", "false", "no"}


def installed() -> bool:
    return BINARY.is_file() and os.access(BINARY, os.X_OK)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Emulator:
    """A running bqemulator subprocess.

    Attributes:
        endpoint: the REST endpoint, ``http://127.0.0.1:PORT``.
        project: the default project id it was started with.
        start_seconds: wall time from spawn to /readyz answering.
    """

    project: str
    process: subprocess.Popen | None = None
    rest_port: int = 0
    grpc_port: int = 0
    start_seconds: float = 0.0
    log_path: Path | None = None
    _log: object = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.rest_port}"

    def start(self, attempts: int = 3) -> Emulator:
        """Spawn the emulator and wait until it is ready; retry on a lost port race."""
        if not installed():
            raise EmulatorUnavailable(FAIL_REASON if required() else SKIP_REASON)
        last = ""
        for _ in range(attempts):
            try:
                self._spawn_and_wait()
                atexit.register(self.stop)
                return self
            except EmulatorUnavailable as err:
                last = str(err)
                self.stop()
                if "address already in use" not in last.lower():
                    break
        raise EmulatorUnavailable(last)

    def _spawn_and_wait(self) -> None:
        self.rest_port, self.grpc_port = _free_port(), _free_port()
        while self.grpc_port == self.rest_port:
            self.grpc_port = _free_port()
        fd, name = tempfile.mkstemp(prefix="nbkit-bqemu-", suffix=".log")
        self.log_path = Path(name)
        self._log = os.fdopen(fd, "wb")
        env = dict(os.environ, BQEMU_ENABLE_FORMAT_EXTENSIONS="false")
        env.pop("VIRTUAL_ENV", None)
        plain = os.environ.get(PARSE_CACHE_ENV, "1").strip() in {"0", "false", "no"}
        cmd = ([str(BINARY)] if plain else [str(VENV / "bin" / "python"), str(SERVER)]) + [
               "start",
               "--rest-host", HOST, "--rest-port", str(self.rest_port),
               "--grpc-host", HOST, "--grpc-port", str(self.grpc_port),
               "--project", self.project, "--ephemeral", "--log-level", "warning"]
        started = time.monotonic()
        self.process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                        stderr=subprocess.STDOUT, env=env, cwd=tempfile.gettempdir(),
                                        start_new_session=True)
        deadline = started + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_tail()
                hint = ""
                if "spatial" in tail or "numpy" in tail:
                    hint = (f"\nFix: rebuild the emulator venv: rm -rf {VENV} && make bqemu "
                            "(it installs numpy and copies the spatial extension into ~/.duckdb)")
                raise EmulatorUnavailable(
                    f"bqemulator exited with code {self.process.returncode} before it was ready; "
                    f"log tail:\n{tail}{hint}")
            if self._ready():
                self.start_seconds = time.monotonic() - started
                return
            time.sleep(0.05)
        raise EmulatorUnavailable(f"bqemulator was not ready after {START_TIMEOUT:.0f}s on "
                                  f"{self.endpoint}; log tail:\n{self.log_tail()}")

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.endpoint}/readyz", timeout=1) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path or not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        """SIGTERM the emulator's own process group, SIGKILL after 10 s; idempotent."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # its own session: pgid == pid
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)
            self.log_path = None
