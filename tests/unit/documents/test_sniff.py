"""Media types come from the bytes; what a client declares must agree."""

import io
import zipfile

import pytest

from services.demo.pdf import tiny_pdf
from services.documents import sniff


def _zip(names: list[str], first_stored: tuple[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        if first_stored:
            z.writestr(zipfile.ZipInfo(first_stored[0]), first_stored[1], compress_type=zipfile.ZIP_STORED)
        for name in names:
            z.writestr(name, "<xml/>")
    return out.getvalue()


@pytest.mark.parametrize(("data", "expected"), [
    (tiny_pdf("x"), sniff.PDF),
    (b"\x89PNG\r\n\x1a\n....", sniff.PNG),
    (b"\xff\xd8\xff\xe0JFIF", sniff.JPEG),
    (b"GIF89a....", sniff.GIF),
    (b"II*\x00....", sniff.TIFF),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", sniff.WEBP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, sniff.OLE),
    (_zip(["[Content_Types].xml", "_rels/.rels", "word/document.xml"]), sniff.DOCX),
    (_zip(["[Content_Types].xml", "xl/workbook.xml"]), sniff.XLSX),
    (_zip(["[Content_Types].xml", "ppt/presentation.xml"]), sniff.PPTX),
    (_zip(["content.xml"], ("mimetype", sniff.ODT.encode())), sniff.ODT),
    (_zip(["readme.txt"]), sniff.ZIP),
    (b"name,price\nA,1\nB,2\n", sniff.CSV),
    ("Résumé of the scope\nsecond line\n".encode(), sniff.TEXT),
    (b"\x7fELF\x02\x01\x01\x00", sniff.UNKNOWN),
    (b"MZ\x90\x00\x03\x00\x00\x00", sniff.UNKNOWN),
    (b"text with a \x00 NUL", sniff.UNKNOWN),
])
def test_detect(data, expected):
    assert sniff.detect(data[: sniff.SNIFF_BYTES]) == expected


def test_a_multibyte_character_cut_at_the_sample_end_is_still_text():
    data = ("é" * 40000).encode()[: sniff.SNIFF_BYTES - 1]
    assert sniff.detect(data) == sniff.TEXT


@pytest.mark.parametrize(("detected", "declared", "recorded"), [
    (sniff.PDF, None, sniff.PDF),
    (sniff.PDF, "application/octet-stream", sniff.PDF),
    (sniff.PDF, "application/pdf; charset=binary", sniff.PDF),
    (sniff.TEXT, "text/csv", sniff.CSV),
    (sniff.OLE, "application/msword", "application/msword"),
    (sniff.PNG, "application/pdf", None),
    (sniff.UNKNOWN, "application/pdf", None),
    (sniff.ZIP, sniff.DOCX, None),
])
def test_reconcile(detected, declared, recorded):
    assert sniff.reconcile(detected, declared) == recorded


def test_clamd_replies():
    from infra.scanner import INFECTED, ClamdScanner, ScannerUnavailable, parse_reply

    assert parse_reply("stream: OK").status == "clean"
    assert parse_reply("stream: Win.Test.EICAR_HDB-1 FOUND") .signature == "Win.Test.EICAR_HDB-1"
    assert parse_reply("stream: Win.Test.EICAR_HDB-1 FOUND").status == INFECTED
    with pytest.raises(ScannerUnavailable):
        parse_reply("INSTREAM size limit exceeded. ERROR")
    with pytest.raises(ValueError):
        ClamdScanner("http://clamd:3310")
