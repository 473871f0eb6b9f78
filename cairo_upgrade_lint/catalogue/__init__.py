"""The rule catalogue: one TOML file per rule in this package (id, name, severity, confidence, tags,
summary, why it matters, bad and fixed examples, how to fix and suppress), shipped as package data.

Rules, audit and reports read it; it reads nothing of theirs.
"""

from .loader import Catalogue, CatalogueError, Example, RuleDoc, load_catalogue, parse_rule
from .render import render_markdown, render_text

__all__ = ["Catalogue", "CatalogueError", "Example", "RuleDoc", "load_catalogue", "parse_rule", "render_markdown", "render_text"]
