"""The door machinery every HTTP function shares: authentication, body parsing, and errors as problem+json."""
from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import quote

import azure.functions as func
from pydantic import BaseModel, ValidationError

from domain.auth import Principal
from domain.bootstrap import services
from domain.errors import (
    AtiendeError,
    Conflict,
    DependencyUnavailable,
    Expired,
    FieldError,
    Forbidden,
    InvalidInput,
    MalformedRequest,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    PreconditionRequired,
    StaleVersion,
    TooManyRequests,
    TransitionNotAllowed,
    UnsupportedMediaType,
)
from domain.schemas.common import WriteReceipt
from domain.services.access import authenticate
from domain.store.uow import UnitOfWork

log = logging.getLogger(__name__)
Model = TypeVar("Model", bound=BaseModel)
AsyncHandler = Callable[[func.HttpRequest, Principal], Awaitable[func.HttpResponse]]

STATUS_FOR: dict[type[AtiendeError], int] = {
    MalformedRequest: 400,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    TransitionNotAllowed: 409,
    Conflict: 409,
    Expired: 410,
    StaleVersion: 412,
    PayloadTooLarge: 413,
    TooManyRequests: 429,
    UnsupportedMediaType: 415,
    InvalidInput: 422,
    PreconditionRequired: 428,
    DependencyUnavailable: 503,
}
ANONYMOUS = Principal("anonymous", "anonymous", frozenset())
_NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def now() -> datetime:
    return datetime.now(UTC)


def endpoint(permission: str | None) -> Callable[[AsyncHandler], Callable[[func.HttpRequest], Awaitable[func.HttpResponse]]]:
    """Wrap a handler so it runs only for a caller holding `permission` (None: anyone), with errors mapped once.
    Handlers are coroutines, which the Functions worker runs on its event loop."""

    def decorate(handler: AsyncHandler) -> Callable[[func.HttpRequest], Awaitable[func.HttpResponse]]:
        if not inspect.iscoroutinefunction(handler):
            raise TypeError(f"{handler.__name__} must be an async def: every door runs on the worker's event loop")

        async def door(req: func.HttpRequest) -> func.HttpResponse:
            try:
                _check_size(req)
                if permission is None:
                    who = ANONYMOUS
                else:
                    desk = services()
                    who = await _admitted(req, permission, desk.uow())
                    await desk.rate_limiter.take(who)
                return _shown(await handler(req, who), permission, who)
            except Exception as err:
                return _failure(err, handler.__name__)

        # The Functions worker reads the trigger's parameter name and the function name from the door itself.
        door.__name__ = handler.__name__
        door.__qualname__ = handler.__qualname__
        door.__doc__ = handler.__doc__
        return door

    return decorate


def _check_size(req: func.HttpRequest) -> None:
    limit = services().settings.MAX_BODY_BYTES
    if len(req.get_body() or b"") > limit:
        raise PayloadTooLarge(f"A request body may hold at most {limit} bytes.")


async def _admitted(req: func.HttpRequest, permission: str, uow: UnitOfWork) -> Principal:
    """The caller, if they hold `permission`."""
    who = await caller(req, uow)
    who.require(permission)
    return who


def _shown(answer: func.HttpResponse, permission: str | None, who: Principal) -> func.HttpResponse:
    return answer if permission is None or who.may_read_answer_to(permission) else _receipt(answer)


def _failure(err: Exception, handler_name: str) -> func.HttpResponse:
    """The answer to an error a handler raised: problem+json with the status its kind has."""
    if isinstance(err, ValidationError):
        return _validation_problem(err)
    if isinstance(err, AtiendeError):
        status = status_for(err)
        # How long to wait: the caller's bucket says; an unreachable dependency is worth a retry soon.
        wait = err.retry_after if isinstance(err, TooManyRequests) else 5 if status == 503 else None
        return problem(status, err.detail, err.errors, retry_after=wait)
    log.error("unhandled error in %s", handler_name, exc_info=err)
    return problem(500, "Something went wrong on our side; it has been logged.")


def status_for(err: AtiendeError) -> int:
    """The status of the nearest kind of error that has one: a SavedMeanwhile is a StaleVersion, 412."""
    return next((STATUS_FOR[kind] for kind in type(err).__mro__ if kind in STATUS_FOR), 400)


