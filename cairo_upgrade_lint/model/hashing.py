"""Starknet hashes that storage addresses and selectors are made of.

* ``sn_keccak``: keccak-256 of the bytes, masked to 250 bits (names -> selectors and base addresses).
* ``pedersen``: the Starknet Pedersen hash over the STARK curve, computed here in plain Python.
* Storage address helpers that follow the corelib: storage paths fold keys with Pedersen and the
  final felt becomes a ``StorageBaseAddress`` modulo ``2**251 - 256``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache

from .keccak import keccak_256

FIELD_PRIME = 2**251 + 17 * 2**192 + 1
ADDRESS_BOUND = 2**251 - 256
"""Storage base addresses live in [0, 2**251 - 256)."""

_MASK_250 = 2**250 - 1
_ALPHA = 1
_LOW_BITS = 248

# The curve points of the Starknet Pedersen hash: a shift point and four generators, two per input
# (one for the low 248 bits, one for the high 4 bits). Public constants of the STARK curve
# y^2 = x^3 + x + beta over FIELD_PRIME.
_SHIFT_POINT = (
    0x49EE3EBA8C1600700EE1B87EB599F16716B0B1022947733551FDE4050CA6804,
    0x3CA0CFE4B3BC6DDF346D49D06EA0ED34E621062C0E056C1D0405D266E10268A,
)
_GENERATORS = (
    (
        0x234287DCBAFFE7F969C748655FCA9E58FA8120B6D56EB0C1080D17957EBE47B,
        0x3B056F100F96FB21E889527D41F4E39940135DD7A6C94CC6ED0268EE89E5615,
    ),
    (
        0x4FA56F376C83DB33F9DAB2656558F3399099EC1DE5E3018B7A6932DBA8AA378,
        0x3FA0984C931C9E38113E0C0E47E4401562761F92A7A23B45168F4E80FF5B54D,
    ),
    (
        0x4BA4CC166BE8DEC764910F75B45F74B40C690C74709E90F3AA372F0BD2D6997,
        0x40301CF5C1751F4B971E46C4EDE85FCAC5C59A5CE5AE7C48151F27B24B219C,
    ),
    (
        0x54302DCB0E6CC1C6E44CCA8F61A63BB2CA65048D53FB325D36FF12C49A58202,
        0x1B77B3E37D13504B348046268D8AE25CE98AD783C25561A879DCC77E99C2426,
    ),
)

Point = tuple[int, int]


@lru_cache(maxsize=65536)
def sn_keccak(name: str | bytes) -> int:
    """Starknet keccak: keccak-256 of the name's bytes (UTF-8; names are ASCII in valid Cairo),
    keeping the low 250 bits."""
    data = name.encode("utf-8") if isinstance(name, str) else name
    return int.from_bytes(keccak_256(data), "big") & _MASK_250


def selector(name: str) -> int:
    """An entry point or event selector: ``sn_keccak`` of the bare name."""
    return sn_keccak(name)


def felt_hex(value: int) -> str:
    """The canonical ``0x``-prefixed lowercase hex form used in every output."""
    return hex(value)


def selector_hex(name: str) -> str:
    return felt_hex(selector(name))


# ---------------------------------------------------------------- elliptic-curve arithmetic


# Points are kept in Jacobian coordinates (X, Y, Z) for affine (x, y) = (X/Z^2, Y/Z^3) while they are
# summed: an affine addition costs a modular inverse (``pow(d, -1, p)``, about 35 us), a Jacobian one
# a dozen multiplications; one inverse at the end gives the affine x.
Jacobian = tuple[int, int, int]


def _add(p: Jacobian, q: Point) -> Jacobian:
    """``p + q`` for a Jacobian ``p`` and an affine ``q`` of another x (Pedersen's sums never meet
    equal x coordinates; it is an error if they do)."""
    x1, y1, z1 = p
    zz = z1 * z1 % FIELD_PRIME
    h = (q[0] * zz - x1) % FIELD_PRIME
    r = (q[1] * zz * z1 - y1) % FIELD_PRIME
    if h == 0:
        raise ArithmeticError("pedersen: adding points with equal x coordinates")
    hh = h * h % FIELD_PRIME
    hhh = h * hh % FIELD_PRIME
    v = x1 * hh % FIELD_PRIME
    x3 = (r * r - hhh - 2 * v) % FIELD_PRIME
    return x3, (r * (v - x3) - y1 * hhh) % FIELD_PRIME, z1 * h % FIELD_PRIME


def _double(p: Jacobian) -> Jacobian:
    x, y, z = p
    yy = y * y % FIELD_PRIME
    s = 4 * x * yy % FIELD_PRIME
    zz = z * z % FIELD_PRIME
    m = (3 * x * x + _ALPHA * zz * zz) % FIELD_PRIME
    x3 = (m * m - 2 * s) % FIELD_PRIME
    return x3, (m * (s - x3) - 8 * yy * yy) % FIELD_PRIME, 2 * y * z % FIELD_PRIME


def _affine(points: list[Jacobian]) -> list[Point]:
    """The affine forms of ``points``, with one modular inverse for all (Montgomery's trick)."""
    prefix = [1]
    for _, _, z in points:
        prefix.append(prefix[-1] * z % FIELD_PRIME)
    inverse = pow(prefix[-1], -1, FIELD_PRIME)  # of the product of every z
    out: list[Point] = [(0, 0)] * len(points)
    for i in range(len(points) - 1, -1, -1):
        x, y, z = points[i]
        z_inverse = inverse * prefix[i] % FIELD_PRIME
        inverse = inverse * z % FIELD_PRIME
        zz_inverse = z_inverse * z_inverse % FIELD_PRIME
        out[i] = (x * zz_inverse % FIELD_PRIME, y * zz_inverse * z_inverse % FIELD_PRIME)
    return out


@cache
def _powers_of_two(generator: int) -> tuple[Point, ...]:
    """generator * 2**i for i < 248, affine: scalar multiplication then needs only additions."""
    x, y = _GENERATORS[generator]
    points: list[Jacobian] = [(x, y, 1)]
    for _ in range(_LOW_BITS - 1):
        points.append(_double(points[-1]))
    return tuple(_affine(points))


def _accumulate(total: Jacobian, generator: int, scalar: int) -> Jacobian:
    powers = _powers_of_two(generator)
    bit = 0
    while scalar:
        if scalar & 1:
            total = _add(total, powers[bit])
        scalar >>= 1
        bit += 1
    return total


@lru_cache(maxsize=65536)
def pedersen(a: int, b: int) -> int:
    """Starknet Pedersen hash of two felts: the x coordinate of
    shift + a_low*P0 + a_high*P1 + b_low*P2 + b_high*P3 (low = 248 bits, high = the top 4 bits)."""
    total: Jacobian = (*_SHIFT_POINT, 1)
    for index, value in enumerate((a, b)):
        if not 0 <= value < FIELD_PRIME:
            raise ValueError(f"pedersen input {value:#x} is not a felt")
        total = _accumulate(total, 2 * index, value & (2**_LOW_BITS - 1))
        total = _accumulate(total, 2 * index + 1, value >> _LOW_BITS)
    return _affine([total])[0][0]


# ---------------------------------------------------------------- storage addresses


def fold(path: int, felts: Iterable[int]) -> int:
    """Pedersen hash state of a storage path updated with each felt (the state is not reduced)."""
    for felt in felts:
        path = pedersen(path, felt % FIELD_PRIME)
    return path


def storage_address(path: int) -> int:
    """The slot a finalized storage path designates (``storage_base_address_from_felt252``)."""
    return path % ADDRESS_BOUND


def map_entry_path(base: int, key_felts: Iterable[int]) -> int:
    """Path of a ``Map``/``LegacyMap`` entry: the base folded with every felt of the serialized key."""
    return fold(base, key_felts)


def vec_element_path(base: int, index: int) -> int:
    """Path of ``Vec`` element ``index`` (its length, a u64, is stored at the base)."""
    return pedersen(base, index)


def node_member_path(parent: int, member: str) -> int:
    """Path of member ``member`` of a ``#[starknet::storage_node]`` under ``parent``."""
    return pedersen(parent, sn_keccak(member))
