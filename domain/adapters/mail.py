"""E-mail through the standard library's SMTP and IMAP clients: sending through any relay (Azure Communication
Services' SMTP, Exchange Online, a company's own), and reading the desk's mailbox. Both are blocking clients, so
each call runs on a thread; they run only in timers, never on a request's path.

Password sign-in, or OAuth2's XOAUTH2 as Exchange Online and Gmail require, with a token from the app's
identity (azure.identity) for the scope in settings."""
from __future__ import annotations

import asyncio
import imaplib
import re
import smtplib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TypeVar

from domain.errors import DependencyUnavailable, MessageRefused
from domain.ports import OutgoingMail
from domain.settings import Settings

TIMEOUT_SECONDS = 30
T = TypeVar("T")


def xoauth2(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response (before base64, which the clients add)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


async def identity_token(scope: str) -> str:
    """An access token for `scope` from the app's identity (managed identity in Azure)."""
    from azure.identity.aio import DefaultAzureCredential

    async with DefaultAzureCredential() as credential:
        return (await credential.get_token(scope)).token


# What gets an OAuth2 access token for a scope; the app's identity unless a test or a tool gives another.
TokenSource = Callable[[str], Awaitable[str]]


class SmtpMailer:
    def __init__(self, settings: Settings, tokens: TokenSource = identity_token):
        self.settings = settings
        self.tokens = tokens
        self.domain = settings.MAIL_FROM.rpartition("@")[2] or "atiende.local"

    async def send(self, mail: OutgoingMail) -> str:
        config = self.settings
        message = EmailMessage()
        message["From"] = config.MAIL_FROM
        message["To"] = mail.to
        message["Subject"] = " ".join(mail.subject.split())  # a title's line breaks would break the header
        message["Date"] = formatdate(localtime=False)
        message_id = make_msgid(domain=self.domain)
        message["Message-ID"] = message_id
        if mail.answers:
            message["In-Reply-To"] = mail.answers
            message["References"] = mail.answers
        # The desk's messages are automatic in RFC 3834's sense: other desks' auto-replies must not answer them.
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(mail.text)
        token = await self.tokens(config.MAIL_OAUTH_SCOPE) if config.SMTP_AUTH == "xoauth2" else None
        await asyncio.to_thread(self._send, message, token)
        return message_id

    def _send(self, message: EmailMessage, token: str | None) -> None:
        config = self.settings
        try:
            if config.SMTP_SECURITY == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(config.SMTP_HOST, config.SMTP_PORT, timeout=TIMEOUT_SECONDS,
                                                        context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(config.SMTP_HOST, config.SMTP_PORT, timeout=TIMEOUT_SECONDS)
            with client:
                if config.SMTP_SECURITY == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if token is not None:
                    client.ehlo()
                    # A refused token is answered with a 334 and an error; the client then sends an empty line.
                    client.auth("XOAUTH2", lambda challenge=None: xoauth2(config.SMTP_USERNAME, token)
                                if challenge is None else "", initial_response_ok=True)
                elif config.SMTP_USERNAME:
                    client.login(config.SMTP_USERNAME, config.SMTP_PASSWORD.get_secret_value())
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as err:
            codes = [code for code, _ in err.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                raise MessageRefused(f"The mail relay refused {message['To']}.") from err
            raise DependencyUnavailable("The mail relay did not take the message for now.") from err
        except (smtplib.SMTPException, OSError) as err:
            raise DependencyUnavailable("The mail relay is not reachable right now.") from err


class ImapMailbox:
    def __init__(self, settings: Settings, tokens: TokenSource = identity_token):
        self.settings = settings
        self.tokens = tokens

    @asynccontextmanager
    async def session(self) -> AsyncIterator[_Session]:
        config = self.settings
        token = await self.tokens(config.MAIL_OAUTH_SCOPE) if config.IMAP_AUTH == "xoauth2" else None
        client = await asyncio.to_thread(self._open, token)
        try:
            yield _Session(client, f"{config.IMAP_USERNAME}@{config.IMAP_HOST}")
        finally:
            await asyncio.to_thread(_close, client)

    def _open(self, token: str | None) -> imaplib.IMAP4:
        config = self.settings
        try:
            if config.IMAP_SECURITY == "tls":
                client: imaplib.IMAP4 = imaplib.IMAP4_SSL(config.IMAP_HOST, config.IMAP_PORT,
                                                          ssl_context=ssl.create_default_context(),
                                                          timeout=TIMEOUT_SECONDS)
            else:
                client = imaplib.IMAP4(config.IMAP_HOST, config.IMAP_PORT, timeout=TIMEOUT_SECONDS)
            if token is not None:
                client.authenticate("XOAUTH2", lambda _: xoauth2(config.IMAP_USERNAME, token).encode())
            else:
                client.login(config.IMAP_USERNAME, config.IMAP_PASSWORD.get_secret_value())
            status, _ = client.select(config.IMAP_MAILBOX)
            if status != "OK":
                raise DependencyUnavailable(f"The mailbox {config.IMAP_MAILBOX} cannot be opened.")
            return client
        except (imaplib.IMAP4.error, OSError) as err:
            raise DependencyUnavailable("The desk's mailbox is not reachable right now.") from err


def _close(client: imaplib.IMAP4) -> None:
    try:
        client.logout()
    except (imaplib.IMAP4.error, OSError):
        pass


class _Session:
    def __init__(self, client: imaplib.IMAP4, mailbox: str):
        self.client = client
        validity = client.response("UIDVALIDITY")[1]
        # A UID is unique only with the mailbox's UIDVALIDITY.
        self.fallback_prefix = f"{mailbox}/{(validity[0] or b'0').decode() if validity else '0'}"

    async def unseen(self, limit: int) -> list[str]:
        def search() -> list[str]:
            status, found = self.client.uid("SEARCH", "UNSEEN")
            if status != "OK":
                raise DependencyUnavailable("The desk's mailbox did not answer the search.")
            return [uid.decode() for uid in (found[0] or b"").split()[:limit]]

        return await asyncio.to_thread(self._guarded, search)

    async def fetch(self, uid: str, max_bytes: int) -> bytes | None:
        def read() -> bytes | None:
            # The size first: a message larger than the limit is never read into memory.
            status, sized = self.client.uid("FETCH", uid, "(RFC822.SIZE)")
            size = re.search(rb"RFC822\.SIZE (\d+)", sized[0] if sized and isinstance(sized[0], bytes) else b"")
            if status == "OK" and size and int(size.group(1)) > max_bytes:
                return None
            # PEEK: reading leaves the message unseen until its ticket is committed.
            status, data = self.client.uid("FETCH", uid, "(BODY.PEEK[])")
            parts = [item for item in data if isinstance(item, tuple)]
            if status != "OK" or not parts:
                raise DependencyUnavailable(f"The desk's mailbox did not give message {uid}.")
            return bytes(parts[0][1])

        return await asyncio.to_thread(self._guarded, read)

    def _guarded(self, work: Callable[[], T]) -> T:
        try:
            return work()
        except (imaplib.IMAP4.error, OSError) as err:
            raise DependencyUnavailable("The desk's mailbox is not reachable right now.") from err

    async def mark_seen(self, uid: str) -> None:
        def mark() -> None:
            try:
                self.client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            except (imaplib.IMAP4.error, OSError) as err:
                raise DependencyUnavailable("The desk's mailbox is not reachable right now.") from err

        await asyncio.to_thread(mark)
