"""`python -m devhost sms`: play Twilio's part in an SMS to the desk's number, as the requester's phone would send
it, and print what the desk answers (the TwiML reply's message). The desk's own SMS go out through the Messages
API configured in TWILIO_API_BASE_URL."""
from __future__ import annotations

import argparse
import os
import uuid
import xml.etree.ElementTree as ElementTree

import httpx
from twilio.request_validator import RequestValidator

from devhost.call import ACCOUNT_SID, LOCAL_TWILIO_AUTH_TOKEN


def add_sms_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help="what the requester writes")
    parser.add_argument("--url", default="http://127.0.0.1:7071", help="where devhost listens")
    parser.add_argument("--public-url", default=None, help="the URL Twilio signs (PUBLIC_BASE_URL; default --url)")
    parser.add_argument("--from", dest="sender", default="+34600111222", help="the requester's phone number")
    parser.add_argument("--to", default="+15005550006", help="the desk's phone number")
    parser.add_argument("--auth-token", default=os.environ.get("TWILIO_AUTH_TOKEN") or LOCAL_TWILIO_AUTH_TOKEN)


def send_to_desk(url: str, sender: str, text: str, *, to: str = "+15005550006", public_url: str | None = None,
                 auth_token: str = LOCAL_TWILIO_AUTH_TOKEN) -> list[str]:
    """Send one SMS to the desk as Twilio's incoming-message webhook; the messages the desk answers with."""
    form = {"AccountSid": ACCOUNT_SID, "MessageSid": "SM" + uuid.uuid4().hex, "From": sender, "To": to,
            "Body": text, "NumMedia": "0", "ApiVersion": "2010-04-01"}
    path = "/api/sms/incoming"
    signature = RequestValidator(auth_token).compute_signature((public_url or url).rstrip("/") + path, form)
    response = httpx.post(url.rstrip("/") + path, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)
    response.raise_for_status()
    return [message.text or "" for message in ElementTree.fromstring(response.text).iter("Message")]


def simulate(args: argparse.Namespace) -> int:
    for line in send_to_desk(args.url, args.sender, args.text, to=args.to, public_url=args.public_url,
                             auth_token=args.auth_token):
        print(f"desk: {line}")
    return 0
