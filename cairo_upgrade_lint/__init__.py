"""cairo-upgrade-lint: static upgrade-safety analysis for Starknet Cairo contracts."""

__version__ = "0.1.0"
