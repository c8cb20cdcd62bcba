"""Named crash points, so tests can kill the process exactly where a real crash would hurt most.

`INTAKE_FAILPOINT=route.before_commit:3` kills the process with SIGKILL the third time that point
is reached. Unset (always, in production) it costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
import threading

_hits: dict[str, int] = {}
_lock = threading.Lock()


def _armed() -> tuple[str, int] | None:
    spec = os.environ.get("INTAKE_FAILPOINT", "")
    if not spec:
        return None
    name, _, count = spec.partition(":")
    return name, int(count or "1")


def hit(name: str) -> None:
    armed = _armed()
    if armed is None or armed[0] != name:
        return
    with _lock:
        _hits[name] = _hits.get(name, 0) + 1
        reached = _hits[name] >= armed[1]
    if reached:
        os.kill(os.getpid(), signal.SIGKILL)
