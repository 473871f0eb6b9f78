"""Cairo 2.x syntax: lexer, recursive-descent parser and the typed tree it produces."""

from .parser import MAX_NESTING, parse
from .walk import children, walk

__all__ = ["MAX_NESTING", "children", "parse", "walk"]
