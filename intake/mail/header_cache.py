"""The standard email policy, with each distinct header parsed once instead of on every read.

`policy.default` builds a new header object (a full RFC 5322 parse) every time a header is
read, and reading one message asks for Content-Type dozens of times (walking the parts,
charsets, parameters, file names). Header objects are immutable and depend only on the
policy, the header's name and its raw value, so a small shared cache returns the same
objects for a fraction of the cost.
"""

from __future__ import annotations

from email.policy import EmailPolicy
from functools import lru_cache
from typing import Any

# Enough for the headers of a few large messages.
_CACHE_SIZE = 1024


class CachingPolicy(EmailPolicy):
    """`policy.default` whose header reads are served from a shared cache."""

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        if hasattr(value, "name") or not isinstance(value, str):
            return super().header_fetch_parse(name, value)
        return _parsed(self, name, value)


@lru_cache(maxsize=_CACHE_SIZE)
def _parsed(policy: EmailPolicy, name: str, value: str) -> Any:
    # A header the parser rejects raises here every time: exceptions are not cached.
    return EmailPolicy.header_fetch_parse(policy, name, value)


caching_default = CachingPolicy()
