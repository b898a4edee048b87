"""The media type of a file, from its first bytes (never from its name or a header).

A small magic-bytes sniffer for the types the marketplace accepts; anything else is
``application/octet-stream``. Office Open XML files are ZIP archives whose first entries
name their part folders (``word/``, ``xl/``, ``ppt/``); legacy Office files are OLE2
compound files, whose type is not told apart further (``application/x-ole-storage``
covers ``.doc``, ``.xls`` and ``.ppt``).
"""

from __future__ import annotations

#: how many leading bytes the sniffer looks at
SNIFF_BYTES = 64 * 1024

PDF = "application/pdf"
ZIP = "application/zip"
OLE = "application/x-ole-storage"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
PNG, JPEG, GIF, TIFF, WEBP = "image/png", "image/jpeg", "image/gif", "image/tiff", "image/webp"
TEXT, CSV = "text/plain", "text/csv"
UNKNOWN = "application/octet-stream"

DEFAULT_ALLOWED = (PDF, ZIP, OLE, DOCX, XLSX, PPTX, ODT, ODS, PNG, JPEG, GIF, TIFF, WEBP, TEXT, CSV)

#: declared types that say nothing (a browser that does not know the file)
_UNINFORMATIVE = {"", UNKNOWN, "binary/octet-stream", "application/x-download"}
#: legacy Office types a client may declare for an OLE2 file
_OLE_DECLARED = {OLE, "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
                 "application/vnd.ms-office"}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
)
_ZIP_HEADERS = (b"PK\x03\x04", b"PK\x05\x06")
_OOXML_PARTS = ((b"word/", DOCX), (b"xl/", XLSX), (b"ppt/", PPTX))


def _entry_names(head: bytes) -> list[bytes]:
    """The names of the ZIP entries whose local headers lie within ``head``."""
    names, start = [], 0
    while (i := head.find(b"PK\x03\x04", start)) != -1 and i + 30 <= len(head):
        length = int.from_bytes(head[i + 26:i + 28], "little")
        names.append(head[i + 30:i + 30 + length])
        start = i + 4
    return names


def _zip_type(head: bytes) -> str:
    names = _entry_names(head)
    if names[:1] == [b"mimetype"]:  # OpenDocument: the first entry, stored, names the type
        body = head[38:]
        for media_type in (ODT, ODS):
            if body.startswith(media_type.encode()):
                return media_type
    if b"[Content_Types].xml" in names:
        for marker, media_type in _OOXML_PARTS:
            if any(name.startswith(marker) for name in names):
                return media_type
    return ZIP


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    sample = head
    for cut in range(4):  # a multi-byte character may be split at the end of the sample
        try:
            sample[: len(sample) - cut].decode("utf-8")
            break
        except UnicodeDecodeError:
            continue
    else:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls == 0


def _looks_like_csv(head: bytes) -> bool:
    lines = [line for line in head.splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    for sep in (b",", b";", b"\t"):
        counts = {line.count(sep) for line in lines[:-1]}  # the last line may be cut off
        if len(counts) == 1 and counts.pop() > 0:
            return True
    return False


def detect(head: bytes) -> str:
    """The media type of a file starting with ``head`` (its first SNIFF_BYTES)."""
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(_ZIP_HEADERS):
        return _zip_type(head)
    if head and _is_text(head):
        return CSV if _looks_like_csv(head) else TEXT
    return UNKNOWN


def reconcile(detected: str, declared: str | None) -> str | None:
    """The media type to record when a client declared ``declared`` for bytes detected as
    ``detected``; None when they disagree."""
    declared = (declared or "").split(";")[0].strip().lower()
    if declared in _UNINFORMATIVE or declared == detected:
        return detected
    if detected in (TEXT, CSV) and declared in (TEXT, CSV):
        return declared  # a CSV sample can look like text and the other way round
    if detected == OLE and declared in _OLE_DECLARED:
        return declared
    if detected == ZIP and declared in ("application/x-zip-compressed", "application/x-zip"):
        return ZIP
    return None
