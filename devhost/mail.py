"""Real mail servers on one machine, for the desk's e-mail channel: Debian's dovecot serves every mailbox over IMAP
and takes deliveries over LMTP, and an SMTP server (aiosmtpd, RFC 5321) accepts mail for any address and hands
it to dovecot, so the desk's messages land in the requester's mailbox and the requester's in the desk's. Like
Azurite and Valkey, they run in sessions of their own and outlive the devhost that started them;
`python -m devhost stop` ends them.

Any address is a mailbox and any password opens it (loopback only): the desk signs in as desk@atiende.test, a
test or the web app's local mode as the requester."""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import logging
import pwd
import shutil
import smtplib
import subprocess
import sys
from pathlib import Path

from devhost.services import DATA_DIR, _listening, _remember, _wait_for

log = logging.getLogger(__name__)
IMAP_PORT, LMTP_PORT, SMTP_PORT = 10143, 10024, 10025
# dovecot will not deliver mail as root: the mailboxes belong to this system user, which scripts/setup makes.
MAIL_USER = "atiende-mail"
# The mail user's own folder, which scripts/setup makes: dovecot's sockets, state and mailboxes live under it.
MAIL_HOME = Path("/var/lib/atiende-mail")
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def ensure_mail(data_dir: Path = DATA_DIR, imap_port: int = IMAP_PORT, lmtp_port: int = LMTP_PORT,
                smtp_port: int = SMTP_PORT) -> list[subprocess.Popen]:
    """Start dovecot and the SMTP server where nothing listens on their ports; returns what it started."""
    started = []
    # Side by side, not nested: `python -m devhost stop` looks for a pid file one folder down from `data_dir`.
    if not _listening(imap_port):
        started.append(start_dovecot(data_dir / f"mail-{imap_port}", imap_port, lmtp_port))
    if not _listening(smtp_port):
        started.append(start_smtp(data_dir / f"smtp-{smtp_port}", smtp_port, lmtp_port))
    return started


def start_dovecot(location: Path, imap_port: int, lmtp_port: int, home: Path | None = None) -> subprocess.Popen:
    if not Path(DOVECOT).exists():
        raise RuntimeError("dovecot is not installed; run scripts/setup")
    try:
        owner = pwd.getpwnam(MAIL_USER)
    except KeyError as err:
        raise RuntimeError(f"the system user {MAIL_USER} is missing; run scripts/setup") from err
    # dovecot's files live where the mail user may enter whatever the checkout's folder allows (a CI checkout may
    # sit under a root-only one), one folder per checkout and port; only its pid is kept in `location`.
    home = home or MAIL_HOME / f"{imap_port}-{hashlib.sha256(str(location.resolve()).encode()).hexdigest()[:8]}"
    location.mkdir(parents=True, exist_ok=True)
    boxes = home / "boxes"
    for folder in (home / "run", home / "state", boxes):
        folder.mkdir(parents=True, exist_ok=True)
    shutil.chown(boxes, owner.pw_uid, owner.pw_gid)
    _check_reachable(boxes, owner.pw_uid)
    config = home / "dovecot.conf"
    config.write_text(f"""# Written by devhost/mail.py at every start.
base_dir = {home}/run
state_dir = {home}/state
log_path = {home}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {owner.pw_uid}
mail_uid = {owner.pw_uid}
mail_gid = {owner.pw_gid}
mail_location = maildir:{boxes}/%u
lmtp_save_to_detail_mailbox = no
passdb {{
  driver = static
  args = nopassword=y
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={boxes}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
service auth {{
  unix_listener auth-userdb {{
    mode = 0666
  }}
}}
""")
    with (location / "dovecot.err").open("ab") as errors:
        process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=errors,
                                   start_new_session=True)
    _wait_for(process, imap_port, home / "dovecot.log")
    _wait_for(process, lmtp_port, home / "dovecot.log")
    _remember(process, location)
    log.info("started dovecot (IMAP on 127.0.0.1:%s, LMTP on %s)", imap_port, lmtp_port)
    return process


def _check_reachable(boxes: Path, uid: int) -> None:
    """dovecot opens the mailboxes as the mail user, so every folder above them must let it in: a data folder
    under a root-only one (pytest's tmp_path, or mkdtemp's) would refuse every delivery, seen only in its log."""
    for folder in boxes.resolve().parents:
        mode = folder.stat()
        if mode.st_uid != uid and not mode.st_mode & 0o001:
            raise RuntimeError(f"{MAIL_USER} cannot enter {folder} (mode {mode.st_mode & 0o777:o}), so dovecot "
                               "could not reach the mailboxes under it; keep the mail data elsewhere")


def start_smtp(location: Path, smtp_port: int, lmtp_port: int) -> subprocess.Popen:
    location.mkdir(parents=True, exist_ok=True)
    with (location / "smtp.log").open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "devhost.mail", "--smtp-port", str(smtp_port), "--lmtp-port", str(lmtp_port)],
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            cwd=Path(__file__).resolve().parent.parent)
    _wait_for(process, smtp_port, location / "smtp.log")
    _remember(process, location)
    log.info("started the SMTP server on 127.0.0.1:%s", smtp_port)
    return process


class _Relay:
    """aiosmtpd's handler: each accepted message goes to its recipients' mailboxes over LMTP."""

    def __init__(self, lmtp_port: int):
        self.lmtp_port = lmtp_port

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        delivered = [await asyncio.to_thread(self._deliver, envelope, rcpt) for rcpt in envelope.rcpt_tos]
        if all(delivered):
            return "250 delivered"
        return "250 delivered to some" if any(delivered) else "451 the mailboxes cannot take mail right now"

    def _deliver(self, envelope, recipient: str) -> bool:
        # One LMTP transaction per recipient: LMTP answers DATA once for each (RFC 2033), smtplib reads only the
        # first answer and takes the next for QUIT's, so a message for two was refused though both got it.
        try:
            with smtplib.LMTP("127.0.0.1", self.lmtp_port) as lmtp:
                lmtp.sendmail(envelope.mail_from, [recipient], envelope.original_content)
            return True
        except (smtplib.SMTPException, OSError) as err:
            log.warning("could not deliver to %s: %s", recipient, err)
            return False


def _serve_smtp(smtp_port: int, lmtp_port: int) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    def anyone(server, session, envelope, mechanism, auth_data) -> AuthResult:
        return AuthResult(success=True)  # loopback only: any sign-in is the desk's or a test's

    controller = Controller(_Relay(lmtp_port), hostname="127.0.0.1", port=smtp_port, authenticator=anyone,
                            auth_require_tls=False)
    controller.start()
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description="devhost's SMTP server, delivering over LMTP")
    arguments.add_argument("--smtp-port", type=int, default=SMTP_PORT)
    arguments.add_argument("--lmtp-port", type=int, default=LMTP_PORT)
    options = arguments.parse_args()
    _serve_smtp(options.smtp_port, options.lmtp_port)
