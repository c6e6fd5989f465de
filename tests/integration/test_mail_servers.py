"""devhost's mail servers on one machine: what is sent to its SMTP server lands in the recipient's dovecot mailbox,
read over IMAP, for any address; and like Azurite and Valkey they run until `python -m devhost stop` ends them."""
from __future__ import annotations

import imaplib
import shutil
import smtplib
import subprocess
import sys
import tempfile
import uuid
from email.message import EmailMessage
from pathlib import Path

import pytest

from devhost.mail import start_dovecot, start_smtp
from devhost.services import _listening
from tests.conftest import ROOT, free_port


def letter(sender: str, to: str, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(f"{subject}: el equipo de soporte responde.")
    return message


def send(smtp_port: int, message: EmailMessage, login: tuple[str, str] | None = None) -> None:
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
        if login:
            client.login(*login)
        client.send_message(message)


def read_inbox(imap_port: int, user: str, password: str) -> list[tuple[bytes, bytes]]:
    """Each message's (flags, raw) in the user's INBOX, read with BODY.PEEK so that reading marks none as seen."""
    client = imaplib.IMAP4("127.0.0.1", imap_port, timeout=10)
    try:
        client.login(user, password)
        client.select("INBOX")
        _, numbers = client.search(None, "ALL")
        found = []
        for number in numbers[0].split():
            _, parts = client.fetch(number, "(FLAGS BODY.PEEK[])")
            envelope, raw = parts[0]
            found.append((envelope, raw))
        return found
    finally:
        client.logout()


def test_mail_to_any_address_lands_in_that_address_mailbox_unread(mail_servers):
    imap, smtp = mail_servers
    someone = f"someone-{uuid.uuid4().hex[:8]}@example.test"
    send(smtp, letter("desk@atiende.test", someone, "INC0010001 en curso"), login=("desk@atiende.test", "desk"))
    [(flags, raw)] = read_inbox(imap, someone, "test")
    assert b"Subject: INC0010001 en curso" in raw and b"\\Seen" not in flags
    [(flags, _)] = read_inbox(imap, someone, "test")
    assert b"\\Seen" not in flags


def test_a_requesters_mail_lands_in_the_desks_inbox(mail_servers):
    imap, smtp = mail_servers
    subject = f"No puedo entrar {uuid.uuid4().hex[:8]}"
    send(smtp, letter("requester@example.test", "desk@atiende.test", subject))
    assert any(f"Subject: {subject}".encode() in raw for _, raw in read_inbox(imap, "desk@atiende.test", "desk"))


def test_mailboxes_the_mail_user_cannot_reach_are_refused_before_dovecot_starts(tmp_path):
    with pytest.raises(RuntimeError, match="cannot enter"):
        start_dovecot(tmp_path / "mail", free_port(), free_port(), home=tmp_path / "dovecot")


def test_stop_ends_the_mail_servers_that_devhost_left_running():
    # A data folder of its own, root's alone as mkdtemp makes it: dovecot's own files go under the mail user's
    # folder whatever the checkout's allows, and only the pids here, where `devhost stop` finds them.
    data = Path(tempfile.mkdtemp(prefix="mail-"))
    imap, lmtp, smtp = free_port(), free_port(), free_port()
    dovecot = start_dovecot(data / f"mail-{imap}", imap, lmtp)
    relay = start_smtp(data / f"smtp-{smtp}", smtp, lmtp)
    stop = [sys.executable, "-m", "devhost", "stop", "--data-dir", str(data)]
    try:
        # Started from this checkout, unlike the suite's long-running servers: one message for two mailboxes.
        send(smtp, letter("desk@atiende.test", "ana@example.test, luis@example.test", "Antes de parar"))
        assert len(read_inbox(imap, "ana@example.test", "test")) == len(read_inbox(imap, "luis@example.test", "x")) == 1
        result = subprocess.run(stop, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
        assert dovecot.wait(timeout=10) is not None and relay.wait(timeout=10) is not None
    finally:
        for process in (dovecot, relay):
            if process.poll() is None:
                process.kill()
        shutil.rmtree(data, ignore_errors=True)
    assert f"stopped mail-{imap} (pid {dovecot.pid})" in result.stdout
    assert f"stopped smtp-{smtp} (pid {relay.pid})" in result.stdout
    assert not any(_listening(port) for port in (imap, lmtp, smtp))
