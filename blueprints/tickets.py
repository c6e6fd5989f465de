"""`/api/tickets`: create, read, update, list, comment on tickets; and the timer that closes resolved ones."""
from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, etag, if_match, json_response, now, query
from domain import bootstrap
from domain.auth import Principal
from domain.schemas import (
    ActivityPage, CommentIn, MarkDuplicateIn, SimilarQuery, TicketCreate, TicketPatch, TicketQuery,
)
from domain.services import similar, tickets
from domain.services.idempotency import check_key

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.route(route="tickets", methods=["POST"])
@endpoint("tickets:write")
def create_ticket(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    key = check_key(req.headers.get("idempotency-key"))
    data = body(req, TicketCreate)
    status, ticket, replayed = tickets.create_ticket(data, who, key, now(), bootstrap.settings(), bootstrap.uow())
    headers = {**etag(ticket["version"]), "Location": f"/api/tickets/{ticket['number']}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    candidates = similar.candidates_for_new(ticket, bootstrap.settings(), bootstrap.uow(), bootstrap.embedder(),
                                            bootstrap.vector_index())
    return json_response(status, {**ticket, "duplicate_candidates": candidates}, headers)


@bp.route(route="tickets", methods=["GET"])
@endpoint("tickets:read")
def list_tickets(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    page = tickets.list_tickets(query(req, TicketQuery), who, now(), bootstrap.settings(), bootstrap.uow())
    return json_response(200, page)


@bp.route(route="tickets/{number}", methods=["GET"])
@endpoint("tickets:read")
def get_ticket(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    ticket = tickets.get_ticket(req.route_params["number"], now(), bootstrap.uow())
    return json_response(200, ticket, etag(ticket.version))


@bp.route(route="tickets/{number}", methods=["PATCH"])
@endpoint("tickets:write")
def update_ticket(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    expected = if_match(req)
    patch = body(req, TicketPatch)
    ticket = tickets.update_ticket(req.route_params["number"], patch, expected, who, now(), bootstrap.uow())
    return json_response(200, ticket, etag(ticket.version))


@bp.route(route="tickets/{number}/similar", methods=["GET"])
@endpoint("tickets:read")
def similar_tickets(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    k = query(req, SimilarQuery).k
    items = similar.similar_tickets(req.route_params["number"], k, bootstrap.uow(), bootstrap.embedder(),
                                    bootstrap.vector_index())
    return json_response(200, {"items": items})


@bp.route(route="tickets/{number}/mark-duplicate", methods=["POST"])
@endpoint("tickets:write")
def mark_duplicate(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    original = body(req, MarkDuplicateIn).of
    ticket = tickets.mark_duplicate(req.route_params["number"], original, who, now(), bootstrap.uow())
    return json_response(200, ticket, etag(ticket.version))


@bp.route(route="tickets/{number}/comments", methods=["POST"])
@endpoint("tickets:write")
def add_comment(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    entry = tickets.add_comment(req.route_params["number"], body(req, CommentIn), who, now(), bootstrap.uow())
    return json_response(201, entry)


@bp.route(route="tickets/{number}/activity", methods=["GET"])
@endpoint("tickets:read")
def list_activity(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    items = tickets.list_activity(req.route_params["number"], bootstrap.uow())
    return json_response(200, ActivityPage(items=items))


@bp.timer_trigger(schedule="0 */15 * * * *", arg_name="timer", run_on_startup=False)
def close_resolved_tickets(timer: func.TimerRequest) -> None:
    closed = tickets.close_resolved_tickets(now(), bootstrap.settings(), bootstrap.uow())
    if closed:
        log.info("closed %s resolved tickets", len(closed), extra={"tickets": closed})
