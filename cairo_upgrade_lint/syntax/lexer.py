"""Cairo lexer: bytes in, parallel token arrays out (byte offsets), comments kept aside.

Token kinds: 'IDENT', 'INT', 'SHORT' (short string), 'STRING' (byte array), 'EOF', and for keywords
and punctuation the text itself ('fn', '::', '{', ...). Identifiers such as ``self``, ``super``,
``crate``, ``Self`` and ``_`` are IDENT; the parser looks at their text.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from itertools import compress
from typing import TypeAlias

from ..records import field, record
from .ast import Comment, Diagnostic, Span
from .positions import Lines

KEYWORDS = frozenset(
    [
        "as",
        "break",
        "const",
        "continue",
        "else",
        "enum",
        "extern",
        "false",
        "fn",
        "for",
        "if",
        "impl",
        "implicits",
        "let",
        "loop",
        "match",
        "mod",
        "mut",
        "nopanic",
        "of",
        "pub",
        "ref",
        "return",
        "struct",
        "trait",
        "true",
        "type",
        "use",
        "while",
    ]
)

_PUNCT = r"\.\.=|\.\.\.|::|=>|->|==|!=|<=|>=|&&|\|\||\+=|-=|\*=|/=|%=|\.\.|[-+*/%=<>!~&|^@.,;:\#?$()\[\]{}]"
_TOKEN = re.compile(
    r"""
    [ \t\r\n\f\v]*
    (?:
     (?P<comment>//[^\n]*)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<int>(?:0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+|[0-9]+)(?:_[A-Za-z0-9_]*)?)
    |(?P<short>'(?:[^'\\\n]|\\.)*'(?:_[A-Za-z0-9_]*)?)
    |(?P<string>"(?:[^"\\]|\\.)*")
    |(?P<punct>"""
    + _PUNCT
    + r""")
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_NON_WHITESPACE = re.compile(r"[^ \t\r\n\f\v]")
_BAD_RUN = re.compile(rb"[^ \t\r\n\f\v'\"]+")
_INDENT = re.compile(r"[ \t]*")

_KINDS = {"int": "INT", "short": "SHORT", "string": "STRING"}
LARGE = 1 << 20  # bytes: larger files keep their token offsets in arrays (``_compact``)
_OPEN = {"(": ")", "[": "]", "{": "}"}
_BRACKETS = frozenset(_OPEN) | frozenset(_OPEN.values())
EOF_PADDING = 4
MAX_DIAGNOSTICS = 100  # per file, for the lexer and the parser each; the rest are only counted


Ints: TypeAlias = "list[int] | array[int]"  # offsets or token indices: a list, an array for a large file


def _compact(values: Iterable[int] = ()) -> array[int]:
    """Byte offsets or token indices of a large file, one per token, as machine integers: a 10 MB
    file has two million tokens, and an int object for each would take 64 MB more. (Lists are kept
    for the other files: their items are read faster.)"""
    return array("q", values)


@record(frozen=False)
class Tokens:
    """The token stream of one file as parallel arrays, padded with EOF tokens at the end, and the
    file's ``Lines``, from which a span's positions are worked out when they are asked for."""

    lines: Lines  # with the file's bytes (``lines.source``)
    kinds: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    starts: Ints = field(default_factory=list)
    ends: Ints = field(default_factory=list)
    partner: Ints = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    dropped: int = 0

    def span(self, start: int, end: int) -> Span:
        """Span of the bytes [start, end)."""
        return Span(start, end, end - self.lines.last_char(start, end), self.lines)

    def span_from(self, start: int, last: int) -> Span:
        """Span from byte ``start`` to the last byte of token ``last`` (to its offset, for an empty
        EOF token)."""
        end, last_start, lines = self.ends[last], self.starts[last], self.lines
        if end == last_start:
            return Span(start, end, 0, lines)
        return Span(start, end, 1 if lines.ascii else end - lines.last_char(last_start, end), lines)


