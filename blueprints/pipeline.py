"""The durable `call_to_ticket` orchestration: one activity per step, each retried; a call always ends in a ticket."""
from __future__ import annotations

import logging
from collections.abc import Generator
from datetime import timedelta
from typing import Any

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import now
from domain.analysis import Analysis
from domain.bootstrap import services
from domain.errors import AtiendeError
from domain.services import outages, pipeline, similar

bp = df.Blueprint()
log = logging.getLogger(__name__)

ORCHESTRATOR = "call_to_ticket"
RECORDING_EVENT = "recording_completed"
# Three tries, two seconds apart: long enough to ride out a blip of a provider, short enough that a caller
# still on the line hears the number.
RETRY = df.RetryOptions(first_retry_interval_in_milliseconds=2000, max_number_of_attempts=3)


async def ensure_pipeline(client: df.DurableOrchestrationClient, call_sid: str) -> None:
    """Start the call's orchestration unless it exists: its instance id is the CallSid, so however many
    webhooks ask, one call has one pipeline."""
    if await client.get_status(call_sid):
        return
    wait = services().settings.RECORDING_WAIT_MINUTES
    try:
        await client.start_new(ORCHESTRATOR, call_sid, {"call_sid": call_sid, "recording_wait_minutes": wait})
    except Exception:
        # Another webhook started it in between; anything else is a real failure.
        if not await client.get_status(call_sid):
            raise


async def raise_recording_event(client: df.DurableOrchestrationClient, call_sid: str,
                                recording_sid: str | None) -> None:
    """Tell the call's pipeline its recording is ready. A pipeline that has already finished (a repeated
    callback, or one that gave up waiting) has no use for it."""
    running = (df.OrchestrationRuntimeStatus.Running, df.OrchestrationRuntimeStatus.Pending)
    if (await client.get_status(call_sid)).runtime_status not in running:
        return
    try:
        await client.raise_event(call_sid, RECORDING_EVENT, {"recording_sid": recording_sid})
    except Exception:
        if (await client.get_status(call_sid)).runtime_status in running:
            raise


@bp.orchestration_trigger(context_name="context")
def call_to_ticket(context: df.DurableOrchestrationContext) -> Generator[Any, Any, dict[str, Any]]:
    job = context.get_input()
    sid = job["call_sid"]
    progress: dict[str, Any] = {"step": "started", "ticket": None, "joined": False}
    review: str | None = None
    notified = False
    try:
        begun = yield _step(context, progress, "started", "begin_call_pipeline", {"call_sid": sid})
        if begun.get("ticket"):  # joined a major incident from the menu: nothing to record or analyze
            progress.update(ticket=begun["ticket"], joined=True)
            yield _step(context, progress, "notify", "notify_caller", {"call_sid": sid})
            yield context.call_activity_with_retry("finish_call_pipeline", RETRY, {"call_sid": sid, "status": "completed"})
            return progress
        has_speech = begun["has_speech"]
        if not has_speech:
            review = yield from _take_recording(context, progress, job, has_speech)
        analysis = yield _step(context, progress, "analyze", "analyze_call", {"call_sid": sid})
        if not analysis["description"]:
            review = review or "nothing the caller said could be made out"
        candidate = yield _step(context, progress, "find_duplicate", "find_same_problem",
                                {"call_sid": sid, "analysis": analysis})
        made = yield _step(context, progress, "create_or_join", "create_or_join",
                           {"call_sid": sid, "analysis": analysis, "candidate": candidate})
        progress.update(made)
        yield _step(context, progress, "notify", "notify_caller", {"call_sid": sid})
        notified = True
        if has_speech:
            review = yield from _take_recording(context, progress, job, has_speech)
            if review is None:
                yield _step(context, progress, "improve_ticket", "improve_ticket", {"call_sid": sid})
    except Exception as err:  # noqa: BLE001 - a step that failed for good still ends in a ticket
        review = f"the {progress['step']} step failed ({str(err).strip()[:200]})"
    if review:
        made = yield _step(context, progress, "review", "mark_call_for_review", {"call_sid": sid, "reason": review})
        progress.update(made)
        context.set_custom_status(dict(progress))
        if not notified:
            try:
                yield context.call_activity_with_retry("notify_caller", RETRY, {"call_sid": sid})
            except Exception:  # noqa: BLE001 - the ticket is made; a lost SMS is logged by the activity's failure
                pass
    yield context.call_activity_with_retry("finish_call_pipeline", RETRY, {"call_sid": sid, "status": "completed"})
    return progress


