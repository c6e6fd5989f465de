"""`/api/tickets`: create, read, update, list, comment on tickets; and the timer that closes resolved ones."""
from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, disposition, endpoint, etag, header, if_match, json_response, now, query
from domain.auth import Principal
from domain.bootstrap import services
from domain.schemas.similar import SimilarQuery
from domain.schemas.tickets import (
    ActivityPage,
    ChangesOut,
    ChangesQuery,
    CommentIn,
    ExportQuery,
    MarkDuplicateIn,
    TicketCreate,
    TicketPatch,
    TicketQuery,
)
from domain.services import changes, exports, similar, tickets
from domain.services.idempotency import check_key

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.route(route="tickets", methods=["POST"])
@endpoint("tickets:write")
async def create_ticket(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    desk = services()
    key = check_key(req.headers.get("idempotency-key"))
    data = body(req, TicketCreate)
    status, ticket, replayed = await tickets.create_ticket(data, who, key, now(), desk.settings, desk.uow())
    headers = {**etag(ticket["version"]), "Location": f"/api/tickets/{ticket['number']}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    candidates = await similar.candidates_for_new(ticket["number"], ticket["short_description"], ticket["description"],
                                                  now(), desk.settings, desk.uow(), desk.embedder, desk.vector_index)
    return json_response(status, {**ticket, "duplicate_candidates": candidates}, headers)


@bp.route(route="tickets", methods=["GET"])
@endpoint("tickets:read")
async def list_tickets(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    desk = services()
    uow = desk.uow()
    page = await tickets.list_tickets(query(req, TicketQuery), who, now(), desk.settings, uow)
    return json_response(200, page)


@bp.route(route="tickets.csv", methods=["GET"])
@endpoint("tickets:read")
async def export_tickets(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """The list view as CSV: the list's filters, view and sort, every matching row up to EXPORT_MAX_ROWS."""
    desk = services()
    export = await exports.export_tickets(query(req, ExportQuery), who, now(), desk.settings, desk.uow())
    headers = {"Content-Disposition": disposition("attachment", export.filename), "Cache-Control": "no-store",
               "X-Content-Type-Options": "nosniff", "X-Export-Rows": str(export.rows),
               "X-Export-Truncated": "true" if export.truncated else "false"}
    return func.HttpResponse(export.body, status_code=200, mimetype="text/csv", charset="utf-8", headers=headers)


@bp.route(route="tickets/{number}", methods=["GET"])
@endpoint("tickets:read")
async def get_ticket(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    ticket = await tickets.get_ticket(req.route_params["number"], now(), services().uow())
    return json_response(200, ticket, etag(ticket.version))


@bp.route(route="tickets/{number}", methods=["PATCH"])
@endpoint("tickets:write")
async def update_ticket(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    expected = if_match(req)
    patch = body(req, TicketPatch)
    uow = services().uow()
    ticket = await tickets.update_ticket(req.route_params["number"], patch, expected, who, now(), uow)
    return json_response(200, ticket, etag(ticket.version))


@bp.route(route="tickets/{number}/similar", methods=["GET"])
@endpoint("tickets:read")
async def similar_tickets(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    desk = services()
    k = query(req, SimilarQuery).k
    items = await similar.similar_tickets(req.route_params["number"], k, desk.uow(), desk.embedder, desk.vector_index)
    return json_response(200, {"items": items})


@bp.route(route="tickets/{number}/mark-duplicate", methods=["POST"])
@endpoint("tickets:write")
async def mark_duplicate(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    original = body(req, MarkDuplicateIn).of
    ticket = await tickets.mark_duplicate(req.route_params["number"], original, who, now(), services().uow())
    return json_response(200, ticket, etag(ticket.version))


@bp.route(route="tickets/{number}/comments", methods=["POST"])
@endpoint("tickets:write")
async def add_comment(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    comment = body(req, CommentIn)
    entry = await tickets.add_comment(req.route_params["number"], comment, who, now(), services().uow())
    return json_response(201, entry)


@bp.route(route="tickets/{number}/activity", methods=["GET"])
@endpoint("tickets:read")
async def list_activity(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    items = await tickets.list_activity(req.route_params["number"], services().uow())
    return json_response(200, ActivityPage(items=items))


@bp.timer_trigger(schedule="0 */15 * * * *", arg_name="timer", run_on_startup=False)
async def close_resolved_tickets(timer: func.TimerRequest) -> None:
    desk = services()
    closed = await tickets.close_resolved_tickets(now(), desk.settings, desk.uow())
    if closed:
        log.info("closed %s resolved tickets", len(closed), extra={"tickets": closed})


@bp.route(route="changes", methods=["GET"])
@endpoint("tickets:read")
async def desk_changes(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """Polled by the web app every few seconds: an unchanged desk costs a 304 and two index probes."""
    uow = services().uow()
    wanted = query(req, ChangesQuery)
    seen = header(req, "if-none-match")
    if seen is not None:
        tag = await changes.desk_tag(uow)
        if seen.strip() == f'"{tag}"':
            return func.HttpResponse(status_code=304, headers={"ETag": f'"{tag}"', "Cache-Control": "no-cache"})
    found = ChangesOut.model_validate(await changes.since(wanted.after, uow))
    return json_response(200, found, {"ETag": f'"{found.tag}"', "Cache-Control": "no-cache"})
