"""What an uploaded deliverable really is, judged from its first bytes, never from the name or the browser's word.

Only the kinds a shop sells as downloads are accepted; programs and anything unrecognised are refused, so the shop
never hands a buyer an executable dressed up as a PDF.
"""

import codecs

# How much of the start of a file the checks need (EPUB's marker sits at offset 30).
HEAD_BYTES = 512
EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # Mach-O, 32 and 64 bit, both byte orders, and universal binaries
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",  # scripts
)
# (prefix, content type), checked in order; EPUB and MP4 need a look past the start and are handled below.
SIMPLE_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"ID3", "audio/mpeg"),
    (b"\xff\xfb", "audio/mpeg"),
    (b"\xff\xf3", "audio/mpeg"),
    (b"\xff\xf2", "audio/mpeg"),
)
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
EPUB_MARKER = b"mimetypeapplication/epub+zip"
TEXT_CONTROLS = set(range(32)) - {9, 10, 12, 13}


class UnsupportedFile(ValueError):
    """The file is a program or of a kind the shop does not deliver; the message is safe to show."""


def sniff_content_type(head):
    """The content type of a file starting with `head` (at least its first HEAD_BYTES bytes, or all of a smaller
    file). Raises UnsupportedFile for executables, empty files and anything not recognised."""
    if not head:
        raise UnsupportedFile("That file is empty.")
    if head.startswith(EXECUTABLE_MAGIC):
        raise UnsupportedFile("That file is a program; programs cannot be sold as downloads.")
    found = _by_magic(head) or _as_text(head)
    if found is None:
        raise UnsupportedFile(
            "That kind of file is not accepted. Upload a PDF, EPUB, ZIP, PNG, JPEG, MP3, MP4 or text."
        )
    return found


def _by_magic(head):
    for prefix, content_type in SIMPLE_MAGIC:
        if head.startswith(prefix):
            return content_type
    if head.startswith(ZIP_MAGIC):
        return "application/epub+zip" if head[30 : 30 + len(EPUB_MARKER)] == EPUB_MARKER else "application/zip"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    return None


def _as_text(head):
    """text/plain for UTF-8 without control characters; a character cut at the end of `head` is fine."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    if any(ord(char) in TEXT_CONTROLS for char in text):
        return None
    return "text/plain"
