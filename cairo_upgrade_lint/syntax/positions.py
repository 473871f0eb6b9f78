"""Line and column of a byte offset in one file, worked out when asked for: every syntax node
keeps the byte offsets of its span, and few spans are ever shown (a finding's location, the line
of a suppression comment), so computing positions for all of them would be wasted."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, repeat
from operator import add


class Lines:
    """Where the lines of one file start (``starts``: byte offsets). Columns count code points.
    ``path`` names the file ("" for code the tool makes up)."""

    __slots__ = ("ascii", "path", "source", "starts")

    def __init__(self, source: bytes, path: str = "") -> None:
        self.source = source
        self.path = path
        self.ascii = source.isascii()
        self.starts = [0, *accumulate(map(add, map(len, source.split(b"\n")[:-1]), repeat(1)))]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of the character at byte ``offset``."""
        line = bisect_right(self.starts, offset)
        start = self.starts[line - 1]
        if self.ascii:
            return line, offset - start + 1
        prefix = self.source[start:offset]
        return line, (len(prefix) if prefix.isascii() else len(prefix.decode("utf-8", "replace"))) + 1

    def positions(self, start: int, final: int) -> tuple[int, int, int, int]:
        """``position`` of ``start`` and of ``final``, as one tuple."""
        if not self.ascii:
            return (*self.position(start), *self.position(final))
        starts = self.starts
        line, end_line = bisect_right(starts, start), bisect_right(starts, final)
        return line, start - starts[line - 1] + 1, end_line, final - starts[end_line - 1] + 1

    def last_char(self, start: int, end: int) -> int:
        """Offset of the first byte of the last UTF-8 character in [start, end); ``start`` if empty."""
        last = max(start, end - 1)
        if not self.ascii:
            while last > start and 0x80 <= self.source[last] < 0xC0:
                last -= 1
        return last

    def __reduce__(self) -> tuple[type, tuple[bytes, str]]:
        return Lines, (self.source, self.path)