def lex(source: bytes, path: str) -> Tokens:
    """Tokenize ``source``; errors become diagnostics and lexing goes on.

    The bytes are decoded as Latin-1 so that string indices are byte offsets; the text of
    comments and string literals is re-decoded as UTF-8.
    """
    if source.startswith(b"\xef\xbb\xbf"):
        source = b"   " + source[3:]
    toks = Tokens(Lines(source, path))
    text = source.decode("latin-1")
    large = len(text) > LARGE
    if large:
        toks.starts, toks.ends = _compact(), _compact()
    _scan(toks, text, path)
    kinds, texts = toks.kinds, toks.texts
    if not toks.lines.ascii:
        toks.texts = texts = [_utf8(t) if k in ("STRING", "SHORT") else t for k, t in zip(kinds, texts)]
    kinds += ["EOF"] * EOF_PADDING
    texts += [""] * EOF_PADDING
    toks.starts.extend([len(text)] * EOF_PADDING)
    toks.ends.extend([len(text)] * EOF_PADDING)
    toks.partner = _pair_delimiters(kinds, _compact((-1,)) if large else [-1], _LineIndents(text, toks.starts, toks.ends))
    return toks


def _scan(toks: Tokens, text: str, path: str) -> None:
    """Lex ``text`` match by match, reporting the bytes between tokens; equal token texts share
    one string (a 10 MB file must not hold millions of match objects or copies)."""
    kinds, texts, starts, ends = toks.kinds, toks.texts, toks.starts, toks.ends
    shared: dict[str, str] = {}
    pos = 0  # everything before ``pos`` is lexed or reported
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            pos = _report_gap(toks, path, text, pos, m.start())
        group = m.lastgroup
        assert group is not None  # every alternative of the pattern is a named group
        start, end = m.span(group)
        if start < pos:  # swallowed by an error (an unterminated quote runs to the end of line)
            continue
        pos = m.end()
        if group == "comment":
            end -= text[end - 1] == "\r"  # the CR of a CRLF line ending is not part of a comment
            toks.comments.append(_comment(text[start:end], toks.span(start, end)))
            continue
        token = text[start:end]
        token = shared.setdefault(token, token)
        kinds.append(_KINDS.get(group) or (token if group == "punct" or token in KEYWORDS else "IDENT"))
        texts.append(token)
        starts.append(start)
        ends.append(end)
    _report_gap(toks, path, text, pos, len(text))


def _report_gap(toks: Tokens, path: str, text: str, pos: int, limit: int) -> int:
    """Report the unlexable bytes in ``text[pos:limit]``; return where lexing resumes."""
    while pos < limit:
        bad = _NON_WHITESPACE.search(text, pos, limit)
        if bad is None:
            break
        pos = _lex_error(toks, path, bad.start(), limit)
    return pos


def _comment(text: str, span: Span) -> Comment:
    text = _utf8(text)
    doc = text[:3] if text[:3] in ("///", "//!") and text[:4] != "////" else ""
    return Comment(text, doc, span)


def _utf8(latin1: str) -> str:
    return latin1.encode("latin-1").decode("utf-8", "replace") if not latin1.isascii() else latin1


def _lex_error(toks: Tokens, path: str, pos: int, limit: int) -> int:
    """Record a diagnostic for the bad byte(s) at ``pos`` (a run of unexpected characters up to
    whitespace, a quote or ``limit``, the next token, is one diagnostic); return where lexing resumes."""
    source = toks.lines.source
    char = source[pos : pos + 1]
    if char in (b'"', b"'"):
        end = source.find(b"\n", pos)
        end = len(source) if end < 0 else end
        what = "string" if char == b'"' else "short string"
        message = f"unterminated {what}"
        expected, found = f"closing {char.decode()}", "end of line"
    else:
        gap = _BAD_RUN.match(source, pos, limit)
        end = gap.end() if gap else pos + 1
        shown = source[pos:end].decode("utf-8", "replace")
        message = f"unexpected character {shown!r}" if len(shown) == 1 else f"unexpected characters {shown[:40]!r}"
        expected, found = "a token", shown[:40]
    if len(toks.diagnostics) < MAX_DIAGNOSTICS:
        toks.diagnostics.append(Diagnostic(path, message, toks.span(pos, max(end, pos + 1)), expected, found))
    else:
        toks.dropped += 1
    return max(end, pos + 1)


