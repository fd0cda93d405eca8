"""A compound segment's sub-file, read in place from the segment's memory map.

Whoosh's ``BufferFile`` copies the sub-file into a ``BytesIO`` when it is opened, so
opening a searcher read every segment into memory; here reads copy only what they return.
"""

from __future__ import annotations

from whoosh.filedb.structfile import BufferFile

#: The most ``peek`` copies at once.
PEEK_BYTES = 16_384


class _MapReader:
    """A read-only file object over a memoryview; ``read`` copies only what it returns."""

    __slots__ = ("_pos", "_view")

    def __init__(self, view: memoryview):
        self._view = view
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._pos = end
        return self._view[start:end].tobytes()

    def peek(self, size: int = 0) -> bytes:
        # pickle.load prefetches through peek() (then read()s what it used) instead of a
        # read() per opcode: Whoosh unpickles every posting block it reads. Capped, since
        # pickle asks for 128 KB and a block is a few.
        start = self._pos
        return self._view[start : start + min(max(size, 1), PEEK_BYTES)].tobytes()

    def readline(self, size: int = -1) -> bytes:
        view, start = self._view, self._pos
        end = len(view) if size is None or size < 0 else min(start + size, len(view))
        # Searched a page at a time: a line is short, the rest of the sub-file may not be.
        for page in range(start, end, PEEK_BYTES):
            newline = view[page : min(page + PEEK_BYTES, end)].tobytes().find(b"\n")
            if newline >= 0:
                return self.read(page + newline + 1 - start)
        return self.read(end - start)

    def seek(self, position: int, whence: int = 0) -> int:
        if whence == 1:
            position += self._pos
        elif whence == 2:
            position += len(self._view)
        self._pos = position
        return position

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


class MappedFile(BufferFile):
    """A compound segment's sub-file, read from the segment's memory map without a copy."""

    def __init__(self, buf: memoryview, name: str | None = None):
        super().__init__(b"", name=name)
        self._buf = buf
        self.file = _MapReader(buf)
