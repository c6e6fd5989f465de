"""The door every Twilio webhook shares: the signature check, the form, and errors the caller can hear."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import parse_qsl, urlsplit

import azure.durable_functions as df
import azure.functions as func
from pydantic import BaseModel, ValidationError
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from blueprints._http import _validation_problem, problem
from domain.bootstrap import services
from domain.calls import POLLY_VOICES
from domain.errors import AtiendeError
from domain.schemas.calls import TwilioForm
from domain.voice_script import text

log = logging.getLogger(__name__)
Form = TypeVar("Form", bound=BaseModel)
Handler = Callable[[func.HttpRequest, TwilioForm, df.DurableOrchestrationClient], Awaitable[func.HttpResponse]]


def twilio_webhook(conversation: bool, pipeline_started: bool = False) \
        -> Callable[[Handler], Callable[..., Awaitable[func.HttpResponse]]]:
    """Run `handler` only for a request Twilio signed (403 otherwise, with nothing written). When the caller is
    on the line (`conversation`), a failure still answers TwiML they can hear: that their number comes by SMS
    once the call's pipeline holds their report (`pipeline_started`), and to call again before; a callback
    gets a 503."""

    def decorate(handler: Handler) -> Callable[..., Awaitable[func.HttpResponse]]:
        async def door(req: func.HttpRequest, client: df.DurableOrchestrationClient) -> func.HttpResponse:
            try:
                form = signed_form(req)
            except ValidationError as err:
                return _validation_problem(err)
            except _BadSignature as err:
                return problem(403, str(err))
            try:
                return await handler(req, form, client)
            except Exception as err:  # noqa: BLE001 - the caller must hear something, whatever broke
                if isinstance(err, AtiendeError):
                    log.warning("voice webhook %s failed: %s", handler.__name__, err)
                else:
                    log.exception("voice webhook %s failed", handler.__name__)
                if not conversation:
                    return problem(503, "This callback could not be handled now; Twilio may send it again.")
                return twiml(_apology("error" if pipeline_started else "unavailable"))

        door.__name__ = handler.__name__
        door.__qualname__ = handler.__qualname__
        door.__doc__ = handler.__doc__
        return door

    return decorate


class _BadSignature(Exception):
    pass


def messaging_webhook(model: type[Form]) -> Callable[[Callable[[Form], Awaitable[func.HttpResponse]]],
                                                  Callable[[func.HttpRequest], Awaitable[func.HttpResponse]]]:
    """Run `handler` with the form only for a request Twilio signed (403 otherwise, 422 for a form no Twilio
    message has); a failure answers 503, and Twilio may send it again (a second delivery changes nothing)."""

    def decorate(handler: Callable[[Form], Awaitable[func.HttpResponse]]) \
            -> Callable[[func.HttpRequest], Awaitable[func.HttpResponse]]:
        async def door(req: func.HttpRequest) -> func.HttpResponse:
            try:
                form = signed_form(req, model)
            except ValidationError as err:
                return _validation_problem(err)
            except _BadSignature as err:
                return problem(403, str(err))
            try:
                return await handler(form)
            except AtiendeError as err:
                log.warning("messaging webhook %s failed: %s", handler.__name__, err)
                return problem(503, "This message could not be handled now; Twilio may send it again.")

        door.__name__ = handler.__name__
        door.__qualname__ = handler.__qualname__
        door.__doc__ = handler.__doc__
        return door

    return decorate


def signed_form(req: func.HttpRequest, model: type[Form] = TwilioForm) -> Form:  # type: ignore[assignment]
    """The webhook's form as `model`, once its X-Twilio-Signature matches the URL Twilio called: PUBLIC_BASE_URL
    (the Static Web App) with this path and query, not the URL the function app sees."""
    settings = services().settings
    token = settings.TWILIO_AUTH_TOKEN.get_secret_value()
    if not token:
        raise _BadSignature("Twilio webhooks are refused: TWILIO_AUTH_TOKEN is not set.")
    raw = req.get_body() or b""
    if len(raw) > settings.MAX_BODY_BYTES:
        raise _BadSignature("The request is not signed by Twilio.")
    try:
        params = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except UnicodeDecodeError:
        params = {}
    parts = urlsplit(req.url)
    called = settings.PUBLIC_BASE_URL.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
    signature = req.headers.get("x-twilio-signature") or ""
    # Twilio's signature is base64; anything else is no signature (and would break the SDK's comparison).
    if not signature.isascii() or not signature or not RequestValidator(token).validate(called, params, signature):
        raise _BadSignature("The request is not signed by Twilio.")
    return model.model_validate(params)


def int_param(req: func.HttpRequest, name: str, default: int, highest: int) -> int:
    raw = req.params.get(name, "")
    return min(int(raw), highest) if raw.isascii() and raw.isdigit() and len(raw) < 4 else default


def twiml(body: str) -> func.HttpResponse:
    return func.HttpResponse(body, status_code=200, mimetype="application/xml", charset="utf-8",
                             headers={"Cache-Control": "no-store"})


def _apology(what: str) -> str:
    locale = services().settings.DEFAULT_CALL_LOCALE
    response = VoiceResponse()
    response.say(text(what, locale[:2]), voice=POLLY_VOICES.get(locale, "Polly.Mia"), language=locale)
    response.hangup()
    return str(response)
