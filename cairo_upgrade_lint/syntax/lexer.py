"""Cairo lexer: bytes in, parallel token arrays out (byte offsets), comments kept aside.

Token kinds: 'IDENT', 'INT', 'SHORT' (short string), 'STRING' (byte array), 'EOF', and for keywords
and punctuation the text itself ('fn', '::', '{', ...). Identifiers such as ``self``, ``super``,
``crate``, ``Self`` and ``_`` are IDENT; the parser looks at their text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .ast import Comment, Diagnostic, Span

KEYWORDS = frozenset(
    """as break const continue else enum extern false fn for if impl implicits let loop match mod mut
    nopanic of pub ref return struct trait true type use while""".split()
)

_TOKEN = re.compile(
    r"""
    [ \t\r\n\f\v]*
    (?:
     (?P<comment>//[^\n]*)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<int>(?:0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+|[0-9]+)(?:_[A-Za-z0-9_]*)?)
    |(?P<short>'(?:[^'\\\n]|\\.)*'(?:_[A-Za-z0-9_]*)?)
    |(?P<string>"(?:[^"\\]|\\.)*")
    |(?P<punct>\.\.=|\.\.\.|::|=>|->|==|!=|<=|>=|&&|\|\||\+=|-=|\*=|/=|%=|\.\.|[-+*/%=<>!~&|^@.,;:\#?$()\[\]{}])
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_WHITESPACE = " \t\r\n\f\v"

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = frozenset(_OPEN.values())
EOF_PADDING = 4


@dataclass
class Tokens:
    """The token stream of one file as parallel arrays, padded with EOF tokens at the end."""

    source: bytes
    kinds: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    partner: list[int] = field(default_factory=list)
    start_lines: list[int] = field(default_factory=list)
    start_columns: list[int] = field(default_factory=list)
    end_lines: list[int] = field(default_factory=list)
    end_columns: list[int] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a byte offset; columns count Unicode code points."""
        line = bisect_right(self.line_starts, offset)
        return line, self.column(line, offset)

    def column(self, line: int, offset: int) -> int:
        """1-based code-point column of byte ``offset`` on ``line``."""
        start = self.line_starts[line - 1]
        prefix = self.source[start:offset]
        return (len(prefix) if prefix.isascii() else len(prefix.decode("utf-8", "replace"))) + 1

    def token_span(self, first: int, last: int) -> Span:
        """Span from token ``first`` to token ``last`` inclusive."""
        return Span(
            self.starts[first],
            self.ends[last],
            self.start_lines[first],
            self.start_columns[first],
            self.end_lines[last],
            self.end_columns[last],
        )

    def span(self, start: int, end: int) -> Span:
        """Span of the bytes [start, end)."""
        line, column = self.position(start)
        end_line, end_column = self.position(self.last_char(start, end))
        return Span(start, end, line, column, end_line, end_column)

    def last_char(self, start: int, end: int) -> int:
        """Offset of the first byte of the last UTF-8 character in [start, end)."""
        last = max(start, end - 1)
        while last > start and 0x80 <= self.source[last] < 0xC0:
            last -= 1
        return last


def lex(source: bytes, path: str) -> Tokens:
    """Tokenize ``source``; errors become diagnostics and lexing goes on.

    The bytes are decoded as Latin-1 so that string indices are byte offsets; the text of
    comments and string literals is re-decoded as UTF-8.
    """
    if source.startswith(b"\xef\xbb\xbf"):
        source = b"   " + source[3:]
    toks = Tokens(source)
    text = source.decode("latin-1")
    toks.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    matches = list(_TOKEN.finditer(text))
    if not _contiguous(matches, text):
        matches = _drop_bad(matches, text, toks, path)
    groups = [m.lastgroup for m in matches]
    spans = [m.span(g) for m, g in zip(matches, groups)]
    toks.comments = [
        _comment(text[s:e], toks.span(s, e)) for g, (s, e) in zip(groups, spans) if g == "comment"
    ]
    kept = [(g, s, e) for g, (s, e) in zip(groups, spans) if g != "comment"]
    toks.starts = [s for _, s, _ in kept] + [len(text)] * EOF_PADDING
    toks.ends = [e for _, _, e in kept] + [len(text)] * EOF_PADDING
    texts = [text[s:e] for _, s, e in kept]
    toks.kinds = [
        t if g == "punct" else (t if t in KEYWORDS else "IDENT") if g == "ident" else g.upper()
        for (g, _, _), t in zip(kept, texts)
    ] + ["EOF"] * EOF_PADDING
    if not text.isascii():
        texts = [_utf8(t) if k in ("STRING", "SHORT") else t for k, t in zip(toks.kinds, texts)]
    toks.texts = texts + [""] * EOF_PADDING
    toks.partner = _pair_delimiters(toks.kinds)
    _locate_tokens(toks)
    return toks


def _contiguous(matches: list[re.Match[str]], text: str) -> bool:
    """True when the matches cover the whole text (no unlexable byte anywhere)."""
    starts = [m.start() for m in matches]
    ends = [m.end() for m in matches]
    end = ends[-1] if ends else 0
    return starts[:1] in ([], [0]) and starts[1:] == ends[:-1] and not text[end:].strip(_WHITESPACE)


def _drop_bad(matches: list[re.Match[str]], text: str, toks: Tokens, path: str) -> list[re.Match[str]]:
    """Report the unlexable bytes between matches; drop tokens an error swallowed (rest of line)."""
    kept: list[re.Match[str]] = []
    pos = 0  # everything before ``pos`` is lexed or reported
    for m in [*matches, None]:
        limit = len(text) if m is None else m.start()
        while pos < limit:
            rest = text[pos:limit].lstrip(_WHITESPACE)
            if not rest:
                break
            pos = _lex_error(toks, path, limit - len(rest))
        if m is not None and m.start(m.lastgroup) >= pos:
            kept.append(m)
            pos = m.end()
    return kept


def _comment(text: str, span: Span) -> Comment:
    text = _utf8(text)
    doc = text[:3] if text[:3] in ("///", "//!") and text[:4] != "////" else ""
    return Comment(text, doc, span)


def _utf8(latin1: str) -> str:
    return latin1.encode("latin-1").decode("utf-8", "replace") if not latin1.isascii() else latin1


def _locate_tokens(toks: Tokens) -> None:
    """Fill the per-token line/column arrays (the end position is that of the token's last byte).

    Columns are byte-based on ASCII lines and recomputed as code points on the few other lines.
    """
    line_starts, starts, ends = toks.line_starts, toks.starts, toks.ends
    lines = [bisect_right(line_starts, s) for s in starts]
    columns = [s - line_starts[n - 1] + 1 for s, n in zip(starts, lines)]
    end_lines = list(lines)
    end_columns = [c + e - s - 1 if e > s else c for c, s, e in zip(columns, starts, ends)]
    if not toks.source.isascii():
        for i in range(len(starts)):
            line_start, line = line_starts[lines[i] - 1], lines[i]
            if not toks.source[line_start : ends[i]].isascii():
                columns[i] = toks.column(line, starts[i])
                end_lines[i], end_columns[i] = toks.position(toks.last_char(starts[i], ends[i]))
    for i, kind in enumerate(toks.kinds):
        if kind == "STRING" and "\n" in toks.texts[i]:
            end_lines[i], end_columns[i] = toks.position(toks.last_char(starts[i], ends[i]))
    toks.start_lines, toks.start_columns = lines, columns
    toks.end_lines, toks.end_columns = end_lines, end_columns


def _lex_error(toks: Tokens, path: str, pos: int) -> int:
    """Record a diagnostic for the bad byte(s) at ``pos``; return where lexing resumes."""
    source = toks.source
    char = source[pos : pos + 1]
    if char in (b'"', b"'"):
        end = source.find(b"\n", pos)
        end = len(source) if end < 0 else end
        what = "string" if char == b'"' else "short string"
        message = f"unterminated {what}"
        expected, found = f"closing {char.decode()}", "end of line"
    else:
        end = pos + 1
        while end < len(source) and source[end] >= 0x80 and source[end] < 0xC0:
            end += 1
        shown = source[pos:end].decode("utf-8", "replace")
        message = f"unexpected character {shown!r}"
        expected, found = "a token", shown
    toks.diagnostics.append(Diagnostic(path, message, toks.span(pos, max(end, pos + 1)), expected, found))
    return max(end, pos + 1)


def _pair_delimiters(kinds: list[str]) -> list[int]:
    """For each bracket token, the index of its matching bracket (-1 when unmatched)."""
    partner = [-1] * len(kinds)
    stack: list[int] = []
    for i, kind in enumerate(kinds):
        if kind in _OPEN:
            stack.append(i)
        elif kind in _CLOSE:
            if stack and _OPEN[kinds[stack[-1]]] == kind:
                j = stack.pop()
                partner[i], partner[j] = j, i
            elif stack and kind in {_OPEN[kinds[k]] for k in stack}:
                while _OPEN[kinds[stack[-1]]] != kind:
                    stack.pop()
                j = stack.pop()
                partner[i], partner[j] = j, i
    return partner
