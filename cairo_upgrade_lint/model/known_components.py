"""What the linter knows about OpenZeppelin components that are not in the analysed source.

The knowledge is data: Cairo stubs that declare each component's storage members (names and
types, which fix their addresses), its embeddable impls (entry points), its events, and the guard
and upgrade behaviour of its functions in a few statements each (who must call, which syscall runs).
The stubs are package data (``openzeppelin_stubs/*.cairo``, each headed by the OpenZeppelin versions it
describes), the fallback when OpenZeppelin's own sources are not found among the dependencies. They are
parsed like user code into a crate named ``openzeppelin``; a component path starting with
``openzeppelin`` that the input does not define resolves into it (``scope.py``).

Written from the OpenZeppelin Contracts for Cairo documentation and sources (v0.8.0 .. v4.0.0-rc.1:
storage names have been stable since v0.8; ``AccessControl_role_member`` holds ``bool`` before v2 and
the felt-packed ``AccountRoleInfo`` since, a compatible encoding of granted/not granted). Each stub's
header comment names the versions whose storage and entry points it describes.
``WITH_COMPONENTS`` is the naming that ``#[with_components(...)]`` uses for injected components.
"""

from __future__ import annotations

from functools import lru_cache

from ..records import record

KNOWN_CRATE = "openzeppelin"
KNOWN_PATH = "<openzeppelin knowledge>"


@record
class InjectedComponent:
    """How ``#[with_components(Name)]`` declares a component: its module, storage member and event."""

    component: str
    path: str
    storage: str
    event: str


def _injected(name: str, path: str, storage: str) -> tuple[str, InjectedComponent]:
    return name, InjectedComponent(f"{name}Component", f"{path}::{name}Component", storage, f"{name}Event")


WITH_COMPONENTS: dict[str, InjectedComponent] = dict(
    [
        _injected("Account", "openzeppelin_account", "account"),
        _injected("EthAccount", "openzeppelin_account", "eth_account"),
        _injected("SRC9", "openzeppelin_account::extensions", "src9"),
        _injected(
            "AccessControlDefaultAdminRules",
            "openzeppelin_access::accesscontrol::extensions",
            "access_control_dar",
        ),
        _injected("Vesting", "openzeppelin_finance::vesting", "vesting"),
        _injected("ERC721Consecutive", "openzeppelin_token::erc721::extensions", "erc721_consecutive"),
        _injected("ERC721Enumerable", "openzeppelin_token::erc721::extensions", "erc721_enumerable"),
        _injected("ERC721Receiver", "openzeppelin_token::erc721", "erc721_receiver"),
        _injected("ERC721URIStorage", "openzeppelin_token::erc721::extensions", "erc721_uri_storage"),
        _injected("ERC1155Supply", "openzeppelin_token::erc1155::extensions", "erc1155_supply"),
        _injected("ERC1155URIStorage", "openzeppelin_token::erc1155::extensions", "erc1155_uri_storage"),
        _injected("ERC1155Receiver", "openzeppelin_token::erc1155", "erc1155_receiver"),
        _injected("ERC2981", "openzeppelin_token::common::erc2981", "erc2981"),
        _injected("ERC4626", "openzeppelin_token::erc20::extensions::erc4626", "erc4626"),
        _injected("ERC6909", "openzeppelin_token::erc6909", "erc6909"),
        _injected("ERC6909ContentURI", "openzeppelin_token::erc6909::extensions", "erc6909_content_uri"),
        _injected("ERC6909Metadata", "openzeppelin_token::erc6909::extensions", "erc6909_metadata"),
        _injected("ERC6909TokenSupply", "openzeppelin_token::erc6909::extensions", "erc6909_token_supply"),
        _injected("ERC20Wrapper", "openzeppelin_token::erc20::extensions::erc20_wrapper", "erc20_wrapper"),
        _injected("ERC20FlashMint", "openzeppelin_token::erc20::extensions::erc20_flash_mint", "erc20_flash_mint"),
        _injected("ERC721Wrapper", "openzeppelin_token::erc721::extensions::erc721_wrapper", "erc721_wrapper"),
        _injected("Governor", "openzeppelin_governance::governor", "governor"),
        _injected(
            "GovernorCoreExecution",
            "openzeppelin_governance::governor::extensions",
            "governor_core_execution",
        ),
        _injected(
            "GovernorCountingSimple",
            "openzeppelin_governance::governor::extensions",
            "governor_counting_simple",
        ),
        _injected("GovernorSettings", "openzeppelin_governance::governor::extensions", "governor_settings"),
        _injected(
            "GovernorTimelockExecution",
            "openzeppelin_governance::governor::extensions",
            "governor_timelock_execution",
        ),
        _injected(
            "GovernorVotesQuorumFraction",
            "openzeppelin_governance::governor::extensions",
            "governor_votes_quorum_fraction",
        ),
        _injected("GovernorVotes", "openzeppelin_governance::governor::extensions", "governor_votes"),
        _injected("Ownable", "openzeppelin_access::ownable", "ownable"),
        _injected("AccessControl", "openzeppelin_access::accesscontrol", "access_control"),
        _injected("SRC5", "openzeppelin_introspection::src5", "src5"),
        _injected("Initializable", "openzeppelin_security", "initializable"),
        _injected("Pausable", "openzeppelin_security", "pausable"),
        _injected("ReentrancyGuard", "openzeppelin_security", "reentrancy_guard"),
        _injected("ERC20", "openzeppelin_token::erc20", "erc20"),
        _injected("ERC721", "openzeppelin_token::erc721", "erc721"),
        _injected("ERC1155", "openzeppelin_token::erc1155", "erc1155"),
        _injected("Upgradeable", "openzeppelin_upgrades", "upgradeable"),
        _injected("Nonces", "openzeppelin_utils::nonces", "nonces"),
        _injected("Multisig", "openzeppelin_governance::multisig", "multisig"),
        _injected("TimelockController", "openzeppelin_governance::timelock", "timelock_controller"),
        _injected("Votes", "openzeppelin_governance::votes", "votes"),
    ]
)

STUB_FOLDER = "openzeppelin_stubs"
"""The package-data folder (next to this module) holding the stubs, one ``.cairo`` file a component."""

STUB_FILES = (
    "call",
    "src5",
    "ownable",
    "access_control",
    "upgradeable",
    "timelock_controller",
    "multisig",
    "erc20",
    "erc721",
)
"""The stub files in the order they are joined into the one ``openzeppelin`` module (``Call`` first:
``TimelockControllerComponent`` uses it through ``super::``)."""


@lru_cache(maxsize=1)
def stubs() -> str:
    """The stubs as one Cairo text, read from the package data once (and only when an input needs them).

    Each file's header comment (its OpenZeppelin versions) is left out of the joined text, so that the
    locations reported inside the knowledge (``KNOWN_PATH``) do not move when a header is reworded."""
    # imported here: a run without OpenZeppelin does not pay for importing it
    from importlib.resources import files

    folder = files(__package__).joinpath(STUB_FOLDER)
    texts = (_without_header(folder.joinpath(f"{name}.cairo").read_text(encoding="utf-8")) for name in STUB_FILES)
    return "\n" + "\n".join(texts)


def _without_header(text: str) -> str:
    """``text`` without its leading ``//`` comment lines and the blank line after them."""
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and lines[start].startswith("//"):
        start += 1
    if start < len(lines) and not lines[start].strip():
        start += 1
    return "".join(lines[start:])
