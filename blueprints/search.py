"""`/api/search` and `/api/triage`: tickets by meaning and by words, suggestions for a new ticket; and the timer
that keeps the vector index current."""
from __future__ import annotations

import logging
from datetime import timedelta

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, json_response, now, query
from domain.auth import Principal
from domain.bootstrap import services
from domain.errors import AtiendeError
from domain.schemas.similar import SearchQuery, TriageIn, TriageQuality
from domain.services import articles, indexing, learning, similar

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.route(route="search", methods=["GET"])
@endpoint("tickets:read")
async def search(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    desk = services()
    asked = query(req, SearchQuery)
    found = await similar.search(asked.q, asked.k, desk.uow(), desk.embedder, desk.vector_index, desk.triage_models)
    return json_response(200, found)


@bp.route(route="triage", methods=["POST"])
@endpoint("tickets:read")
async def triage(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """Suggestions for a ticket being written: nothing is stored."""
    desk = services()
    draft = body(req, TriageIn)
    suggested = await similar.triage(draft.short_description, draft.description, desk.settings,
                                       desk.uow(), desk.embedder, desk.vector_index,
                                       desk.triager, desk.triage_models)
    return json_response(200, suggested)


@bp.route(route="triage/quality", methods=["GET"])
@endpoint("reference:write")
async def triage_quality(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """What the last training measured on the desk's own held-out tickets."""
    return json_response(200, TriageQuality(**await learning.quality(services().triage_models)))


@bp.timer_trigger(schedule="*/5 * * * * *", arg_name="timer", run_on_startup=False)
async def index_changed_tickets(timer: func.TimerRequest) -> None:
    """Drain the index outbox: a few batches a run, so one run never outlives the next. Tickets that changed
    also make triage's classifier due for training (at most every TRIAGE_TRAINING_INTERVAL_SECONDS)."""
    desk = services()
    settings, models = desk.settings, desk.triage_models
    try:
        for _ in range(8):
            done = await indexing.index_pending(desk.uow(), desk.embedder, desk.vector_index)
            if done == 0:
                break
            await models.mark_changed()
        await articles.index_pending_articles(desk.uow(), desk.embedder, desk.vector_index)
        await learning.train_if_due(desk.uow(), models, desk.vector_index, desk.embedder,
                                      settings.TRIAGE_TRAINING_TICKETS, settings.TRIAGE_FILL_PRECISION,
                                      timedelta(seconds=settings.TRIAGE_TRAINING_INTERVAL_SECONDS),
                                      settings.TRIAGE_RETRAIN_GROWTH, now())
    except AtiendeError as err:
        log.warning("tickets wait for the vector index: %s", err)
