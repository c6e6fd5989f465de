"""The requester's side on one machine: a stand-in for Twilio's Messages API that keeps what the desk texts (and
reports each message delivered, signed, as Twilio does), and `/.devhost/requester`, where the web app's local mode
shows a requester's SMS and mailbox and sends their replies through the same webhook and SMTP server a real
phone or mail client would reach.

Only devhost serves this, and only with `serve --local-sms` when no Twilio account is configured."""
from __future__ import annotations

import asyncio
import imaplib
import smtplib
import threading
import uuid
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from twilio.request_validator import RequestValidator

from devhost.sms import send_to_desk

# Where the desk's Twilio client sends its messages under devhost (TWILIO_API_BASE_URL).
API_PREFIX = "/.twilio"
_KEPT = 500


class LocalMessaging:
    def __init__(self, base_url: str, auth_token: str, desk_phone: str, settings: Any):
        self.base_url = base_url.rstrip("/")
        self.auth_token = auth_token
        self.desk_phone = desk_phone
        self.settings = settings
        self.sent: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    async def messages_api(self, request: Request) -> Response:
        """Twilio's `POST /2010-04-01/Accounts/{sid}/Messages.json`, as its SDK calls it."""
        parts = request.url.path[len(API_PREFIX):].strip("/").split("/")
        if request.method != "POST" or len(parts) != 4 or parts[3] != "Messages.json":
            return JSONResponse({"code": 20404, "message": "The requested resource was not found"}, status_code=404)
        form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        if not form.get("To") or not form.get("Body"):
            return JSONResponse({"code": 21604, "message": "A 'To' phone number and a 'Body' are required."},
                                status_code=400)
        sid = "SM" + uuid.uuid4().hex
        message = {"sid": sid, "to": form["To"], "from": form.get("From", self.desk_phone), "body": form["Body"],
                   "at": datetime.now(UTC).isoformat(), "status": "queued"}
        with self.lock:
            self.sent.append(message)
            del self.sent[:-_KEPT]
        if form.get("StatusCallback"):
            asyncio.get_running_loop().create_task(self._delivered(form["StatusCallback"], message))
        return JSONResponse({"sid": sid, "account_sid": parts[2], "to": message["to"], "from": message["from"],
                             "body": message["body"], "status": "queued", "num_segments": "1",
                             "direction": "outbound-api", "api_version": "2010-04-01", "price": None,
                             "error_code": None, "date_created": datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000"),
                             "uri": f"/2010-04-01/Accounts/{parts[2]}/Messages/{sid}.json"}, status_code=201)

    async def _delivered(self, callback: str, message: dict[str, Any]) -> None:
        """Report the message delivered a moment later, signed over the callback's public URL, as Twilio does."""
        await asyncio.sleep(0.5)
        form = {"MessageSid": message["sid"], "MessageStatus": "delivered", "To": message["to"],
                "From": message["from"], "AccountSid": "AC" + "0" * 32}
        signature = RequestValidator(self.auth_token).compute_signature(callback, form)
        local = self.base_url + callback[len(self.settings.PUBLIC_BASE_URL.rstrip("/")):] \
            if callback.startswith(self.settings.PUBLIC_BASE_URL.rstrip("/")) else callback
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                await client.post(local, data=form, headers={"X-Twilio-Signature": signature})
            message["status"] = "delivered"
        except httpx.HTTPError:
            message["status"] = "sent"

    async def requester(self, request: Request, path: str) -> Response:
        """GET `requester?phone=…&email=…`: what the desk sent them; POST `requester/sms` or `requester/mail`: write
        to the desk as them."""
        if path == "requester" and request.method == "GET":
            phone, email = request.query_params.get("phone", ""), request.query_params.get("email", "")
            with self.lock:
                texts = [m for m in self.sent if phone and m["to"] == phone]
            mail = await asyncio.to_thread(self._mailbox, email) if email else []
            return JSONResponse({"sms": texts, "mail": mail})
        try:
            body = await request.json()
            assert isinstance(body, dict)
        except (ValueError, AssertionError):
            return JSONResponse({"detail": "Send a JSON object."}, status_code=400)
        if path == "requester/sms" and request.method == "POST":
            phone, text = str(body.get("phone") or ""), str(body.get("text") or "")[:1600]
            if not phone.startswith("+") or not phone[1:].isdigit() or not text.strip():
                return JSONResponse({"detail": "phone (E.164) and text are required."}, status_code=422)
            answers = await asyncio.to_thread(send_to_desk, self.base_url, phone, text, to=self.desk_phone,
                                              public_url=self.settings.PUBLIC_BASE_URL, auth_token=self.auth_token)
            return JSONResponse({"answers": answers})
        if path == "requester/mail" and request.method == "POST":
            email, text = str(body.get("email") or ""), str(body.get("text") or "")[:20000]
            if "@" not in email or not text.strip():
                return JSONResponse({"detail": "email and text are required."}, status_code=422)
            await asyncio.to_thread(self._send_mail, email, str(body.get("subject") or "")[:200], text,
                                    str(body.get("in_reply_to") or ""))
            return JSONResponse({"sent": True}, status_code=202)
        return JSONResponse({"detail": "not found"}, status_code=404)

    def _mailbox(self, address: str) -> list[dict[str, Any]]:
        """The requester's INBOX on devhost's dovecot (any password opens any address there)."""
        config = self.settings
        try:
            client = imaplib.IMAP4(config.IMAP_HOST, config.IMAP_PORT, timeout=10)
        except OSError:
            return []
        try:
            client.login(address, "local")
            client.select("INBOX", readonly=True)
            found = []
            for uid in (client.uid("SEARCH", "ALL")[1][0] or b"").split()[-50:]:
                data = client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")[1]
                parts = [item for item in data if isinstance(item, tuple)]
                if not parts:
                    continue
                message = BytesParser(policy=policy.default).parsebytes(bytes(parts[0][1]))
                assert isinstance(message, EmailMessage)
                body = message.get_body(preferencelist=("plain",))
                found.append({"message_id": str(message.get("Message-ID", "")), "subject": str(message.get("Subject", "")),
                              "from": str(message.get("From", "")), "date": str(message.get("Date", "")),
                              "text": body.get_content() if body is not None else ""})
            return found
        except imaplib.IMAP4.error:
            return []
        finally:
            try:
                client.logout()
            except (imaplib.IMAP4.error, OSError):
                pass

    def _send_mail(self, address: str, subject: str, text: str, in_reply_to: str) -> None:
        config = self.settings
        message = EmailMessage()
        message["From"], message["To"] = address, config.MAIL_FROM
        message["Subject"] = subject or "(no subject)"
        message["Message-ID"] = f"<{uuid.uuid4().hex}@requester.local>"
        if in_reply_to:
            message["In-Reply-To"] = message["References"] = in_reply_to
        message.set_content(text)
        with smtplib.SMTP(config.SMTP_HOST, config.SMTP_PORT, timeout=10) as client:
            client.send_message(message)
