"""Test-only fault point: pauses a real commonweal process at one chosen call.

Python imports `sitecustomize` at start-up from any folder on PYTHONPATH; the fault tests
put this folder there for the processes they start (server, worker, import) and nowhere
else, so no installed or production process ever loads it. With

    COMMONWEAL_FAULT_PAUSE=package.module:function:before|after[:nth]
    COMMONWEAL_FAULT_SIGNAL=/tmp/…/paused

the nth call of that function (default: the first) writes the signal file, then blocks
until the test kills the process: the kill lands at a known point, mid-transaction,
without sleeping and hoping. Without COMMONWEAL_FAULT_PAUSE it does nothing.
"""

from __future__ import annotations

import functools
import importlib
import os
import threading
from typing import Any

SPEC = os.environ.get("COMMONWEAL_FAULT_PAUSE", "")
SIGNAL = os.environ.get("COMMONWEAL_FAULT_SIGNAL", "")
# A pause the test never ends must not hang CI for ever: afterwards the call goes on.
PAUSE_LIMIT_SECONDS = 120


def _pause() -> None:
    with open(SIGNAL, "w") as handle:
        handle.write(str(os.getpid()))
    threading.Event().wait(PAUSE_LIMIT_SECONDS)


def _install() -> None:
    module_name, function_name, when, *rest = SPEC.split(":")
    nth = int(rest[0]) if rest else 1
    module = importlib.import_module(module_name)
    original = getattr(module, function_name)
    calls = {"count": 0}

    @functools.wraps(original)
    def paused(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if when == "before" and calls["count"] == nth:
            _pause()
        result = original(*args, **kwargs)
        if when == "after" and calls["count"] == nth:
            _pause()
        return result

    setattr(module, function_name, paused)


if SPEC and SIGNAL:
    import django

    _setup = django.setup

    def setup(*args: Any, **kwargs: Any) -> None:
        _setup(*args, **kwargs)
        if not getattr(django, "_commonweal_fault_installed", False):
            django._commonweal_fault_installed = True  # type: ignore[attr-defined]
            _install()

    django.setup = setup
