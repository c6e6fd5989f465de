"""An e-mail as the desk reads it: who sent it, what it answers, its words as plain text (HTML turned into text,
never kept), its files, and whether a machine sent it (auto-replies, bulk mail, bounces)."""
from __future__ import annotations

import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from html.parser import HTMLParser

# Longest text kept from one message; a requester's words, not a mailing list's archive.
MAX_TEXT_CHARS = 20_000
# RFC 5321's longest path, and a Message-ID far longer than any mail system writes.
MAX_ADDRESS_CHARS, MAX_ID_CHARS = 254, 250
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class InboundMail:
    message_id: str
    sender: str  # the lower-cased address
    sender_name: str | None
    subject: str
    text: str
    answers: tuple[str, ...]  # the Message-IDs it replies to: In-Reply-To, then References newest first
    automatic: bool
    bounce_of: str | None  # the Message-ID of our message a delivery report says was not delivered
    attachments: tuple[Attachment, ...] = field(default=())


def parse(raw: bytes, fallback_id: str) -> InboundMail:
    """The message in `raw`; `fallback_id` stands in for a missing Message-ID (a mailbox's UID and validity)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # what policy.default makes
    name, address = parseaddr(clean(str(message.get("From", ""))))
    answers = _ids(str(message.get("In-Reply-To", ""))) + tuple(reversed(_ids(str(message.get("References", "")))))
    sender = address.strip().lower()
    return InboundMail(
        message_id=(_ids(str(message.get("Message-ID", ""))) or (fallback_id,))[0],
        # An address longer than RFC 5321 allows is no one's: kept short, it is still refused for its own sake.
        sender=sender if len(sender) <= MAX_ADDRESS_CHARS else sender[:MAX_ADDRESS_CHARS],
        sender_name=clean(name).strip()[:200] or None,
        subject=" ".join(clean(str(message.get("Subject", ""))).split())[:300],
        text=clean(_text_of(message)),
        answers=tuple(dict.fromkeys(answers)),
        automatic=is_automatic(message),
        bounce_of=_bounced_id(message),
        attachments=tuple(_attachments(message)),
    )


def is_automatic(message: EmailMessage) -> bool:
    """Sent by a machine, to which the desk must not answer (RFC 3834, and what list servers and bulk senders
    mark): an auto-reply answering an auto-reply is how two desks fill each other's mailboxes."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (auto != "no" or precedence in ("bulk", "junk", "list", "auto_reply")
            or any(name in message for name in ("X-Autoreply", "X-Autorespond", "List-Id", "List-Unsubscribe"))
            or str(message.get("X-Auto-Response-Suppress", "")).strip().lower() in ("all", "oof"))


def _ids(header: str) -> tuple[str, ...]:
    """The Message-IDs a header names; one longer than any mail system writes stands for itself by its hash, so
    that it fits the index that keeps each message once."""
    return tuple(found if len(found) <= MAX_ID_CHARS else f"<{hashlib.sha256(found.encode()).hexdigest()}@long-id>"
                 for found in re.findall(r"<[^<>\s]+>", header))


def clean(text: str) -> str:
    """Text without NUL and the other C0 controls but tab and new lines: PostgreSQL refuses NUL in text, and none
    of them belongs in a ticket."""
    return _CONTROLS.sub("", text)


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: the raw bytes, read leniently
        raw = part.get_payload(decode=True)
        content = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
    text = html_to_text(content) if part.get_content_type() == "text/html" else content
    return strip_quoted(text)[:MAX_TEXT_CHARS].strip()


def strip_quoted(text: str) -> str:
    """The new words of a reply: what comes before the quoted earlier message ("On … wrote:", "El … escribió:",
    Outlook's "-----Original Message-----", or lines starting ">")."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(">") or re.match(r"^-{2,}\s*(original message|mensaje original)\s*-{2,}$", stripped, re.I):
            break
        if re.match(r"^(on|el)\s.+(wrote|escribió)\s*:$", stripped, re.I):
            break
        # Outlook quotes with a header block after a blank line: "From: …", "De: …".
        if re.match(r"^(from|de):\s.+", stripped, re.I) and kept and not kept[-1].strip():
            break
        kept.append(line)
    return "\n".join(kept).strip() or text.strip()


class _TextOnly(HTMLParser):
    """Text of an HTML body: tags dropped, script and style dropped with their content, block ends as new
    lines. No markup survives, so nothing a sender wrote can run in the agents' browser."""

    _SKIP = frozenset({"script", "style", "head", "title", "template"})
    _BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _attachments(message: EmailMessage) -> list[Attachment]:
    found = []
    for part in message.iter_attachments():
        if part.get_content_maintype() == "multipart" or part.get_content_type() == "message/delivery-status":
            continue
        if part.get_content_type() == "message/rfc822":  # a forwarded message, kept whole as an .eml file
            inner = part.get_content()
            forwarded = inner.as_bytes() if isinstance(inner, EmailMessage) else b""
            if forwarded:
                found.append(Attachment(safe_filename(part.get_filename() or "message.eml"), "message/rfc822",
                                        forwarded))
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            continue
        name = safe_filename(part.get_filename() or "attachment")
        found.append(Attachment(name, part.get_content_type(), data))
    return found


def safe_filename(name: str) -> str:
    """A file name with no path, control characters or quotes, at most 120 characters: it becomes part of a
    blob name and a Content-Disposition header."""
    base = re.split(r"[\\/]", name)[-1]
    # Format characters (right-to-left overrides, zero widths) can make "fdp.exe" read as "exe.pdf".
    visible = "".join(c for c in base if unicodedata.category(c) != "Cf")
    cleaned = re.sub(r"[\x00-\x1f\x7f\"<>|*?:]", "_", visible).strip(" .") or "attachment"
    return cleaned[-120:]


def named_for_type(filename: str, content_type: str) -> str:
    """The file name, ending as its declared type does: "invoice.exe" sent as a PDF is kept as "invoice.exe.pdf",
    so that what an agent downloads opens as what the check let through, never as a program."""
    extensions = mimetypes.guess_all_extensions(content_type, strict=False)
    if not extensions or any(filename.lower().endswith(ext) for ext in extensions):
        return filename
    wanted = mimetypes.guess_extension(content_type, strict=False) or extensions[0]
    return (filename + wanted)[-120:]


def _bounced_id(message: EmailMessage) -> str | None:
    """For a delivery status notification (RFC 3464), the Message-ID of the message that was not delivered."""
    if message.get_content_type() != "multipart/report":
        return None
    for part in message.walk():
        if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
            payload = part.get_payload()
            if isinstance(payload, list) and payload and not isinstance(payload[0], str):
                original = payload[0].get("Message-ID", "")
            else:
                text = payload if isinstance(payload, str) else ""
                match = re.search(r"^Message-ID:\s*(<[^>]+>)", text, re.I | re.M)
                original = match.group(1) if match else ""
            ids = _ids(str(original))
            if ids:
                return ids[0]
    return None
