"""Keccak-256 (the original Keccak padding that Starknet and Ethereum use, not SHA3-256's).

``keccak_256`` computes it in plain Python for the first ``PLAIN_LIMIT`` messages of a run and with
pycryptodome's C implementation after that: a run of one contract hashes a few dozen names, for
which importing pycryptodome (which also starts a ``file`` subprocess to learn the architecture)
costs more than hashing them here; a large tree hashes thousands, where the C code pays.

The permutation is Keccak-f[1600] of the Keccak reference (FIPS 202, section 3), unrolled over 25
local lanes: theta, rho and pi, chi, iota.
"""

from __future__ import annotations

from collections.abc import Callable

PLAIN_LIMIT = 64
"""Messages hashed in plain Python (about 0.3 ms each) before switching to pycryptodome."""

_RATE = 136  # bytes absorbed per permutation: 1600 - 2 * 256 bits
_LANE = (1 << 64) - 1
_ROUND_CONSTANTS = (
    0x0000000000000001,
    0x0000000000008082,
    0x800000000000808A,
    0x8000000080008000,
    0x000000000000808B,
    0x0000000080000001,
    0x8000000080008081,
    0x8000000000008009,
    0x000000000000008A,
    0x0000000000000088,
    0x0000000080008009,
    0x000000008000000A,
    0x000000008000808B,
    0x800000000000008B,
    0x8000000000008089,
    0x8000000000008003,
    0x8000000000008002,
    0x8000000000000080,
    0x000000000000800A,
    0x800000008000000A,
    0x8000000080008081,
    0x8000000000008080,
    0x0000000080000001,
    0x8000000080008008,
)
_hashed = 0
_c_keccak: Callable[[bytes], bytes] | None = None


def keccak_256(data: bytes) -> bytes:
    """The 32-byte Keccak-256 digest of ``data``."""
    global _hashed, _c_keccak
    if _c_keccak is not None:
        return _c_keccak(data)
    _hashed += 1
    if _hashed > PLAIN_LIMIT:
        _c_keccak = c_keccak_256
    return plain_keccak_256(data)


def c_keccak_256(data: bytes) -> bytes:
    """Keccak-256 by pycryptodome."""
    from Crypto.Hash import keccak

    return keccak.new(digest_bits=256, data=data).digest()


def plain_keccak_256(data: bytes) -> bytes:
    """Keccak-256 in plain Python: pad (0x01 ... 0x80), absorb each block, squeeze 4 lanes."""
    padded = bytearray(data)
    padded.append(0x01)
    padded.extend(bytes(-len(padded) % _RATE))
    padded[-1] |= 0x80
    lanes = [0] * 25
    for offset in range(0, len(padded), _RATE):
        for index in range(_RATE // 8):
            start = offset + 8 * index
            lanes[index] ^= int.from_bytes(padded[start : start + 8], "little")
        lanes = _permute(lanes)
    return b"".join(lane.to_bytes(8, "little") for lane in lanes[:4])


def _permute(state: list[int]) -> list[int]:
    """Keccak-f[1600]: 24 rounds over the lanes a[x + 5y]."""
    (
        a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12,
        a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24,
    ) = state  # fmt: skip
    for constant in _ROUND_CONSTANTS:
        c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
        c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
        c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
        c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
        c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
        d0 = c4 ^ ((c1 << 1 | c1 >> 63) & _LANE)
        d1 = c0 ^ ((c2 << 1 | c2 >> 63) & _LANE)
        d2 = c1 ^ ((c3 << 1 | c3 >> 63) & _LANE)
        d3 = c2 ^ ((c4 << 1 | c4 >> 63) & _LANE)
        d4 = c3 ^ ((c0 << 1 | c0 >> 63) & _LANE)
        b0 = a0 ^ d0
        v = a5 ^ d0
        b16 = (v << 36 | v >> 28) & _LANE
        v = a10 ^ d0
        b7 = (v << 3 | v >> 61) & _LANE
        v = a15 ^ d0
        b23 = (v << 41 | v >> 23) & _LANE
        v = a20 ^ d0
        b14 = (v << 18 | v >> 46) & _LANE
        v = a1 ^ d1
        b10 = (v << 1 | v >> 63) & _LANE
        v = a6 ^ d1
        b1 = (v << 44 | v >> 20) & _LANE
        v = a11 ^ d1
        b17 = (v << 10 | v >> 54) & _LANE
        v = a16 ^ d1
        b8 = (v << 45 | v >> 19) & _LANE
        v = a21 ^ d1
        b24 = (v << 2 | v >> 62) & _LANE
        v = a2 ^ d2
        b20 = (v << 62 | v >> 2) & _LANE
        v = a7 ^ d2
        b11 = (v << 6 | v >> 58) & _LANE
        v = a12 ^ d2
        b2 = (v << 43 | v >> 21) & _LANE
        v = a17 ^ d2
        b18 = (v << 15 | v >> 49) & _LANE
        v = a22 ^ d2
        b9 = (v << 61 | v >> 3) & _LANE
        v = a3 ^ d3
        b5 = (v << 28 | v >> 36) & _LANE
        v = a8 ^ d3
        b21 = (v << 55 | v >> 9) & _LANE
        v = a13 ^ d3
        b12 = (v << 25 | v >> 39) & _LANE
        v = a18 ^ d3
        b3 = (v << 21 | v >> 43) & _LANE
        v = a23 ^ d3
        b19 = (v << 56 | v >> 8) & _LANE
        v = a4 ^ d4
        b15 = (v << 27 | v >> 37) & _LANE
        v = a9 ^ d4
        b6 = (v << 20 | v >> 44) & _LANE
        v = a14 ^ d4
        b22 = (v << 39 | v >> 25) & _LANE
        v = a19 ^ d4
        b13 = (v << 8 | v >> 56) & _LANE
        v = a24 ^ d4
        b4 = (v << 14 | v >> 50) & _LANE
        a0 = b0 ^ (~b1 & b2)
        a1 = b1 ^ (~b2 & b3)
        a2 = b2 ^ (~b3 & b4)
        a3 = b3 ^ (~b4 & b0)
        a4 = b4 ^ (~b0 & b1)
        a5 = b5 ^ (~b6 & b7)
        a6 = b6 ^ (~b7 & b8)
        a7 = b7 ^ (~b8 & b9)
        a8 = b8 ^ (~b9 & b5)
        a9 = b9 ^ (~b5 & b6)
        a10 = b10 ^ (~b11 & b12)
        a11 = b11 ^ (~b12 & b13)
        a12 = b12 ^ (~b13 & b14)
        a13 = b13 ^ (~b14 & b10)
        a14 = b14 ^ (~b10 & b11)
        a15 = b15 ^ (~b16 & b17)
        a16 = b16 ^ (~b17 & b18)
        a17 = b17 ^ (~b18 & b19)
        a18 = b18 ^ (~b19 & b15)
        a19 = b19 ^ (~b15 & b16)
        a20 = b20 ^ (~b21 & b22)
        a21 = b21 ^ (~b22 & b23)
        a22 = b22 ^ (~b23 & b24)
        a23 = b23 ^ (~b24 & b20)
        a24 = b24 ^ (~b20 & b21)
        a0 ^= constant
    return [
        a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12,
        a13, a14, a15, a16, a17, a18, a19, a20, a21, a22, a23, a24,
    ]  # fmt: skip
