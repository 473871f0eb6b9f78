"""Which old contract becomes which new one."""

from __future__ import annotations

from collections.abc import Mapping

from ..model.contracts import Contract


def pair_contracts(
    old: tuple[Contract, ...], new: tuple[Contract, ...], explicit: Mapping[str, str] | None = None
) -> tuple[list[tuple[Contract, Contract]], list[Contract], list[Contract]]:
    """Pairs (old, new), then the unpaired old and new contracts.

    Order of matching: ``explicit`` (old name -> new name, module or qualified names), the same
    qualified name, the same module name (when unique on both sides), and finally, per kind
    (contract / component), the single remaining old one with the single remaining new one.
    """
    left, right = list(old), list(new)
    pairs: list[tuple[Contract, Contract]] = []

    def take(a: Contract, b: Contract) -> None:
        pairs.append((a, b))
        left.remove(a)
        right.remove(b)

    for old_name, new_name in (explicit or {}).items():
        a = next((c for c in left if old_name in (c.name, c.qualified_name)), None)
        b = next((c for c in right if new_name in (c.name, c.qualified_name)), None)
        if a is not None and b is not None:
            take(a, b)
    for key in (lambda c: c.qualified_name, lambda c: c.name):
        for a in list(left):
            matches = [b for b in right if key(b) == key(a)]
            if len(matches) == 1 and sum(key(c) == key(a) for c in left) == 1:
                take(a, matches[0])
    for kind in ("contract", "component"):
        rest_old = [c for c in left if c.kind == kind]
        rest_new = [c for c in right if c.kind == kind]
        if len(rest_old) == 1 and len(rest_new) == 1:
            take(rest_old[0], rest_new[0])
    return pairs, left, right
