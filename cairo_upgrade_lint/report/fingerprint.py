"""GitHub's ``primaryLocationLineHash``, computed as the code-scanning upload action does.

Algorithm (github/codeql-action, ``src/fingerprints.ts``), reimplemented from its description:
the file is read as UTF-16 code units (JavaScript string semantics); spaces and tabs are skipped;
CR, LF and CRLF all count as one LF. A polynomial rolling hash (base 37, arithmetic modulo 2**64)
runs over a window of the 100 following non-blank code units, continued by one 0xFFFF marker at the
end of the file and then zeros. The hash of a line is the window value once 100 code units from
the line's first counted code unit have been taken, written as unsigned hexadecimal without
leading zeros, plus ``:n`` where n counts how often that value has occurred so far in the file.
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from itertools import chain

BLOCK_SIZE = 100
_BASE = 37
_MASK = (1 << 64) - 1
_DROPPED_BASE = pow(_BASE, BLOCK_SIZE, 1 << 64)  # weight of the unit leaving the window
_EOF = 0xFFFF
_TAB, _LF, _CR, _SPACE = 9, 10, 13, 32


def line_hashes(text: str) -> dict[int, str]:
    """Every line's ``primaryLocationLineHash`` by 1-based line number."""
    units = array("H", text.encode("utf-16-le", "surrogatepass"))  # as JavaScript strings
    if sys.byteorder == "big":
        units.byteswap()
    window = [0] * BLOCK_SIZE
    starts = [0] * BLOCK_SIZE  # the line whose first counted unit sits in each window slot, 0 for none
    value = index = line = 0
    at_line_start, after_cr = True, False
    seen: Counter[str] = Counter()
    hashes: dict[int, str] = {}

    def emit_pending() -> None:
        """A slot about to be reused ends its line's window: that line's hash is the current value."""
        if starts[index]:
            digest = format(value, "x")
            seen[digest] += 1
            hashes[starts[index]] = f"{digest}:{seen[digest]}"
            starts[index] = 0

    def push(unit: int) -> None:
        nonlocal value, index
        value = (_BASE * value + unit - _DROPPED_BASE * window[index]) & _MASK
        window[index] = unit
        index = (index + 1) % BLOCK_SIZE

    for unit in chain(units, (_EOF,)):
        if unit in (_SPACE, _TAB) or (after_cr and unit == _LF):
            after_cr = False
            continue
        after_cr = unit == _CR
        if after_cr:
            unit = _LF
        emit_pending()
        if at_line_start:
            line += 1
            starts[index] = line
        at_line_start = unit == _LF
        push(unit)
    for _ in range(BLOCK_SIZE):
        emit_pending()
        push(0)
    return hashes
