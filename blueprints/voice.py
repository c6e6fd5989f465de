"""`/api/voice/*`: Twilio's voice webhooks. Each answers TwiML, checks Twilio's signature first, and is safe to
receive again: Twilio retries."""
from __future__ import annotations

import asyncio

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import now
from blueprints._twilio import int_param, twilio_webhook, twiml
from blueprints._twiml import render
from blueprints.pipeline import ensure_pipeline, raise_recording_event
from domain.bootstrap import services
from domain.schemas.calls import TwilioForm
from domain.services import voice
from domain.voice_script import Step

bp = df.Blueprint()
HOLD_SECONDS = 4.0


def _services() -> tuple:
    desk = services()
    return desk.settings, desk.uow()


async def _spoken(steps: list[Step]) -> func.HttpResponse:
    """The steps as TwiML, played in the desk's synthesized voice where it has one."""
    return twiml(await render(steps, services().prompt_audio))


@bp.route(route="voice/incoming", methods=["POST"])
@bp.durable_client_input(client_name="client")
@twilio_webhook(conversation=True)
async def voice_incoming(req: func.HttpRequest, form: TwilioForm, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    return await _spoken(await voice.answer_call(form, now(), *_services()))


@bp.route(route="voice/menu", methods=["POST"])
@bp.durable_client_input(client_name="client")
@twilio_webhook(conversation=True)
async def voice_menu(req: func.HttpRequest, form: TwilioForm, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    attempt = int_param(req, "attempt", 1, 3)
    reply = await voice.choose(form, attempt, now(), *_services())
    if reply.start_pipeline:
        await ensure_pipeline(client, form.CallSid)
    return await _spoken(reply.steps)


@bp.route(route="voice/problem", methods=["POST"])
@bp.durable_client_input(client_name="client")
@twilio_webhook(conversation=True)
async def voice_problem(req: func.HttpRequest, form: TwilioForm, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    attempt = int_param(req, "attempt", 1, 3)
    reply = await voice.hear_problem(form, attempt, now(), *_services())
    if reply.start_pipeline:
        await ensure_pipeline(client, form.CallSid)
    return await _spoken(reply.steps)


@bp.route(route="voice/wait", methods=["POST"])
@bp.durable_client_input(client_name="client")
@twilio_webhook(conversation=True, pipeline_started=True)
async def voice_wait(req: func.HttpRequest, form: TwilioForm, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    progress = await _ticket_progress(client, form.CallSid)
    round_ = int_param(req, "round", 0, voice.MAX_WAIT_ROUNDS)
    return await _spoken(await voice.wait_for_ticket(form, round_, progress, now(), *_services()))


async def _ticket_progress(client: df.DurableOrchestrationClient, call_sid: str) -> dict | None:
    """The pipeline's custom status once it names the ticket or gives up on it, looking again for a few seconds
    first: Twilio waits up to 15 s for an answer, and a caller hears the number sooner than through another
    one-second <Pause>."""
    deadline = asyncio.get_running_loop().time() + HOLD_SECONDS
    while True:
        status = await client.get_status(call_sid)
        progress = status.custom_status if status and isinstance(status.custom_status, dict) else None
        finished = status.runtime_status not in (None, df.OrchestrationRuntimeStatus.Running,
                                                 df.OrchestrationRuntimeStatus.Pending)
        if finished or (progress and (progress.get("ticket") or progress.get("step") == "review")):
            return progress
        if asyncio.get_running_loop().time() >= deadline:
            return progress
        await asyncio.sleep(0.1)


@bp.route(route="voice/status", methods=["POST"])
@bp.durable_client_input(client_name="client")
@twilio_webhook(conversation=True)
async def voice_status(req: func.HttpRequest, form: TwilioForm, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    return await _spoken(await voice.tell_status(form, now(), *_services()))


@bp.route(route="voice/recording", methods=["POST"])
@bp.durable_client_input(client_name="client")
@twilio_webhook(conversation=False)
async def voice_recording(req: func.HttpRequest, form: TwilioForm, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """Twilio's recordingStatusCallback: keep where the recording is and wake the call's pipeline."""
    settings, uow = _services()
    if await voice.recording_arrived(form, now(), settings, uow):
        await ensure_pipeline(client, form.CallSid)
        await raise_recording_event(client, form.CallSid, form.RecordingSid)
    return func.HttpResponse(status_code=204)


@bp.route(route="voice/call-status", methods=["POST"])
@bp.durable_client_input(client_name="client")
@twilio_webhook(conversation=False)
async def voice_call_status(req: func.HttpRequest, form: TwilioForm, client: df.DurableOrchestrationClient) -> func.HttpResponse:
    """Twilio's statusCallback: every call is kept with its end; a report whose caller hung up before Twilio
    heard them still goes through the pipeline, from the recording."""
    settings, uow = _services()
    if await voice.call_status_changed(form, now(), settings, uow):
        await ensure_pipeline(client, form.CallSid)
    return func.HttpResponse(status_code=204)
