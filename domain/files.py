"""What a file really is, from its first bytes, against the type it was declared as; and which types a browser
may show inline."""
from __future__ import annotations

import re
from typing import Any

# How much of a file the checks read.
HEAD_BYTES = 4096
# Raster images a browser shows without running anything; never SVG (it holds scripts) or anything markup.
PREVIEWABLE = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_OFFICE_ZIP = ("application/zip", "application/x-zip-compressed",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "application/vnd.openxmlformats-officedocument.presentationml.presentation")
_OLE = ("application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint")
# Each type whose files start with a signature, and that signature's name in sniff().
_SIGNED: dict[str, str] = {
    "image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp", "application/pdf": "pdf",
    **dict.fromkeys(_OFFICE_ZIP, "zip"), **dict.fromkeys(_OLE, "ole"),
}
# Types that are text, which may hold anything a text holds (a pasted HTML snippet in a .txt is still a .txt).
_TEXT = ("text/plain", "text/csv", "message/rfc822")
# Markup a browser would run, at the start of a file (after blanks and a BOM), as the WHATWG sniffing rules look.
_MARKUP = re.compile(rb"^(\xef\xbb\xbf)?\s*<(!doctype\s+html|html|head|body|script|iframe|svg|\?xml|!--|object|"
                     rb"embed|style|title|a\s|img|div|table|p[\s>]|br|h1|font|b[\s>])", re.I)


def sniff(head: bytes) -> str | None:
    """The kind the first bytes say: png, jpeg, gif, webp, pdf, zip, ole, markup, text; None for other binary."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if _MARKUP.match(head):
        return "markup"
    if b"\x00" not in head and _is_text(head):
        return "text"
    return None


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as err:
        # The head may cut a character in two at its end; anything earlier is not UTF-8. Latin-1 text is text too.
        return err.start >= len(head) - 3 or not re.search(rb"[\x00-\x08\x0e-\x1f]", head)


def refusal(declared: str, head: bytes) -> str | None:
    """Why a file declared as `declared` is not kept, or None: a signed type must carry its signature, a text
    type must be text, and nothing else may be markup a browser would run (an SVG is markup by nature, and is
    only ever downloaded)."""
    kind = declared.lower()
    found = sniff(head)
    if not head:
        return "the file is empty"
    if kind in _SIGNED:
        return None if found == _SIGNED[kind] else f"the file is not a {kind} (it looks like {found or 'binary data'})"
    if kind.startswith("text/") or kind in _TEXT:
        return None if found in ("text", "markup") else f"the file is not text (it looks like {found or 'binary data'})"
    if found == "markup" and kind != "image/svg+xml":
        return f"the file is markup, not a {kind}"
    if found in _SIGNED.values():
        return f"the file is a {found}, not a {kind}"
    return None


def is_image(content_type: str) -> bool:
    return content_type.lower().startswith("image/")


def previewable(content_type: str) -> bool:
    return content_type.lower() in PREVIEWABLE


def described(attachment: dict[str, Any]) -> dict[str, Any]:
    """An attachment as the API lists it, saying whether it is an image and whether the browser may show it."""
    kind = attachment["content_type"]
    return {**attachment, "image": is_image(kind), "preview": previewable(kind)}
