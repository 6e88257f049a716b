"""Supervises the processes of a running site: a web server and the task worker.

Ctrl-C or SIGTERM stops both; if either dies, the other is stopped too, so a demo
never leaves a half-running site behind.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence


def manage_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "commonweal", *args]


def wait_until_ready(
    url: str, *, timeout: float = 60.0, alive: Callable[[], bool] = lambda: True
) -> bool:
    """Poll `url` until it answers 200, the timeout passes, or `alive()` turns false."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (localhost only)
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    return False


def supervise(
    commands: Sequence[Sequence[str]],
    *,
    ready_url: str | None = None,
    on_ready: Callable[[], None] | None = None,
) -> int:
    """Start every command, wait until one exits or a stop signal arrives, then stop all."""
    processes = [subprocess.Popen(list(command)) for command in commands]
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if ready_url is not None:
            ready = wait_until_ready(
                ready_url, alive=lambda: not stopping and all(p.poll() is None for p in processes)
            )
            if ready and on_ready is not None:
                on_ready()
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.2)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 10
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    exit_codes = [p.returncode for p in processes]
    return 0 if stopping else max((abs(c) for c in exit_codes if c), default=0)
