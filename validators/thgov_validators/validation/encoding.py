"""Encoding detection that gets Thai files right.

Government CSV files arrive as UTF-8, UTF-8 with a BOM, or TIS-620 / Windows-874 (cp874, a
superset of TIS-620). chardet rates a real TIS-620 file as cp874 with a confidence of 0.08 and a
Latin-1 fallback turns Thai into mojibake, so the order here is: BOM, strict UTF-8, then a Thai
byte-range test for cp874, and only then charset_normalizer.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

SAMPLE_BYTES = 1 << 20

# cp874 puts Thai letters, vowels, tone marks and digits at 0xA1-0xFB (TIS-620's layout).
_THAI_LOW, _THAI_HIGH = 0xA1, 0xFB
# Bytes undefined in cp874: a file that has them is not cp874.
_CP874_UNDEFINED = frozenset({0xDB, 0xDC, 0xDD, 0xDE, 0xFC, 0xFD, 0xFE, 0xFF})


@dataclass(frozen=True)
class Detected:
    encoding: str  # a Python codec name: utf-8, utf-8-sig, cp874, ...
    confidence: float
    method: str  # bom | utf-8 | thai-bytes | charset-normalizer | fallback
    binary: bool = False


def looks_binary(sample: bytes) -> bool:
    """NUL bytes or many control characters: not a text table (unless UTF-16 with a BOM)."""
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in sample[:65536]:
        return True
    controls = sum(1 for b in sample[:65536] if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(sample[:65536]) // 100)


def _valid_utf8_prefix(sample: bytes, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        decoder.decode(sample, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(sample: bytes, *, complete: bool = False) -> Detected:
    """Detect the encoding of a byte sample (the first megabyte of a file).

    ``complete`` says that the sample is the whole file, so a cut multi-byte character at its end
    is an error rather than the edge of the sample.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return Detected("utf-8-sig", 1.0, "bom")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Detected("utf-16", 1.0, "bom")
    if looks_binary(sample):
        return Detected("binary", 1.0, "binary", binary=True)
    if _valid_utf8_prefix(sample, complete):
        return Detected("utf-8", 1.0 if any(b >= 0x80 for b in sample) else 0.99, "utf-8")
    if complete and _valid_utf8_prefix(sample, False):
        # Valid UTF-8 up to a character cut at the very end: a truncated upload.
        return Detected("utf-8", 0.9, "utf-8-truncated")
    high = [b for b in sample if b >= 0x80]
    if high and not any(b in _CP874_UNDEFINED for b in high):
        thai = sum(1 for b in high if _THAI_LOW <= b <= _THAI_HIGH)
        if thai / len(high) >= 0.9:
            return Detected("cp874", round(thai / len(high), 3), "thai-bytes")
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample[:SAMPLE_BYTES]).best()
    except Exception:  # noqa: BLE001 - a detector failure must not fail validation
        best = None
    if best is not None and best.encoding:
        name = codecs.lookup(best.encoding).name
        return Detected(name, 0.5, "charset-normalizer")
    return Detected("cp1252", 0.1, "fallback")