def _receipt(answer: func.HttpResponse) -> func.HttpResponse:
    """The answer to a write cut down to which record and its version, for a caller who may not read it."""
    if not 200 <= answer.status_code < 300 or answer.mimetype != "application/json":
        return answer
    written = json.loads(answer.get_body())
    kept = {name: written[name] for name in WriteReceipt.model_fields if name in written} \
        if isinstance(written, dict) else {}
    return json_response(answer.status_code, kept, dict(answer.headers))


async def caller(req: func.HttpRequest, uow: UnitOfWork) -> Principal:
    return await authenticate(
        req.headers.get("x-ms-client-principal"), req.headers.get("authorization"), req.headers.get("x-api-key"), uow,
    )


def header(req: func.HttpRequest, name: str) -> str | None:
    """A header the desk parses (a tag, a media type, a signature): printable ASCII, as every such value is, or
    refused whatever the header. HTTP carries Latin-1 bytes and hosts decode them differently; digits such as
    "²" or "٣" would otherwise reach int() and either fail as a 500 or pass as a number nobody sent."""
    value = req.headers.get(name)
    if value is not None and not (value.isascii() and value.isprintable()):
        raise MalformedRequest(f"The {name} header may hold only printable ASCII characters.",
                               [FieldError("must be printable ASCII", header=name)])
    return value


def body(req: func.HttpRequest, model: type[Model]) -> Model:
    content_type = (header(req, "Content-Type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType("Send the body as application/json.", [FieldError("must be application/json", header="Content-Type")])
    raw = req.get_body()
    if not raw:
        raise MalformedRequest("This request needs a JSON body.")
    return model.model_validate_json(raw)


def query(req: func.HttpRequest, model: type[Model]) -> Model:
    try:
        return model.model_validate(dict(req.params))
    except ValidationError as err:
        raise InvalidInput(
            "Some query parameters are not valid.",
            [FieldError(e["msg"], parameter=".".join(str(p) for p in e["loc"]) or None, code=e["type"])
             for e in err.errors()],
        ) from err


def if_match(req: func.HttpRequest) -> int | None:
    """The version an update expects, from If-Match; None for `*`. Updates without it are refused (428)."""
    raw = (header(req, "If-Match") or "").strip()
    if not raw:
        raise PreconditionRequired(
            "Send the version you edited in If-Match, so no one's change is overwritten.",
            [FieldError("required", header="If-Match")],
        )
    if raw == "*":
        return None
    tag = raw.removeprefix("W/").strip('"')
    if not tag.isdigit() or len(tag) > 9:
        raise MalformedRequest("If-Match holds the ticket's ETag, such as \"3\".", [FieldError("not an ETag we issued", header="If-Match")])
    return int(tag)


def etag(version: int) -> dict[str, str]:
    """The header that hands a client the version to send back in If-Match."""
    return {"ETag": f'"{version}"'}


def disposition(kind: str, filename: str) -> str:
    """Content-Disposition as RFC 6266 writes it: an ASCII name for old clients, the name itself in UTF-8."""
    plain = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_").replace("\\", "_")
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def inline_disposition(filename: str) -> str:
    return disposition("inline", filename)


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> func.HttpResponse:
    # A model goes straight to JSON bytes in pydantic's Rust serializer, several times cheaper than through
    # dicts and the json module.
    encoded = payload.model_dump_json() if isinstance(payload, BaseModel) else json.dumps(payload, ensure_ascii=False)
    return func.HttpResponse(
        encoded, status_code=status, mimetype="application/json", charset="utf-8",
        headers={**_NO_STORE, **(headers or {})},
    )


def problem(status: int, detail: str, errors: list[FieldError] | None = None,
            retry_after: int | None = None) -> func.HttpResponse:
    """An RFC 9457 problem document."""
    payload: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "errors": [{k: v for k, v in vars(e).items() if v is not None} for e in errors or []],
    }
    headers = {**_NO_STORE}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="atiende"'
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return func.HttpResponse(
        json.dumps(payload, ensure_ascii=False), status_code=status, mimetype="application/problem+json",
        charset="utf-8", headers=headers,
    )


def _validation_problem(err: ValidationError) -> func.HttpResponse:
    details = err.errors(include_url=False, include_input=False)
    if any(d["type"] == "json_invalid" for d in details):
        return problem(400, "The body is not valid JSON.")
    errors = [FieldError(d["msg"], "/" + "/".join(str(p) for p in d["loc"]), code=d["type"]) for d in details]
    return problem(422, "Some fields are not valid.", errors)
