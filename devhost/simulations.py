"""`/.devhost/calls`: phone calls the web app starts on a developer's machine, played by the call simulator; and
`/.devhost/requester`, the requester's side of SMS and e-mail (devhost/requester.py).

Only devhost serves this; in Azure the path does not exist, and the web app hides its "simulate a call" form.
"""
from __future__ import annotations

import threading
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devhost.call import CallSimulator
from devhost.requester import LocalMessaging
from devhost.swa import read_principal

PREFIX = "/.devhost/"
_MAX_KEPT = 50


class Simulations:
    def __init__(self, base_url: str, auth_token: str, messaging: LocalMessaging | None = None):
        self.base_url = base_url
        self.auth_token = auth_token
        self.messaging = messaging
        self.calls: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    async def __call__(self, request: Request) -> Response:
        principal = read_principal(request)
        roles = principal.get("userRoles") if principal else None
        if not isinstance(roles, list) or not {"agent", "admin"} & {r for r in roles if isinstance(r, str)}:
            return JSONResponse({"detail": "Sign in as an agent to simulate calls."}, status_code=401)
        path = request.url.path[len(PREFIX):].strip("/")
        if path == "" and request.method == "GET":
            return JSONResponse({"devhost": True, "simulate_calls": True, "requester_side": self.messaging is not None})
        if path.startswith("requester") and self.messaging is not None:
            # Anyone may sign in on devhost's local sign-in page: mailboxes are read and written only from this
            # machine.
            if (request.client.host if request.client else "") not in ("127.0.0.1", "::1"):
                return JSONResponse({"detail": "The requester's side is served to this machine only."}, status_code=403)
            return await self.messaging.requester(request, path)
        if path == "calls" and request.method == "POST":
            return await self._start(request)
        if path.startswith("calls/") and request.method == "GET":
            with self.lock:
                state = self.calls.get(path.split("/", 1)[1])
                return JSONResponse(dict(state, heard=list(state["heard"])) if state else {"detail": "no such call"},
                                    status_code=200 if state else 404)
        return JSONResponse({"detail": "not found"}, status_code=404)

    async def _start(self, request: Request) -> Response:
        try:
            body = await request.json()
            caller, say = str(body.get("from") or ""), str(body.get("say") or "")[:1000]
            language = body.get("lang") if body.get("lang") in ("es", "en") else None
        except (ValueError, AttributeError):
            return JSONResponse({"detail": "Send a JSON object."}, status_code=400)
        if not caller.startswith("+") or not caller[1:].isdigit() or not 8 <= len(caller) <= 16:
            return JSONResponse({"detail": "from must be a phone number in E.164, such as +34600111222."}, status_code=422)
        state: dict[str, Any] = {"heard": [], "done": False, "ticket_heard": None, "error": None}
        simulator = await run_in_threadpool(
            lambda: CallSimulator(self.base_url, caller, say, language=language, auth_token=self.auth_token,
                                  hang_up_early=bool(body.get("hang_up_early")), silent=bool(body.get("silent")),
                                  on_hear=lambda line: self._heard(state, line)))
        with self.lock:
            self.calls[simulator.sid] = state
            for old in list(self.calls)[:-_MAX_KEPT]:
                del self.calls[old]
        threading.Thread(target=self._run, args=(simulator, state), daemon=True).start()
        return JSONResponse({"sid": simulator.sid}, status_code=202)

    def _heard(self, state: dict[str, Any], line: str) -> None:
        with self.lock:
            state["heard"].append(line)

    def _run(self, simulator: CallSimulator, state: dict[str, Any]) -> None:
        try:
            result = simulator.run(wait=False)
            state["ticket_heard"] = result.ticket_heard
        except Exception as err:  # noqa: BLE001 - shown to the developer who started the call
            state["error"] = str(err)
        finally:
            state["done"] = True
