"""Which old contract becomes which new one."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..model.contracts import Contract


def pair_contracts(
    old: tuple[Contract, ...], new: tuple[Contract, ...], explicit: Mapping[str, str] | None = None
) -> tuple[list[tuple[Contract, Contract]], list[Contract], list[Contract]]:
    """Pairs (old, new), then the unpaired old and new contracts (see ``pair_with_evidence``)."""
    pairs, left, right, _ = pair_with_evidence(old, new, explicit)
    return pairs, left, right


def pair_with_evidence(
    old: tuple[Contract, ...], new: tuple[Contract, ...], explicit: Mapping[str, str] | None = None
) -> tuple[list[tuple[Contract, Contract]], list[Contract], list[Contract], list[tuple[Contract, Contract, str]]]:
    """Pairs (old, new), the unpaired old and new contracts, and the pairs made without a shared
    name with the evidence for each (old, new, text).

    Order of matching: ``explicit`` (old name -> new name, module or qualified names), then by a key
    that is unique on both sides: the qualified name, the module path inside its crate (two folders
    compared have different crate names: ``old::a::Vault`` and ``new::a::Vault``), the module name;
    then, per kind (contract / component), by similarity: an old and a new one whose storage member
    keys and entry point names (selectors) overlap with a Jaccard index of at least
    ``SIMILAR`` and that are each other's unique best match; finally the single remaining old one
    with the single remaining new one when they share a member or an entry point, or when each side
    holds only that one contract or component (whatever their names). Linear in the number of contracts up to the similarity
    step, which compares the leftovers of each kind pairwise.
    """
    left, right = list(old), list(new)
    pairs: list[tuple[Contract, Contract]] = []
    evidence: list[tuple[Contract, Contract, str]] = []

    def take(found: list[tuple[Contract, Contract]]) -> None:
        nonlocal left, right
        pairs.extend(found)
        taken_old, taken_new = {id(a) for a, _ in found}, {id(b) for _, b in found}
        left = [c for c in left if id(c) not in taken_old]
        right = [c for c in right if id(c) not in taken_new]

    for old_name, new_name in (explicit or {}).items():
        a = next((c for c in left if old_name in (c.name, c.qualified_name)), None)
        b = next((c for c in right if new_name in (c.name, c.qualified_name)), None)
        if a is not None and b is not None:
            take([(a, b)])
    for key in (_qualified, _inside_crate, _module):
        olds, news = _by_key(left, key), _by_key(right, key)
        take([(a[0], news[k][0]) for k, a in olds.items() if len(a) == 1 and len(news.get(k, ())) == 1])
    for kind in ("contract", "component"):
        rest_old = [c for c in left if c.kind == kind]
        rest_new = [c for c in right if c.kind == kind]
        similar = _similar_pairs(rest_old, rest_new)
        take([(a, b) for a, b, _ in similar])
        evidence += similar
        rest_old = [c for c in left if c.kind == kind]
        rest_new = [c for c in right if c.kind == kind]
        alone = len(old) == 1 and len(new) == 1
        if len(rest_old) == 1 and len(rest_new) == 1 and (alone or _jaccard(*map(_features, (rest_old[0], rest_new[0])))):
            a, b = rest_old[0], rest_new[0]
            take([(a, b)])
            evidence.append((a, b, _evidence(a, b) + f" (the only {kind} left on each side)"))
    return pairs, left, right, evidence


SIMILAR = 0.5
_MAX_COMPARISONS = 250_000  # leftovers compared pairwise; beyond this, no similarity pairing


def _features(contract: Contract) -> tuple[set[str], set[str]]:
    return {m.key for m in contract.storage}, {e.name for e in contract.entry_points}


def _jaccard(a: tuple[set[str], set[str]], b: tuple[set[str], set[str]]) -> float:
    union = len(a[0] | b[0]) + len(a[1] | b[1])
    return (len(a[0] & b[0]) + len(a[1] & b[1])) / union if union else 0.0


def _similar_pairs(olds: list[Contract], news: list[Contract]) -> list[tuple[Contract, Contract, str]]:
    """Old and new contracts that are each other's unique best match, at ``SIMILAR`` or above."""
    if not olds or not news or len(olds) * len(news) > _MAX_COMPARISONS:
        return []
    old_features = [_features(c) for c in olds]
    new_features = [_features(c) for c in news]
    scores = [[_jaccard(a, b) for b in new_features] for a in old_features]

    def unique_best(values: list[float]) -> int | None:
        best = max(values)
        return values.index(best) if best >= SIMILAR and values.count(best) == 1 else None

    found = []
    for i, row in enumerate(scores):
        j = unique_best(row)
        if j is not None and unique_best([scores[k][j] for k in range(len(olds))]) == i:
            found.append((olds[i], news[j], _evidence(olds[i], news[j])))
    return found


def _evidence(old: Contract, new: Contract) -> str:
    (s1, e1), (s2, e2) = _features(old), _features(new)
    return (
        f"paired `{old.name}` with `{new.name}`: {len(s1 & s2)} of {len(s1 | s2)} storage members and "
        f"{len(e1 & e2)} of {len(e1 | e2)} entry points shared"
    )


def _qualified(contract: Contract) -> str:
    return contract.qualified_name


def _inside_crate(contract: Contract) -> str:
    return contract.qualified_name.partition("::")[2] or contract.qualified_name


def _module(contract: Contract) -> str:
    return contract.name


def _by_key(contracts: list[Contract], key: Callable[[Contract], str]) -> dict[str, list[Contract]]:
    """Contracts by ``key``, keeping their order."""
    found: dict[str, list[Contract]] = {}
    for contract in contracts:
        found.setdefault(key(contract), []).append(contract)
    return found