def _pair_delimiters(kinds: list[str], unmatched: Ints, lines: _LineIndents) -> Ints:
    """For each bracket token, the index of its matching bracket (-1 when unmatched); the result is
    ``unmatched`` (a one-item ``[-1]`` list or array) repeated for every token. Unbalanced brackets
    are paired again, helped by the indentation (see ``_pair_by_nesting``)."""
    partner, balanced = _pair_by_nesting(kinds, unmatched, None)
    if not balanced:
        partner, _ = _pair_by_nesting(kinds, unmatched, lines)
    return partner


def _pair_by_nesting(kinds: list[str], unmatched: Ints, lines: _LineIndents | None) -> tuple[Ints, bool]:
    """Pair the brackets by nesting; also say whether they were balanced (each closer matched the
    innermost open bracket and none was left open).

    With ``lines``, a closing brace that starts its line closes the innermost open brace whose line
    is indented as much (when there is one), leaving the brackets opened after it unclosed: in
    formatted code a missing ``}`` then spoils one function, not the module around it."""
    partner = unmatched * len(kinds)
    stack: list[int] = []
    balanced = True
    for i in compress(range(len(kinds)), map(_BRACKETS.__contains__, kinds)):
        kind = kinds[i]
        if kind in _OPEN:
            stack.append(i)
            continue
        top = len(stack) - 1
        if lines is not None and kind == "}":
            found = _brace_by_indent(stack, kinds, lines, i)
            if found is None:
                continue
            top = found
        if top >= 0 and _OPEN[kinds[stack[top]]] == kind:
            balanced = balanced and top == len(stack) - 1
        elif stack and kind in {_OPEN[kinds[k]] for k in stack}:
            balanced = False
            while _OPEN[kinds[stack[top]]] != kind:
                top -= 1
        else:
            balanced = False
            continue
        j = stack[top]
        del stack[top:]
        partner[i], partner[j] = j, i
    return partner, balanced and not stack


def _brace_by_indent(stack: list[int], kinds: list[str], lines: _LineIndents, close: int) -> int | None:
    """The position in ``stack`` of the open brace that the ``}`` at token ``close`` closes, by
    indentation: a ``}`` that starts its line closes the innermost ``{`` whose line is indented as
    much; one inside a line cannot close a ``{`` that ends its line (None: a stray ``}``). Otherwise
    the top of the stack."""
    indent = lines.leading(close)
    if indent is None:
        top = stack[-1] if stack else -1
        return None if top >= 0 and kinds[top] == "{" and lines.ends_line(top) else len(stack) - 1
    for position in range(len(stack) - 1, -1, -1):
        opener = stack[position]
        if kinds[opener] == "{" and lines.indent(opener) == indent:
            return position
    return len(stack) - 1


class _LineIndents:
    """Where a file's tokens stand in their lines (only unbalanced files ask)."""

    def __init__(self, text: str, starts: Ints, ends: Ints) -> None:
        self.text = text
        self.starts = starts
        self.ends = ends

    def ends_line(self, token: int) -> bool:
        """Whether only whitespace or a comment follows ``token`` on its line."""
        rest = _INDENT.match(self.text, self.ends[token]).end()  # type: ignore[union-attr]
        return self.text.startswith(("\n", "\r", "//"), rest) or rest == len(self.text)

    def indent(self, token: int) -> int:
        """The width of the whitespace that begins the line of ``token``."""
        text, start = self.text, self.starts[token]
        line = text.rfind("\n", 0, start) + 1
        return _INDENT.match(text, line).end() - line  # type: ignore[union-attr]

    def leading(self, token: int) -> int | None:
        """The indentation of ``token`` when it is the first token of its line, else None."""
        text, start = self.text, self.starts[token]
        line = text.rfind("\n", 0, start) + 1
        return start - line if _INDENT.match(text, line).end() == start else None  # type: ignore[union-attr]
