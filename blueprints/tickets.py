"""`/api/tickets`: create, read, update, list, comment on tickets; and the timer that closes resolved ones.

Doors that only read or write PostgreSQL are async; creating a ticket and finding similar ones also embed text
and ask Redis, so those run on the worker's threads."""
from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, etag, if_match, json_response, now, query
from domain import bootstrap
from domain.auth import Principal
from domain.schemas.similar import SimilarQuery
from domain.schemas.tickets import ActivityPage, CommentIn, MarkDuplicateIn, TicketCreate, TicketPatch, TicketQuery
from domain.services import similar, tickets
from domain.services.idempotency import check_key
from domain.store.statements import run_now

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.route(route="tickets", methods=["POST"])
@endpoint("tickets:write")
def create_ticket(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    key = check_key(req.headers.get("idempotency-key"))
    data = body(req, TicketCreate)
    status, ticket, replayed = run_now(tickets.create_ticket(data, who, key, now(), bootstrap.settings(),
                                                             bootstrap.uow()))
    headers = {**etag(ticket["version"]), "Location": f"/api/tickets/{ticket['number']}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    candidates = run_now(similar.candidates_for_new(ticket, bootstrap.settings(), bootstrap.uow(), bootstrap.embedder(),
                                                    bootstrap.vector_index()))
    return json_response(status, {**ticket, "duplicate_candidates": candidates}, headers)


@bp.route(route="tickets", methods=["GET"])
@endpoint("tickets:read")
async def list_tickets(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    uow = await bootstrap.async_uow()
    page = await tickets.list_tickets(query(req, TicketQuery), who, now(), bootstrap.settings(), uow)
    return json_response(200, page)


@bp.route(route="tickets/{number}", methods=["GET"])
@endpoint("tickets:read")
async def get_ticket(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    ticket = await tickets.get_ticket(req.route_params["number"], now(), await bootstrap.async_uow())
    return json_response(200, ticket, etag(ticket.version))


@bp.route(route="tickets/{number}", methods=["PATCH"])
@endpoint("tickets:write")
async def update_ticket(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    expected = if_match(req)
    patch = body(req, TicketPatch)
    uow = await bootstrap.async_uow()
    ticket = await tickets.update_ticket(req.route_params["number"], patch, expected, who, now(), uow)
    return json_response(200, ticket, etag(ticket.version))


@bp.route(route="tickets/{number}/similar", methods=["GET"])
@endpoint("tickets:read")
def similar_tickets(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    k = query(req, SimilarQuery).k
    items = run_now(similar.similar_tickets(req.route_params["number"], k, bootstrap.uow(), bootstrap.embedder(),
                                            bootstrap.vector_index()))
    return json_response(200, {"items": items})


@bp.route(route="tickets/{number}/mark-duplicate", methods=["POST"])
@endpoint("tickets:write")
async def mark_duplicate(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    original = body(req, MarkDuplicateIn).of
    ticket = await tickets.mark_duplicate(req.route_params["number"], original, who, now(), await bootstrap.async_uow())
    return json_response(200, ticket, etag(ticket.version))


@bp.route(route="tickets/{number}/comments", methods=["POST"])
@endpoint("tickets:write")
async def add_comment(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    comment = body(req, CommentIn)
    entry = await tickets.add_comment(req.route_params["number"], comment, who, now(), await bootstrap.async_uow())
    return json_response(201, entry)


@bp.route(route="tickets/{number}/activity", methods=["GET"])
@endpoint("tickets:read")
async def list_activity(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    items = await tickets.list_activity(req.route_params["number"], await bootstrap.async_uow())
    return json_response(200, ActivityPage(items=items))


@bp.timer_trigger(schedule="0 */15 * * * *", arg_name="timer", run_on_startup=False)
def close_resolved_tickets(timer: func.TimerRequest) -> None:
    closed = run_now(tickets.close_resolved_tickets(now(), bootstrap.settings(), bootstrap.uow()))
    if closed:
        log.info("closed %s resolved tickets", len(closed), extra={"tickets": closed})
