"""`/api/search` and `/api/triage`: tickets by meaning and by words, suggestions for a new ticket; and the timer
that keeps the vector index current."""
from __future__ import annotations

import logging
from datetime import timedelta

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, json_response, now, query
from domain import bootstrap
from domain.auth import Principal
from domain.errors import AtiendeError
from domain.schemas.similar import SearchQuery, TriageIn, TriageQuality
from domain.services import articles, indexing, learning, similar
from domain.store.statements import run_now

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.route(route="search", methods=["GET"])
@endpoint("tickets:read")
def search(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    asked = query(req, SearchQuery)
    found = run_now(similar.search(asked.q, asked.k, bootstrap.uow(), bootstrap.embedder(), bootstrap.vector_index(),
                                   bootstrap.triage_models()))
    return json_response(200, found)


@bp.route(route="triage", methods=["POST"])
@endpoint("tickets:read")
def triage(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """Suggestions for a ticket being written: nothing is stored."""
    draft = body(req, TriageIn)
    suggested = run_now(similar.triage(draft.short_description, draft.description, bootstrap.settings(),
                                       bootstrap.uow(), bootstrap.embedder(), bootstrap.vector_index(),
                                       bootstrap.triager(), bootstrap.triage_models()))
    return json_response(200, suggested)


@bp.route(route="triage/quality", methods=["GET"])
@endpoint("reference:write")
def triage_quality(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """What the last training measured on the desk's own held-out tickets."""
    return json_response(200, TriageQuality(**learning.quality(bootstrap.triage_models())))


@bp.timer_trigger(schedule="*/5 * * * * *", arg_name="timer", run_on_startup=False)
def index_changed_tickets(timer: func.TimerRequest) -> None:
    """Drain the index outbox: a few batches a run, so one run never outlives the next. Tickets that changed
    also make triage's classifier due for training (at most every TRIAGE_TRAINING_INTERVAL_SECONDS)."""
    settings, models = bootstrap.settings(), bootstrap.triage_models()
    try:
        for _ in range(8):
            done = run_now(indexing.index_pending(bootstrap.uow(), bootstrap.embedder(), bootstrap.vector_index()))
            if done == 0:
                break
            models.mark_changed()
        run_now(articles.index_pending_articles(bootstrap.uow(), bootstrap.embedder(), bootstrap.vector_index()))
        run_now(learning.train_if_due(bootstrap.uow(), models, bootstrap.vector_index(), bootstrap.embedder(),
                                      settings.TRIAGE_TRAINING_TICKETS, settings.TRIAGE_FILL_PRECISION,
                                      timedelta(seconds=settings.TRIAGE_TRAINING_INTERVAL_SECONDS),
                                      settings.TRIAGE_RETRAIN_GROWTH, now()))
    except AtiendeError as err:
        log.warning("tickets wait for the vector index: %s", err)
