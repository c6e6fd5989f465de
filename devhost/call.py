"""`python -m devhost call`: a phone call to a running devhost, with this program playing Twilio.

It sends Twilio's signed webhooks in the order and with the parameters Twilio sends them, follows the TwiML it
gets back, answers a speech `<Gather>` with the words the caller says (as Twilio's recognizer would return
them), records the caller as espeak-ng speaking those words in 8 kHz µ-law WAV served at `RecordingUrl`, and
after the hang-up sends the call-status and recording callbacks. It prints what the caller hears and the SMS.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import tempfile
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from twilio.request_validator import RequestValidator

from domain.calls import numbers_in_speech

# The token devhost signs webhooks with when none is configured; the simulator signs with the same one.
LOCAL_TWILIO_AUTH_TOKEN = "devhost-local-twilio-auth-token"
ACCOUNT_SID = "AC" + "0" * 32
# Where the simulator serves a call's recording, as Twilio serves it from its API; devhost allows this host.
RECORDING_HOST = "127.0.0.1"
_ESPEAK_VOICES = {"es": "es-419", "en": "en-us"}


def add_call_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default="http://127.0.0.1:7071", help="where devhost listens")
    parser.add_argument("--from", dest="caller", default="+34600111222", help="the caller's phone number")
    parser.add_argument("--to", default="+15005550006", help="the desk's phone number")
    parser.add_argument("--say", default="", help="what the caller says about the problem")
    parser.add_argument("--lang", choices=("es", "en"), default=None, help="the caller's language (for the voice)")
    parser.add_argument("--status", metavar="TICKET", nargs="?", const="", default=None,
                        help="ask for the status of a ticket instead (its number, or none to hear all of yours)")
    parser.add_argument("--hang-up-early", action="store_true", help="hang up while describing the problem")
    parser.add_argument("--silent", action="store_true", help="say nothing when asked for the problem")
    parser.add_argument("--abandon", action="store_true", help="hang up at the menu, before choosing anything")
    parser.add_argument("--no-wait", action="store_true", help="do not wait for the pipeline to finish")
    parser.add_argument("--auth-token", default=os.environ.get("TWILIO_AUTH_TOKEN") or LOCAL_TWILIO_AUTH_TOKEN)


@dataclass
class CallResult:
    sid: str
    heard: list[str] = field(default_factory=list)
    ticket_heard: str | None = None
    # Seconds from the end of the caller's speech (the Gather's action) to the ticket number spoken.
    seconds_to_number: float | None = None
    call: dict[str, Any] | None = None


class CallSimulator:
    def __init__(self, url: str, caller: str, say: str, *, to: str = "+15005550006", language: str | None = None,
                 status: str | None = None, hang_up_early: bool = False, silent: bool = False, abandon: bool = False,
                 auth_token: str = LOCAL_TWILIO_AUTH_TOKEN, honour_pauses: bool = True,
                 on_hear: Callable[[str], None] | None = None, join_outage: bool = False,
                 confidence: float = 0.92):
        self.url = url.rstrip("/")
        self.caller, self.to, self.say_text = caller, to, say
        self.language = language or ("en" if caller.startswith("+1") else "es")
        self.status, self.hang_up_early, self.silent, self.abandon = status, hang_up_early, silent, abandon
        # Press the key the greeting offers for a major incident; how sure Twilio's recognizer is of the words.
        self.join_outage, self.confidence = join_outage, confidence
        self.validator = RequestValidator(auth_token)
        self.honour_pauses = honour_pauses
        self.on_hear = on_hear or (lambda line: None)
        self.sid = "CA" + uuid.uuid4().hex
        self.recording_sid = "RE" + uuid.uuid4().hex
        self.http = httpx.Client(timeout=60)
        self.public = self._public_base()
        self.recording_callback: str | None = None
        self.recording_started_at: float | None = None
        self.result = CallResult(self.sid)

    def run(self, wait: bool = True) -> CallResult:
        started = time.monotonic()
        twiml = self._post(f"{self.public}/api/voice/incoming", {"CallStatus": "ringing"})
        self._follow(twiml)
        duration = max(1, round(time.monotonic() - started))
        audio = self._recording()
        with _RecordingServer(audio) as server:
            self._post(f"{self.public}/api/voice/call-status", {"CallStatus": "completed", "CallDuration": str(duration)})
            if self.recording_callback:
                recording_url = f"{server.base}/2010-04-01/Accounts/{ACCOUNT_SID}/Recordings/{self.recording_sid}"
                self._post(self.recording_callback, {
                    "RecordingSid": self.recording_sid, "RecordingUrl": recording_url, "RecordingStatus": "completed",
                    "RecordingDuration": str(duration), "RecordingChannels": "1", "RecordingSource": "StartCallRecording",
                })
            if self.recording_callback:
                server.fetched.wait(timeout=60)  # Twilio keeps recordings; ours lives as long as this call
            if wait and self.status is None and not self.abandon:
                self.result.call = self._wait_for_pipeline()
        self.http.close()
        return self.result

    def _follow(self, twiml: str) -> None:
        """Act out the TwiML until the call ends, as Twilio does: verbs in order, actions and redirects followed."""
        while twiml:
            next_twiml = ""
            for verb in ET.fromstring(twiml):
                if verb.tag in ("Say", "Play"):
                    self._hear(verb)
                elif verb.tag == "Pause":
                    if self.honour_pauses:
                        time.sleep(float(verb.get("length", "1")))
                elif verb.tag == "Start":
                    recording = verb.find("Recording")
                    if recording is not None:
                        self.recording_callback = recording.get("recordingStatusCallback")
                        self.recording_started_at = time.monotonic()
                elif verb.tag == "Gather":
                    for inner in verb:
                        self._hear(inner)
                    answer = self._answer(verb)
                    if answer is None:
                        return  # the caller hangs up
                    if answer or verb.get("actionOnEmptyResult") == "true":
                        next_twiml = self._post(verb.get("action", ""), answer)
                        break
                elif verb.tag == "Redirect":
                    next_twiml = self._post(verb.text or "", {})
                    break
                elif verb.tag == "Hangup":
                    return
            else:
                return
            twiml = next_twiml

    def _answer(self, gather: ET.Element) -> dict[str, str] | None:
        """What the caller keys or says at a `<Gather>`; None when they hang up instead."""
        digits = gather.get("numDigits")
        if self.abandon:
            return None
        if digits == "1":
            return {"Digits": "3" if self.join_outage else "2" if self.status is not None else "1"}
        if digits == "7":
            if not self.status or getattr(self, "_asked", False):
                return None  # heard what they called for: hang up
            self._asked = True
            return {"Digits": self.status.upper().removeprefix("INC")[-7:]}
        if self.hang_up_early:
            time.sleep(1.0)  # part of the sentence reaches the recording before the line goes dead
            return None
        if self.silent:
            return {"SpeechResult": "", "Confidence": "0.0"}
        self._spoke_at = time.monotonic()
        return {"SpeechResult": self.say_text, "Confidence": str(self.confidence)}

    def _hear(self, verb: ET.Element) -> None:
        line = (verb.text or "").strip() if verb.tag == "Say" else f"[audio] {verb.text}"
        self.result.heard.append(line)
        self.on_hear(line)
        numbers = numbers_in_speech(line)
        if numbers and self.result.ticket_heard is None:
            self.result.ticket_heard = numbers[0]
            if hasattr(self, "_spoke_at"):
                self.result.seconds_to_number = round(time.monotonic() - self._spoke_at, 3)

    def _post(self, public_url: str, params: dict[str, str]) -> str:
        """POST a webhook as Twilio does: form-encoded, signed over the public URL it was given."""
        form = {"AccountSid": ACCOUNT_SID, "CallSid": self.sid, "From": self.caller, "To": self.to,
                "Direction": "inbound", "ApiVersion": "2010-04-01", "CallStatus": "in-progress", **params}
        signature = self.validator.compute_signature(public_url, form)
        local = self.url + public_url[len(self.public):] if public_url.startswith(self.public) else public_url
        response = self.http.post(local, data=form, headers={"X-Twilio-Signature": signature})
        if response.status_code >= 400:
            raise RuntimeError(f"{urlsplit(public_url).path} answered {response.status_code}: {response.text[:300]}")
        return response.text if "xml" in response.headers.get("content-type", "") else ""

    def _public_base(self) -> str:
        # Twilio calls the public URL (the Static Web App's); devhost names it in its OpenAPI document.
        servers = self.http.get(f"{self.url}/api/openapi.json").json().get("servers") or [{"url": self.url + "/api"}]
        return servers[0]["url"].rstrip("/").removesuffix("/api")

    def _recording(self) -> bytes:
        """The caller's side of the call, as Twilio records it: 8 kHz mono µ-law WAV."""
        with tempfile.TemporaryDirectory() as tmp:
            spoken, recording = Path(tmp) / "spoken.wav", Path(tmp) / "recording.wav"
            if self.silent or not self.say_text:
                subprocess.run(["sox", "-V1", "-n", "-r", "8000", "-c", "1", "-e", "u-law", str(recording), "trim", "0", "3"],
                               check=True)
            else:
                subprocess.run(["espeak-ng", "-v", _ESPEAK_VOICES[self.language], "-s", "150", "-w", str(spoken),
                                self.say_text], check=True, capture_output=True)
                subprocess.run(["sox", "-V1", str(spoken), "-r", "8000", "-c", "1", "-e", "u-law", str(recording)], check=True)
            return recording.read_bytes()

    def _wait_for_pipeline(self, timeout: float = 120) -> dict[str, Any] | None:
        principal = {"identityProvider": "aad", "userId": "call-simulator", "userDetails": "call-simulator",
                     "userRoles": ["anonymous", "authenticated", "agent"]}
        self.http.cookies.set("StaticWebAppsAuthCookie", base64.b64encode(json.dumps(principal).encode()).decode())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.http.get(f"{self.url}/api/calls/{self.sid}")
            if response.status_code == 200 and response.json()["pipeline"]["status"] in ("completed", "failed"):
                return response.json()
            time.sleep(0.25)
        return None


