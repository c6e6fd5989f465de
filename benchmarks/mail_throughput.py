"""The e-mail channel's speed on devhost's real mail servers, beside bare SMTP and IMAP measured in the same run.

    .venv/bin/python benchmarks/mail_throughput.py [--messages 10000] [--comments 200]

Prints two tables. Intake: a desk mailbox filled with `--messages` requesters' e-mails (appended over IMAP; one in
fifty is a reply to an earlier one, one in a hundred an auto-reply), read by the same service the timer runs
until it is empty: e-mails → tickets per minute, beside a bare IMAP client fetching the same number of messages.
Outgoing: for `--comments` agents' comments, the seconds from the comment's commit to the relay's acceptance of
its e-mail, through the outbox (queue, then send) as the timer runs it with no burst window, p50 and p95,
beside a bare `smtplib` send of a message of the same size. On Azure the timer runs every 15 seconds, which adds
up to that much to the second table's figures; the table leaves it out, as it measures the work, not the wait.
"""
from __future__ import annotations

import argparse
import imaplib
import smtplib
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.api_throughput import fresh_database  # noqa: E402
from devhost.__main__ import run_once  # noqa: E402
from devhost.mail import IMAP_PORT, SMTP_PORT, ensure_mail  # noqa: E402
from devhost.services import DEVELOPMENT_STORAGE, ensure_azurite  # noqa: E402
from domain import bootstrap  # noqa: E402
from domain.adapters.blobs import AzureBlobs  # noqa: E402
from domain.adapters.mail import ImapMailbox, SmtpMailer  # noqa: E402
from domain.auth import ROLE_PERMISSIONS, Principal  # noqa: E402
from domain.contacts import Contact  # noqa: E402
from domain.schemas.tickets import CommentIn  # noqa: E402
from domain.services import inbound, notifications  # noqa: E402
from domain.services.tickets import add_comment, open_ticket  # noqa: E402
from domain.settings import Settings  # noqa: E402
from domain.tickets import Channel  # noqa: E402

AGENT = Principal("bench@example.com", "user", ROLE_PERMISSIONS["agent"])


class NoSms:
    async def send_sms(self, to: str, body: str, status_callback: str | None = None) -> str | None:
        return None

    async def download_recording(self, url: str) -> bytes:
        raise AssertionError("no recordings here")


def letter(n: int, desk: str, message_id: str, replies_to: str | None) -> bytes:
    message = EmailMessage()
    message["From"] = f"Requester {n} <requester-{n}-{uuid.uuid4().hex[:6]}@example.test>"
    message["To"] = desk
    message["Subject"] = f"The printer on floor {n % 9} shows error {n}" if not replies_to else "Re: still broken"
    message["Message-ID"] = message_id
    if replies_to:
        message["In-Reply-To"] = replies_to
    if n % 100 == 99:
        message["Auto-Submitted"] = "auto-replied"
    message.set_content(f"Since this morning printer {n} jams on every page; we restarted it twice.\n" * 3)
    return message.as_bytes()


def fill_mailbox(desk: str, count: int) -> None:
    client = imaplib.IMAP4("127.0.0.1", IMAP_PORT)
    client.login(desk, "bench")
    first = None
    for n in range(count):
        message_id = f"<bench-{n}-{uuid.uuid4().hex}@example.test>"
        client.append("INBOX", None, None, letter(n, desk, message_id, first if n % 50 == 49 else None))
        first = first or message_id
    client.logout()


def bare_fetch(desk: str) -> float:
    """Seconds for a bare imaplib client to fetch every message once (BODY.PEEK), leaving them unread."""
    start = time.perf_counter()
    client = imaplib.IMAP4("127.0.0.1", IMAP_PORT)
    client.login(desk, "bench")
    client.select("INBOX")
    for uid in client.uid("SEARCH", "ALL")[1][0].split():
        client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
    client.logout()
    return time.perf_counter() - start


