"""Which old contract becomes which new one."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from os.path import commonpath

from ..model.contracts import Contract

EIC_ENTRY = "eic_initialize"


def external_initializer(contract: Contract) -> bool:
    """Whether ``contract`` is an external initializer contract (EIC): a class that implements
    ``eic_initialize`` and has no constructor. It is never deployed: its ``eic_initialize`` runs as a
    library call from its host's upgrade, on the host's storage, so its ``#[storage]`` struct is
    only a view of the host's members. It has no deployments to pair across versions."""
    return (
        contract.kind == "contract"
        and any(e.name == EIC_ENTRY for e in contract.entry_points)
        and not any(e.kind == "constructor" for e in contract.entry_points)
    )


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

    Order of matching: ``explicit`` (old name -> new name, module or qualified names), then, leaving
    external initializer contracts out (never deployed, see ``external_initializer``: they stay
    unpaired), by a key that is unique on both sides: the qualified name, the module path inside its
    crate (two folders compared have different crate names: ``old::a::Vault`` and
    ``new::a::Vault``), the module name, except that a new contract whose code is another old
    contract's, renamed onto a deleted namesake, pairs with that one (``_renamed_back``); then, per kind (contract / component), by similarity: an
    old and a new one whose storage member keys and entry point names (selectors) overlap with a
    Jaccard index of at least ``SIMILAR`` and that are each other's best match (``_choose``: near
    ties broken by name, an unbroken tie pairs nothing); finally the single remaining old one with
    the single remaining new one when they share a member or an entry point. Linear in the number
    of contracts up to the similarity step, which compares the leftovers of each kind pairwise.
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
    held_old = [c for c in left if external_initializer(c)]
    held_new = [c for c in right if external_initializer(c)]
    left = [c for c in left if not external_initializer(c)]
    right = [c for c in right if not external_initializer(c)]
    by_name: list[tuple[Contract, Contract]] = []
    for key in (_qualified, _inside_crate, _module):
        olds, news = _by_key(left, key), _by_key(right, key)
        found = [(a[0], news[k][0]) for k, a in olds.items() if len(a) == 1 and len(news.get(k, ())) == 1]
        take(found)
        by_name += found
    for a, b, c, text in _renamed_back(by_name, left):
        pairs = [(c, b) if paired is b else (was, paired) for was, paired in pairs]
        left = [a if other is c else other for other in left]
        evidence.append((c, b, text))
    for kind in ("contract", "component"):
        rest_old = [c for c in left if c.kind == kind]
        rest_new = [c for c in right if c.kind == kind]
        similar = _similar_pairs(rest_old, rest_new)
        take([(a, b) for a, b, _ in similar])
        evidence += similar
        rest_old = [c for c in left if c.kind == kind]
        rest_new = [c for c in right if c.kind == kind]
        if len(rest_old) == 1 and len(rest_new) == 1 and _shares(rest_old[0], rest_new[0], (*old, *new)):
            a, b = rest_old[0], rest_new[0]
            take([(a, b)])
            evidence.append((a, b, _evidence(a, b) + f" (the only {kind} left on each side)"))
    return pairs, _in_order(old, left + held_old), _in_order(new, right + held_new), evidence


SIMILAR = 0.5
MARGIN = 0.05  # scores closer than this to the best one are a tie, broken by name
SAME = 0.9  # an unpaired old contract this similar to a new one is the same code ...
RENAMED_MARGIN = 0.15  # ... when the new one's namesake is this much less similar


def _renamed_back(
    by_name: list[tuple[Contract, Contract]], unpaired: list[Contract]
) -> list[tuple[Contract, Contract, Contract, str]]:
    """Name pairs (old ``a``, new ``b``) where ``b`` is the code of another old contract ``c`` that no
    new one is named after, renamed onto ``a``'s name (``pragma_v2`` becoming ``pragma`` when the old
    ``pragma`` is deleted): ``c`` shares at least ``SAME`` of ``b``'s storage keys and entry points, ``a``
    at least ``RENAMED_MARGIN`` less, and no other unpaired contract ties with ``c``. As (a, b, c, evidence)."""
    if len(by_name) * len(unpaired) > _MAX_COMPARISONS:
        return []
    found = []
    taken: set[int] = set()
    for a, b in by_name:
        candidates = [c for c in unpaired if c.kind == b.kind and id(c) not in taken and not external_initializer(c)]
        scores = [_jaccard(_features(c), _features(b)) for c in candidates]
        tied = _tied(scores)
        namesake = _jaccard(_features(a), _features(b))
        if len(tied) != 1 or scores[tied[0]] < SAME or scores[tied[0]] - namesake < RENAMED_MARGIN:
            continue
        c = candidates[tied[0]]
        taken.add(id(c))
        text = _evidence(c, b) + f" (the code of `{c.name}` renamed to `{b.name}`; the old `{a.name}` shares {namesake:.2f})"
        found.append((a, b, c, text))
    return found


_MAX_COMPARISONS = 250_000  # leftovers compared pairwise; beyond this, no similarity pairing