class _RecordingServer:
    """Serves the recording where Twilio would, at RecordingUrl (with or without `.wav`)."""

    def __init__(self, audio: bytes):
        fetched = self.fetched = threading.Event()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                self.send_response(200)
                self.send_header("Content-Type", "audio/x-wav")
                self.send_header("Content-Length", str(len(audio)))
                self.end_headers()
                self.wfile.write(audio)
                fetched.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((RECORDING_HOST, 0), Handler)
        self.base = f"http://{RECORDING_HOST}:{self.server.server_address[1]}"

    def __enter__(self) -> _RecordingServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def simulate(args: argparse.Namespace) -> int:
    simulator = CallSimulator(args.url, args.caller, args.say, to=args.to, language=args.lang, status=args.status,
                              hang_up_early=args.hang_up_early, silent=args.silent, abandon=args.abandon,
                              auth_token=args.auth_token,
                              on_hear=lambda line: print(f"caller hears: {line}", flush=True))
    print(f"calling {args.url} from {args.caller} (CallSid {simulator.sid})", flush=True)
    result = simulator.run(wait=not args.no_wait)
    if result.ticket_heard:
        print(f"ticket number heard: {result.ticket_heard}"
              + (f" ({result.seconds_to_number:.2f} s after the caller stopped speaking)" if result.seconds_to_number else ""))
    call = result.call
    if call:
        print(f"ticket: {call['ticket']} ({'joined an open ticket' if call['joined_existing'] else 'new'});"
              f" pipeline {call['pipeline']['status']}" + (f", needs review: {call['pipeline']['review_reason']}"
                                                            if call['pipeline']['review_reason'] else ""))
        sms = call.get("sms")
        if sms:
            print(f"SMS to {args.caller} ({sms['status']}): {sms['body']}")
    return 0
