"""Recordings come only from the hosts in RECORDING_HOSTS: a URL anywhere else is refused before any request is
made, with the real Twilio adapter and a loopback server that counts what reaches it; the pipeline then marks
the call for review."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from domain.adapters.telephony import TwilioTelephony
from domain.calls import Call, check_recording_url
from domain.errors import RecordingRefused
from domain.services import pipeline
from domain.settings import Settings
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeUnitOfWork
from tests.unit.test_call_to_ticket import HAPPY, FakeContext, run

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SID = "CA" + "b" * 32
WAV = b"RIFF" + b"\x00" * 40


class CountingServer:
    """Answers every GET with a WAV, and counts them."""

    def __init__(self) -> None:
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                server.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "audio/x-wav")
                self.send_header("Content-Length", str(len(WAV)))
                self.end_headers()
                self.wfile.write(WAV)

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.http.server_address[1]


@pytest.fixture
def server() -> Iterator[CountingServer]:
    counting = CountingServer()
    threading.Thread(target=counting.http.serve_forever, daemon=True).start()
    yield counting
    counting.http.shutdown()
    counting.http.server_close()


class Blobs:
    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    async def put(self, container: str, name: str, data: bytes, content_type: str) -> None:
        self.stored[name] = data


def store(url: str, hosts: str) -> tuple[str | None, Blobs, DeskState]:
    settings = Settings(SEED_DEMO_DATA=False, RECORDING_HOSTS=hosts)
    desk, blobs = DeskState(), Blobs()
    desk.calls[SID] = Call(sid=SID, from_phone="+14155550100", locale="en-US", started_at=NOW,
                           recording_sid="RE" + "c" * 32, recording_url=url)
    name = on_own_loop(pipeline.store_recording(SID, NOW, settings, FakeUnitOfWork(desk), TwilioTelephony(settings),
                                                blobs))  # type: ignore[arg-type]
    return name, blobs, desk


def test_a_recording_on_an_allowed_host_is_downloaded(server):
    name, blobs, desk = store(f"http://127.0.0.1:{server.port}/2010-04-01/Recordings/RE1", "127.0.0.1")
    assert server.requests == 1 and blobs.stored[name] == WAV
    assert desk.calls[SID].recording_blob == name


@pytest.mark.parametrize("url", [
    "http://localhost:{port}/2010-04-01/Recordings/RE1",             # the same server, by a name not on the list
    "http://api.twilio.com@localhost:{port}/Recordings/RE1",         # the allowed name as user info
    "http://localhost:{port}\\@api.twilio.com/Recordings/RE1",      # a backslash parsers read differently
    "ftp://api.twilio.com/Recordings/RE1",
])
def test_a_recording_anywhere_else_is_refused_with_nothing_downloaded(server, url):
    with pytest.raises(RecordingRefused, match="not in RECORDING_HOSTS"):
        store(url.format(port=server.port), "api.twilio.com,127.0.0.1")
    assert server.requests == 0


def test_the_default_hosts_are_twilios_and_names_match_whatever_their_case():
    hosts = Settings().recording_hosts
    assert "api.twilio.com" in hosts and "127.0.0.1" not in hosts
    check_recording_url("https://API.Twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1", hosts)
    with pytest.raises(RecordingRefused):
        check_recording_url("https://api.twilio.com.example.net/Recordings/RE1", hosts)


def test_a_refused_recording_marks_the_call_for_review(monkeypatch):
    payloads: dict[str, Any] = {}
    activity = FakeContext.call_activity_with_retry

    def remembered(self: FakeContext, name: str, retry: Any, payload: Any) -> Any:
        payloads[name] = payload
        return activity(self, name, retry, payload)

    monkeypatch.setattr(FakeContext, "call_activity_with_retry", remembered)
    refused = RecordingRefused("the recording URL's host localhost is not in RECORDING_HOSTS, so nothing was downloaded")
    answers = {**HAPPY, "store_recording": refused, "mark_call_for_review": {"ticket": "INC0010001", "joined": False}}
    steps, _, output = run(answers)
    assert "transcribe_recording" not in steps and output["ticket"] == "INC0010001"
    assert "host localhost is not in RECORDING_HOSTS" in payloads["mark_call_for_review"]["reason"]
