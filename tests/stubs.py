"""Loopback stand-ins for the SaaS APIs Atiende calls, speaking their wire formats so the real SDKs run:
Twilio's Messages API, Azure OpenAI's audio transcriptions, and ElevenLabs' text-to-speech and speech-to-text."""
from __future__ import annotations

import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

# A few bytes that begin like an MP3 frame; Twilio would play it, our tests only compare bytes.
FAKE_MP3 = b"\xff\xfb\x90\x64" + b"\x00" * 60


@dataclass
class SaasStub:
    """What the stub has been asked, and how it should answer next."""

    sms: list[dict[str, str]] = field(default_factory=list)
    transcriptions: int = 0
    transcript: str = "El sistema de correo no funciona en toda la oficina"
    transcript_logprob: float = -0.02
    fail_transcriptions: bool = False
    transcription_delay: float = 0.0
    fail_speech: bool = False
    spoken: list[str] = field(default_factory=list)
    embedded: list[str] = field(default_factory=list)
    chats: list[dict] = field(default_factory=list)
    chat_answer: dict | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""


class QuietServer(ThreadingHTTPServer):
    """A client that goes away mid-answer (a devhost killed on purpose) is no error of the stub's."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(stub: SaasStub) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            path = self.path.split("?")[0]
            if re.fullmatch(r"/2010-04-01/Accounts/AC[0-9a-f]{32}/Messages\.json", path):
                self._message(body)
            elif re.fullmatch(r"/openai/deployments/[^/]+/audio/transcriptions", path):
                self._azure_transcription()
            elif re.fullmatch(r"/openai/deployments/[^/]+/chat/completions", path):
                self._chat(body)
            elif re.fullmatch(r"/openai/deployments/[^/]+/embeddings", path):
                self._embeddings(body)
            elif re.fullmatch(r"/v1/text-to-speech/[^/]+", path):
                self._speech(body)
            elif path == "/v1/speech-to-text":
                self._scribe()
            else:
                self._json(404, {"error": {"message": f"no route {path}"}})

        def _message(self, body: bytes) -> None:
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            sid = "SM" + uuid.uuid4().hex
            with stub.lock:
                stub.sms.append(form)
            account = self.path.split("/")[3]
            self._json(201, {"sid": sid, "account_sid": account, "to": form.get("To"), "from": form.get("From"),
                             "body": form.get("Body"), "status": "queued", "num_segments": "1", "direction":
                             "outbound-api", "api_version": "2010-04-01", "price": None, "error_code": None,
                             "date_created": "Wed, 25 Nov 2026 10:00:00 +0000",
                             "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json"})

        def _azure_transcription(self) -> None:
            with stub.lock:
                stub.transcriptions += 1
            time.sleep(stub.transcription_delay)
            if stub.fail_transcriptions:
                self._json(500, {"error": {"code": "InternalServerError", "message": "The server had an error."}})
                return
            words = stub.transcript.split()
            self._json(200, {"text": stub.transcript, "logprobs": [
                {"token": w, "logprob": stub.transcript_logprob, "bytes": list(w.encode())} for w in words]})

        def _chat(self, body: bytes) -> None:
            asked = json.loads(body)
            with stub.lock:
                stub.chats.append(asked)
            if stub.chat_answer is None:
                self._json(500, {"error": {"code": "InternalServerError", "message": "The server had an error."}})
                return
            self._json(200, {"id": "chatcmpl-1", "object": "chat.completion", "created": 1_790_000_000,
                             "model": "gpt-4o-mini", "choices": [{"index": 0, "finish_reason": "stop", "message": {
                                 "role": "assistant", "content": json.dumps(stub.chat_answer)}}],
                             "usage": {"prompt_tokens": 100, "completion_tokens": 30, "total_tokens": 130}})

        def _embeddings(self, body: bytes) -> None:
            asked = json.loads(body)
            texts = asked["input"] if isinstance(asked["input"], list) else [asked["input"]]
            size = int(asked.get("dimensions") or 1536)
            with stub.lock:
                stub.embedded.extend(texts)
            # A deterministic, unnormalized vector per text: the same text, the same vector.
            data = [{"object": "embedding", "index": i,
                     "embedding": [((hash(t) >> (d % 40)) % 97) / 97 - 0.5 for d in range(size)]}
                    for i, t in reversed(list(enumerate(texts)))]  # out of order, as the API may answer
            self._json(200, {"object": "list", "data": data, "model": "text-embedding-3-small",
                             "usage": {"prompt_tokens": 3 * len(texts), "total_tokens": 3 * len(texts)}})

        def _speech(self, body: bytes) -> None:
            if stub.fail_speech:
                self._json(500, {"detail": {"status": "internal_error", "message": "try again"}})
                return
            with stub.lock:
                stub.spoken.append(json.loads(body)["text"])
            self._reply(200, FAKE_MP3, "audio/mpeg")

        def _scribe(self) -> None:
            words = [{"text": w, "type": "word", "start": i * 0.4, "end": i * 0.4 + 0.3, "logprob": -0.1}
                     for i, w in enumerate(stub.transcript.split())]
            self._json(200, {"language_code": "spa", "language_probability": 0.97, "text": stub.transcript,
                             "words": words})

        def _json(self, status: int, payload: Any) -> None:
            self._reply(status, json.dumps(payload).encode(), "application/json")

        def _reply(self, status: int, data: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = QuietServer(("127.0.0.1", 0), Handler)
    stub.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serving() -> Iterator[SaasStub]:
    """A stub served on loopback for as long as the generator runs; for fixtures to `yield from`."""
    stub = SaasStub()
    server = serve(stub)
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
