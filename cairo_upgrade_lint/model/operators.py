"""The comparison operators and the two ways the analyses rewrite them: mirrored (the sides swapped,
``a < b`` is ``b > a``) and negated (what must hold when the comparison fails, ``a < b`` -> ``a >= b``)."""

from __future__ import annotations

MIRRORED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
NEGATED = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}
COMPARISONS = frozenset(MIRRORED)

# When ``x op c`` holds for an integer constant ``c``: the least value of ``x`` is ``c + LOWER_BOUND[op]``
# and its greatest ``c + UPPER_BOUND[op]`` (operators missing from a table give no such bound).
LOWER_BOUND = {">=": 0, ">": 1, "==": 0}
UPPER_BOUND = {"<=": 0, "<": -1, "==": 0}
