"""`/api/canned-replies`: replies admins keep per language and group; and one filled in for a ticket."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, etag, if_match, json_response, now, query
from domain.auth import Principal
from domain.bootstrap import services
from domain.schemas.replies import CannedReplyIn, CannedReplyList, CannedReplyPatch, CannedReplyQuery
from domain.services import canned_replies

bp = df.Blueprint()


@bp.route(route="canned-replies", methods=["GET"])
@endpoint("tickets:read")
async def list_canned_replies(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    asked = query(req, CannedReplyQuery)
    found = await canned_replies.list_replies(asked.language, asked.assignment_group, who, services().uow())
    return json_response(200, CannedReplyList(items=found))


@bp.route(route="canned-replies", methods=["POST"])
@endpoint("reference:write")
async def create_canned_reply(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    reply = await canned_replies.create_reply(body(req, CannedReplyIn), who, now(), services().uow())
    return json_response(201, reply, {**etag(reply.version), "Location": f"/api/canned-replies/{reply.id}"})


@bp.route(route="canned-replies/{id:int}", methods=["GET"])
@endpoint("tickets:read")
async def get_canned_reply(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    reply = await canned_replies.get_reply(int(req.route_params["id"]), who, services().uow())
    return json_response(200, reply, etag(reply.version))


@bp.route(route="canned-replies/{id:int}", methods=["PATCH"])
@endpoint("reference:write")
async def update_canned_reply(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    expected = if_match(req)
    reply = await canned_replies.update_reply(int(req.route_params["id"]), body(req, CannedReplyPatch), expected,
                                              who, now(), services().uow())
    return json_response(200, reply, etag(reply.version))


@bp.route(route="canned-replies/{id:int}", methods=["DELETE"])
@endpoint("reference:write")
async def delete_canned_reply(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    await canned_replies.delete_reply(int(req.route_params["id"]), services().uow())
    return func.HttpResponse(status_code=204, headers={"Cache-Control": "no-store"})


@bp.route(route="tickets/{number}/canned-replies/{id:int}/render", methods=["GET"])
@endpoint("tickets:read")
async def render_canned_reply(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """The reply's text for this ticket and the signed-in agent; nothing is written."""
    rendered = await canned_replies.render_reply(req.route_params["number"], int(req.route_params["id"]), who,
                                                 services().uow())
    return json_response(200, rendered)
