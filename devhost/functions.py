"""Routes HTTP requests to the function app's HTTP triggers, the way the Functions host does."""
from __future__ import annotations

import asyncio
import functools
import inspect
import json
import os
import re
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import azure.functions as func
from starlette.requests import Request
from starlette.responses import Response

# The Functions host refuses bodies past 100 MB; the app itself allows far less.
MAX_REQUEST_BYTES = 100 * 1024 * 1024
_CONSTRAINTS = {"int": r"-?[0-9]+", "long": r"-?[0-9]+", "alpha": r"[A-Za-z]+", "bool": r"(?i:true|false)",
                "guid": r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"}
# Synchronous functions run on a pool of threads, as the Python worker runs them: its size is the worker's
# PYTHON_THREADPOOL_THREAD_COUNT when set, ThreadPoolExecutor's own default otherwise.
_sync_workers = ThreadPoolExecutor(max_workers=int(os.environ.get("PYTHON_THREADPOOL_THREAD_COUNT") or 0) or None,
                                   thread_name_prefix="function")
_PARAM = re.compile(r"\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?\}")


@dataclass(frozen=True)
class HttpFunction:
    name: str
    template: str
    pattern: re.Pattern[str]
    methods: frozenset[str]
    binding: str
    handler: Callable[..., Any]
    literal_segments: int
    inputs: dict[str, str]


def compile_template(template: str) -> re.Pattern[str]:
    """`tickets/{number}` -> a regex with named groups; `{id:int}`, `{name?}` and `{*rest}` as ASP.NET reads them."""
    out, pos = [], 0
    for match in _PARAM.finditer(template):
        out.append(re.escape(template[pos:match.start()]))
        catch_all, name, constraint, optional = match.groups()
        body = ".*" if catch_all else _CONSTRAINTS.get(constraint or "", "[^/]+")
        group = f"(?P<{name}>{body})"
        if optional or catch_all:
            # An optional last segment may be absent along with the slash before it.
            if out and out[-1].endswith("/"):
                out[-1] = out[-1][:-1]
                group = f"(?:/{group})?"
            else:
                group += "?"
        out.append(group)
        pos = match.end()
    out.append(re.escape(template[pos:]))
    return re.compile("".join(out), re.DOTALL)


def route_prefix(host_json: Path) -> str:
    config = json.loads(host_json.read_text())
    return config.get("extensions", {}).get("http", {}).get("routePrefix", "api").strip("/")


# Keyed by the app itself, weakly: an id() outlives its object, and CPython gives a collected app's address to the next.
_indexed: weakref.WeakKeyDictionary[Any, list[Any]] = weakref.WeakKeyDictionary()


def indexed_functions(app: Any) -> list[Any]:
    """The app's functions, indexed once: the SDK's get_functions() refuses a second call on the same app."""
    if app not in _indexed:
        _indexed[app] = app.get_functions()
    return _indexed[app]


def trigger_of(function: Any) -> dict[str, Any]:
    """The function's trigger binding: not always the first, a durable client input may come before it."""
    bindings = [b.get_dict_repr() for b in function.get_bindings()]
    return next((b for b in bindings if str(b.get("type", "")).endswith("Trigger")), bindings[0])


def input_bindings(function: Any) -> dict[str, str]:
    """The function's other input bindings: parameter name -> binding type."""
    bindings = [b.get_dict_repr() for b in function.get_bindings()]
    return {b["name"]: b["type"] for b in bindings
            if not str(b.get("type", "")).endswith("Trigger")
            and str(getattr(b.get("direction"), "name", b.get("direction"))).upper() == "IN"}


def http_functions(app: Any) -> list[HttpFunction]:
    found = []
    for function in indexed_functions(app):
        trigger = trigger_of(function)
        if trigger.get("type") != "httpTrigger":
            continue
        template = (trigger.get("route") or function.get_function_name()).strip("/")
        methods = frozenset(str(getattr(m, "value", m)).upper() for m in trigger.get("methods") or []) or frozenset(
            {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
        )
        literal = sum(1 for seg in template.split("/") if "{" not in seg)
        found.append(HttpFunction(function.get_function_name(), template, compile_template(template), methods,
                                  trigger["name"], function.get_user_function(), literal, input_bindings(function)))
    # Literal segments win over parameters, as in ASP.NET routing.
    return sorted(found, key=lambda f: (-f.literal_segments, f.template.count("{")))


async def run_sync_function(call: Callable[..., Any], **arguments: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(_sync_workers, functools.partial(call, **arguments))


class FunctionRouter:
    def __init__(self, app: Any, prefix: str, binding_values: dict[str, Callable[[], Any]] | None = None):
        self.prefix = prefix
        self.functions = http_functions(app)
        # What to pass for each kind of input binding (a durable client's JSON, say), as the host does.
        self.binding_values = binding_values or {}
        self._by_first_segment: dict[str, list[HttpFunction]] = {}

    def _candidates(self, relative: str) -> list[HttpFunction]:
        """The functions that could take a path with this first segment, in routing order: those whose template
        starts with that segment, and those whose first segment holds a parameter. Kept per first segment, of
        which an app has few; any path may come, so the cache stops growing at a thousand."""
        first = relative.split("/", 1)[0]
        found = self._by_first_segment.get(first)
        if found is None:
            found = [f for f in self.functions if "{" in f.template.split("/", 1)[0]
                     or f.template.split("/", 1)[0] == first]
            if len(self._by_first_segment) < 1_000:
                self._by_first_segment[first] = found
        return found

    def match(self, path: str, method: str) -> tuple[HttpFunction | None, dict[str, str], set[str]]:
        """The function for this path and method, its route values, and the methods the path allows."""
        relative = path.lstrip("/")
        if self.prefix:
            if relative != self.prefix and not relative.startswith(self.prefix + "/"):
                return None, {}, set()
            relative = relative[len(self.prefix):].lstrip("/")
        allowed: set[str] = set()
        for function in self._candidates(relative):
            found = function.pattern.fullmatch(relative)
            if found is None:
                continue
            allowed |= function.methods
            if method in function.methods:
                return function, {k: v for k, v in found.groupdict().items() if v is not None}, allowed
        return None, {}, allowed

    async def __call__(self, request: Request, replaced_headers: dict[str, str | None] | None = None) -> Response:
        """Call the function for this request; `replaced_headers` are set in place of the request's (None:
        dropped), as the platform in front does."""
        function, route_params, allowed = self.match(request.scope["path"], request.method)
        if function is None:
            if allowed:
                return _problem(405, "This path does not take that method.", {"Allow": ", ".join(sorted(allowed))})
            return _problem(404, "No function serves this path.")
        declared = int(request.headers.get("content-length") or 0)
        if declared > MAX_REQUEST_BYTES:
            return _problem(413, "The request body is too large.")
        body = await request.body()
        if len(body) > MAX_REQUEST_BYTES:
            return _problem(413, "The request body is too large.")
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in request.scope["headers"]}
        for name, value in (replaced_headers or {}).items():
            if value is None:
                headers.pop(name, None)
            else:
                headers[name] = value
        http_request = func.HttpRequest(
            method=request.method, url=str(request.url), headers=headers,
            params=dict(request.query_params), route_params=route_params, body=body,
        )
        call = function.handler
        arguments = {function.binding: http_request}
        arguments.update({name: self.binding_values[kind]() for name, kind in function.inputs.items()})
        if inspect.iscoroutinefunction(call):
            result = await call(**arguments)
        else:
            result = await run_sync_function(call, **arguments)
        return to_response(result)


def to_response(result: Any) -> Response:
    if result is None:
        return Response(status_code=204)
    if isinstance(result, str):
        return Response(result, media_type="text/plain")
    content_type = result.mimetype or "text/plain"
    if result.charset and content_type.startswith(("text/", "application/")):
        content_type = f"{content_type}; charset={result.charset}"
    headers = {k: v for k, v in result.headers.items() if k.lower() not in ("content-type", "content-length")}
    return Response(result.get_body(), status_code=result.status_code, headers=headers, media_type=content_type)


def _problem(status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    payload = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail, "errors": []}
    return Response(json.dumps(payload), status_code=status, media_type="application/problem+json", headers=headers)
