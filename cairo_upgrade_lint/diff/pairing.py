"""Which old contract becomes which new one."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..model.contracts import Contract


def pair_contracts(
    old: tuple[Contract, ...], new: tuple[Contract, ...], explicit: Mapping[str, str] | None = None
) -> tuple[list[tuple[Contract, Contract]], list[Contract], list[Contract]]:
    """Pairs (old, new), then the unpaired old and new contracts.

    Order of matching: ``explicit`` (old name -> new name, module or qualified names), then by a key
    that is unique on both sides: the qualified name, the module path inside its crate (two folders
    compared have different crate names: ``old::a::Vault`` and ``new::a::Vault``), the module name;
    finally, per kind (contract / component), the single remaining old one with the single
    remaining new one. Linear in the number of contracts.
    """
    left, right = list(old), list(new)
    pairs: list[tuple[Contract, Contract]] = []

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
        if len(rest_old) == 1 and len(rest_new) == 1:
            take([(rest_old[0], rest_new[0])])
    return pairs, left, right


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
