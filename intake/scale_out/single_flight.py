"""At most one run of a periodic job at a time across every worker machine.

Beat sends a job at its interval whether or not the last run has finished; two IMAP fetches of one
folder at once would waste work, two sweeps would re-send the same contacts. A key in the broker's
Redis, set only if absent and with an expiry (so a killed worker's key does not block forever),
lets the first run go and the overlapping one step aside.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis

# Deletes the key only if it still holds our token: an expired and retaken key is not ours.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


@contextmanager
def single_flight(broker_url: str, key: str, ttl_seconds: float) -> Iterator[bool]:
    """Yields True when this run holds the job, False when another run does."""
    client = redis.Redis.from_url(broker_url)
    token = uuid.uuid4().hex
    held = bool(client.set(key, token, nx=True, px=max(int(ttl_seconds * 1000), 1000)))
    try:
        yield held
    finally:
        if held:
            client.eval(_RELEASE, 1, key, token)
        client.close()
