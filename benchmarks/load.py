"""Serving the project with gunicorn and driving one page with wrk."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "report.lua"


def wrk_ensure(log) -> str:
    """The wrk binary; installed from Debian's package when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk is missing: installing Debian's wrk package")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)  # noqa: S603,S607
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)  # noqa: S603,S607
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_serving(*, workers: int = 2):
    """Run gunicorn on a free loopback port with the current environment; yield its base URL.

    On exit the whole server is killed at once: requests that wrk left queued are dropped
    instead of delaying the next measurement.
    """
    port = _free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "kla_portal.wsgi:application",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--timeout=120",
        # gunicorn reads ./gunicorn.conf.py by default, whose max_requests recycles a worker
        # every ~1000 requests: a restart inside a run moves p50 by up to 2x. Never here.
        "--max-requests=0",
    ]
    server = subprocess.Popen(  # noqa: S603 - our own argument list, no shell
        command, cwd=ROOT, env=os.environ.copy(), start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while fetch_status(base + "/healthz") != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start (see its output above)")
            time.sleep(0.3)
        yield base
    finally:
        # The server runs in its own process group, started above: end exactly that group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch_status(url: str, cookie: str | None = None, cold: bool = False) -> int | None:
    """The status of one GET without following redirects; None when nothing answers."""
    headers = {"Cookie": cookie} if cookie else {}
    if cold:
        headers["X-Bench-Cold"] = "1"
    request = urllib.request.Request(  # noqa: S310 - loopback http URLs built by run.py
        url, headers=headers
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def wrk_run(
    wrk: str, url: str, *, connections: int, seconds: int, cookie: str | None, cold: bool = False
) -> dict:
    """One wrk run; returns requests per second, p50 and p99 in ms, and the error counts."""
    command = [
        wrk,
        "-t1",  # one load thread leaves the second core to gunicorn
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout=30s",
        "-s",
        str(LUA),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if cold:
        command += ["-H", "X-Bench-Cold: 1"]
    completed = subprocess.run(  # noqa: S603 - our own argument list, no shell
        [*command, url], check=True, capture_output=True, text=True
    )
    output = completed.stdout
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    seconds_run = raw["duration_us"] / 1e6
    errors = dict(raw["errors"])
    if raw["requests"] == 0:  # not one answer within the run: as bad as an error
        errors["none_completed"] = 1
    return {
        "connections": connections,
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds_run, 1) if seconds_run else 0.0,
        "p50_ms": round(raw["latency_us"]["p50"] / 1000, 2),
        "p99_ms": round(raw["latency_us"]["p99"] / 1000, 2),
        "errors": sum(errors.values()),
        "error_kinds": {k: v for k, v in errors.items() if v},
    }
