"""Content digests for cache keys and code fingerprints: BLAKE2b with 256-bit output.

Taken from CPython's own ``_blake2`` module when it is there (it always is in CPython builds):
importing ``hashlib`` loads OpenSSL first, which costs a single-contract run about 4 ms.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b


def new_digest(data: bytes = b"") -> blake2b:
    """A running BLAKE2b-256 digest, fed ``data`` so far."""
    return blake2b(data, digest_size=32)