def rivals(contract: Contract, candidates: list[Contract] | tuple[Contract, ...]) -> list[Contract]:
    """The candidates (of the other version) that tie as ``contract``'s best match by similarity
    and that no name decides between (two or more, best first), else nothing: why it stayed
    unpaired."""
    others = [c for c in candidates if c.kind == contract.kind and not external_initializer(c)]
    if not others or len(others) > _MAX_COMPARISONS:
        return []
    row = [_jaccard(_features(contract), _features(c)) for c in others]
    tied = _tied(row)
    if len(tied) < 2 or _by_name(contract, others, tied) is not None:
        return []
    return [others[j] for j in sorted(tied, key=lambda j: -row[j])]


def _features(contract: Contract) -> tuple[set[str], set[str]]:
    return {m.key for m in contract.storage}, {e.name for e in contract.entry_points}


def _jaccard(a: tuple[set[str], set[str]], b: tuple[set[str], set[str]]) -> float:
    union = len(a[0] | b[0]) + len(a[1] | b[1])
    return (len(a[0] & b[0]) + len(a[1] & b[1])) / union if union else 0.0


def _shares(a: Contract, b: Contract, every: tuple[Contract, ...]) -> bool:
    """Whether two contracts share their module name, or a storage member key or an entry point name
    that no other contract of their kind in either version has (one that several contracts have, such
    as the members and entry points of a component they all embed, or a constructor, says nothing
    about which contract became which)."""
    if a.name == b.name:
        return True
    (s1, e1), (s2, e2) = _features(a), _features(b)
    storage, entries = s1 & s2, e1 & e2
    for other in every:
        if other is a or other is b or other.kind != a.kind or external_initializer(other):
            continue
        s3, e3 = _features(other)
        storage, entries = storage - s3, entries - e3
        if not storage and not entries:
            return False
    return bool(storage or entries)


def _tied(scores: list[float]) -> list[int]:
    """Indices of the scores at ``SIMILAR`` or above within ``MARGIN`` of the best (none when the
    best is below ``SIMILAR``)."""
    best = max(scores, default=0.0)
    if best < SIMILAR:
        return []
    return [j for j, s in enumerate(scores) if s >= SIMILAR and best - s < MARGIN]


def _choose(contract: Contract, others: list[Contract], scores: list[float]) -> int | None:
    """Index of ``contract``'s best match among ``others``: the single best score, or among scores
    within ``MARGIN`` of it the one whose name is closest; None when nothing reaches ``SIMILAR`` or
    the tie stands."""
    tied = _tied(scores)
    if len(tied) == 1:
        return tied[0]
    return _by_name(contract, others, tied) if tied else None


def _by_name(contract: Contract, others: list[Contract], tied: list[int]) -> int | None:
    """The one of ``tied`` whose name is strictly closest to ``contract``'s (``_affinity``)."""
    ranked = sorted(((_affinity(contract, others[j]), j) for j in tied), reverse=True)
    if ranked[0][0] > (False, 0) and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
        return ranked[0][1]
    return None


def _affinity(a: Contract, b: Contract) -> tuple[bool, int]:
    """How close two names are: (one module name is a prefix of the other, or both are declared in
    files of the same name; the length of their module names' common prefix)."""
    x, y = a.name.lower(), b.name.lower()
    stem = _stem(a) == _stem(b)
    return (x.startswith(y) or y.startswith(x) or stem, len(commonpath([x, y])))


def _stem(contract: Contract) -> str:
    return os.path.splitext(os.path.basename(contract.location.path))[0]


def _similar_pairs(olds: list[Contract], news: list[Contract]) -> list[tuple[Contract, Contract, str]]:
    """Old and new contracts that are each other's best match (``_choose``)."""
    if not olds or not news or len(olds) * len(news) > _MAX_COMPARISONS:
        return []
    old_features = [_features(c) for c in olds]
    new_features = [_features(c) for c in news]
    scores = [[_jaccard(a, b) for b in new_features] for a in old_features]
    found = []
    for i, row in enumerate(scores):
        j = _choose(olds[i], news, row)
        if j is not None and _choose(news[j], olds, [scores[k][j] for k in range(len(olds))]) == i:
            text = _evidence(olds[i], news[j])
            close = [k for k in _tied(row) if k != j]
            if close:
                names = ", ".join(f"`{news[k].name}` ({row[k]:.2f})" for k in close)
                text += f" (preferred by name to {names}, as similar: {row[j]:.2f})"
            found.append((olds[i], news[j], text))
    return found


def _evidence(old: Contract, new: Contract) -> str:
    (s1, e1), (s2, e2) = _features(old), _features(new)
    return (
        f"paired `{old.name}` with `{new.name}`: {len(s1 & s2)} of {len(s1 | s2)} storage members and "
        f"{len(e1 & e2)} of {len(e1 | e2)} entry points shared"
    )


def _in_order(every: tuple[Contract, ...], chosen: list[Contract]) -> list[Contract]:
    """``chosen`` in the order of ``every``."""
    ids = {id(c) for c in chosen}
    return [c for c in every if id(c) in ids]


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