def _take_recording(context: df.DurableOrchestrationContext, progress: dict[str, Any], job: dict[str, Any],
                    has_speech: bool) -> Generator[Any, Any, str | None]:
    """Wait for Twilio's recording (or the time limit), keep it and transcribe it; a reason for review, or None."""
    sid = job["call_sid"]
    progress["step"] = "wait_recording"
    context.set_custom_status(dict(progress))
    arrived = context.wait_for_external_event(RECORDING_EVENT)
    limit = context.create_timer(context.current_utc_datetime + timedelta(minutes=job["recording_wait_minutes"]))
    winner = yield context.task_any([arrived, limit])
    if winner is arrived:
        limit.cancel()
    stored = yield _step(context, progress, "store_recording", "store_recording", {"call_sid": sid})
    if not stored:
        return "no recording arrived"
    try:
        yield _step(context, progress, "transcribe", "transcribe_recording", {"call_sid": sid, "offline_only": False})
    except Exception:  # noqa: BLE001 - the provider is down for good; keep what we have
        if not has_speech:
            yield _step(context, progress, "transcribe", "transcribe_recording", {"call_sid": sid, "offline_only": True})
        return "the transcription provider failed"
    return None


def _step(context: df.DurableOrchestrationContext, progress: dict[str, Any], step: str, activity: str,
          payload: dict[str, Any]) -> df.Task:
    progress["step"] = step
    context.set_custom_status(dict(progress))
    return context.call_activity_with_retry(activity, RETRY, payload)


@bp.activity_trigger(input_name="job")
async def begin_call_pipeline(job: dict[str, Any]) -> dict[str, Any]:
    return await pipeline.begin(job["call_sid"], now(), services().uow())


@bp.activity_trigger(input_name="job")
async def store_recording(job: dict[str, Any]) -> str | None:
    desk = services()
    return await pipeline.store_recording(job["call_sid"], now(), desk.settings, desk.uow(), desk.telephony, desk.blobs)


@bp.activity_trigger(input_name="job")
async def transcribe_recording(job: dict[str, Any]) -> str | None:
    desk = services()
    return await pipeline.transcribe_recording(job["call_sid"], job["offline_only"], now(), desk.settings,
                                                 desk.uow(), desk.blobs, desk.transcriber,
                                                 desk.offline_transcriber)


@bp.activity_trigger(input_name="job")
async def analyze_call(job: dict[str, Any]) -> dict[str, Any]:
    desk = services()
    settings = desk.settings

    async def suggest(short_description: str, description: str) -> dict[str, Any]:
        return await similar.triage(short_description, description, settings, desk.uow(), desk.embedder,
                                    desk.vector_index, desk.triager, desk.triage_models)

    return await pipeline.analyze_call(job["call_sid"], now(), settings, desk.uow(), desk.analyzer, suggest)


@bp.activity_trigger(input_name="job")
async def find_same_problem(job: dict[str, Any]) -> str | None:
    desk = services()
    return await pipeline.find_same_problem(job["call_sid"], Analysis(**job["analysis"]), now(), desk.uow(),
                                              desk.duplicate_finder)


@bp.activity_trigger(input_name="job")
async def create_or_join(job: dict[str, Any]) -> dict[str, Any]:
    desk = services()
    return await pipeline.create_or_join(job["call_sid"], Analysis(**job["analysis"]), job["candidate"], now(),
                                           desk.settings, desk.uow(), desk.duplicate_finder)


@bp.activity_trigger(input_name="job")
async def notify_caller(job: dict[str, Any]) -> str:
    desk = services()
    return await pipeline.notify_caller(job["call_sid"], now(), desk.uow(), desk.telephony)


@bp.activity_trigger(input_name="job")
async def improve_ticket(job: dict[str, Any]) -> bool:
    desk = services()
    return await pipeline.improve_ticket(job["call_sid"], now(), desk.settings, desk.uow(), desk.analyzer)


@bp.activity_trigger(input_name="job")
async def mark_call_for_review(job: dict[str, Any]) -> dict[str, Any]:
    desk = services()
    return await pipeline.mark_for_review(job["call_sid"], job["reason"], now(), desk.settings,
                                            desk.uow(), desk.analyzer)


@bp.activity_trigger(input_name="job")
async def finish_call_pipeline(job: dict[str, Any]) -> None:
    await pipeline.finish(job["call_sid"], job["status"], now(), services().uow())


@bp.timer_trigger(schedule="*/10 * * * * *", arg_name="timer", run_on_startup=False)
async def tell_callers_outage_resolved(timer: func.TimerRequest) -> None:
    """Every ten seconds: the callers of a resolved problem many shared hear that it is resolved, by SMS."""
    desk = services()
    try:
        sent = await outages.tell_callers_resolved(now(), desk.uow(), desk.telephony)
    except AtiendeError as err:
        log.warning("resolved outages wait to be told: %s", err)
        return
    if sent:
        log.info("told %d callers their shared problem is resolved", sent)
