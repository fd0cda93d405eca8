"""Turn a file's bytes into text without mangling legacy encodings, or say why not."""

from __future__ import annotations

import codecs

from ..errors import UnreadableFileError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control bytes that never occur in text (tab, newline, form feed and carriage return do).
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def looks_binary(raw: bytes) -> bool:
    """True for data with NUL bytes or many control bytes in its first 8 KB."""
    head = raw[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = len(head) - len(head.translate(None, _BINARY_BYTES))
    return controls / len(head) > 0.05


def _legacy_encoding(raw: bytes) -> str:
    """Pick cp1251 or cp1252 for non-UTF-8 bytes.

    In Latin-script languages accented letters are a small minority of the letters; in
    Cyrillic text encoded as cp1251 almost every letter is a high byte. The split at a third
    tells them apart reliably for any text longer than a sentence.
    """
    letters = sum(1 for b in raw if 65 <= b <= 90 or 97 <= b <= 122)
    high = sum(1 for b in raw if b >= 0xC0)
    if high and high / (high + letters) > 0.33:
        return "cp1251"
    return "cp1252"


def decode(raw: bytes) -> str:
    """Decode ``raw`` (BOM, then UTF-8, then cp1251/cp1252); raise UnreadableFileError if binary."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnreadableFileError(f"invalid {encoding} text ({exc.reason})") from None
    if looks_binary(raw):
        raise UnreadableFileError("binary file, not text")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few bad bytes (a truncated copy, a bad paste) stays UTF-8:
    # reading it all as cp1252 would turn every accent into mojibake ("café" -> "cafÃ©").
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = sum(1 for ch in text if ord(ch) > 127) - bad
    # Legacy 8-bit text almost never forms valid UTF-8 sequences by chance, so as many
    # valid multi-byte characters as broken ones says UTF-8 with damage.
    if non_ascii and bad <= non_ascii:
        return text.replace("\ufffd", "")
    # Both code pages leave a few bytes undefined; a stray one becomes U+FFFD, not an error.
    return raw.decode(_legacy_encoding(raw), errors="replace")