async def intake(config: Settings, count: int) -> tuple[float, dict[str, int]]:
    uow, blobs = bootstrap.uow(config), AzureBlobs(config)
    outcomes: dict[str, int] = {}
    start = time.perf_counter()
    try:
        while sum(outcomes.values()) < count:
            done = await inbound.read_mailbox(datetime.now(UTC), config, uow, ImapMailbox(config), blobs)
            if not done:
                break
            for outcome, n in done.items():
                outcomes[outcome] = outcomes.get(outcome, 0) + n
    finally:
        await blobs.close()
    return time.perf_counter() - start, outcomes


async def outgoing(config: Settings, comments: int) -> list[float]:
    uow = bootstrap.uow(config)
    async with uow:
        caller = await uow.contacts.find_or_add(Contact(name="Bench", email=f"bench-{uuid.uuid4().hex[:6]}@example.test"))
        ticket = await open_ticket(uow, AGENT.name, datetime.now(UTC), caller=caller, short_description="Bench ticket",
                                   description="", channel=Channel.WEB, impact=3, urgency=3)
        await uow.commit()
    mailer, seconds = SmtpMailer(config), []
    for n in range(comments):
        await add_comment(ticket.number, CommentIn(body=f"Agent's answer number {n}: please try again."), AGENT,
                          datetime.now(UTC), uow)
        start = time.perf_counter()
        at = datetime.now(UTC) + timedelta(seconds=1)  # past the events' database clock
        await notifications.queue_messages(at, config, uow)
        await notifications.send_due(at, config, uow, NoSms(), mailer)
        seconds.append(time.perf_counter() - start)
    return seconds


def bare_sends(desk: str, count: int) -> list[float]:
    seconds = []
    for n in range(count):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = desk, f"bare-{n}@example.test", f"[INC0010001] bare {n}"
        message.set_content("Hello,\n\nAgent's answer number 1: please try again.\n\nReply to this e-mail.\n")
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", SMTP_PORT) as client:
            client.send_message(message)
        seconds.append(time.perf_counter() - start)
    return seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=200)
    args = parser.parse_args()
    ensure_mail()
    ensure_azurite(DEVELOPMENT_STORAGE)
    desk = f"bench-desk-{uuid.uuid4().hex[:8]}@atiende.test"
    config = Settings(DATABASE_URL=fresh_database(args.server, "atiende_bench_mail"), SEED_DEMO_DATA=False,
                      MAIL_FROM=desk, IMAP_USERNAME=desk, INBOUND_MAX_PER_SENDER_HOUR=10_000, QUIET_HOURS="",
                      NOTIFY_QUIET_SECONDS=0, NOTIFY_MAX_WAIT_SECONDS=0, TWILIO_ACCOUNT_SID="")

    started = time.perf_counter()
    fill_mailbox(desk, args.messages)
    filled = time.perf_counter() - started
    bare = bare_fetch(desk)
    took, outcomes = run_once(intake(config, args.messages))
    print(f"\n{args.messages} e-mails in the desk's mailbox (appended in {filled:.0f} s); outcomes: {outcomes}\n")
    print(f"{'intake':<34}{'seconds':>10}{'per minute':>14}")
    print("-" * 58)
    print(f"{'e-mails -> tickets and comments':<34}{took:>10.1f}{args.messages / took * 60:>14.0f}")
    print(f"{'bare IMAP fetch of each':<34}{bare:>10.1f}{args.messages / bare * 60:>14.0f}")
    print(f"{'ratio (Atiende / bare)':<34}{took / bare:>10.1f}")

    through = run_once(outgoing(config, args.comments))
    raw = bare_sends(desk, args.comments)
    print(f"\n{args.comments} agents' comments, each until the relay accepted its e-mail\n")
    print(f"{'outgoing':<34}{'p50 ms':>10}{'p95 ms':>10}")
    print("-" * 54)
    print(f"{'comment -> e-mail accepted':<34}{percentile(through, 0.5) * 1000:>10.1f}{percentile(through, 0.95) * 1000:>10.1f}")
    print(f"{'bare smtplib send':<34}{percentile(raw, 0.5) * 1000:>10.1f}{percentile(raw, 0.95) * 1000:>10.1f}")
    print(f"{'ratio of medians':<34}{statistics.median(through) / statistics.median(raw):>10.1f}")


if __name__ == "__main__":
    main()
