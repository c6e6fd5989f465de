"""`/api/calls`: phone calls with their transcripts, pipeline and recording, for agents and integrators."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import endpoint, json_response, query
from domain.auth import Principal
from domain.bootstrap import services
from domain.schemas.calls import CallQuery
from domain.services import calls

bp = df.Blueprint()


@bp.route(route="calls", methods=["GET"])
@endpoint("tickets:read")
async def list_calls(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, await calls.list_calls(query(req, CallQuery), services().uow()))


@bp.route(route="calls/{sid}", methods=["GET"])
@endpoint("tickets:read")
async def get_call(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    desk = services()
    call = await calls.get_call(req.route_params["sid"], desk.settings, desk.uow(), desk.blobs)
    return json_response(200, call)


@bp.route(route="calls/{sid}/recording", methods=["GET"])
@endpoint("tickets:read")
async def get_call_recording(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    desk = services()
    audio = await calls.recording_audio(req.route_params["sid"], desk.settings, desk.uow(), desk.blobs)
    return func.HttpResponse(audio, status_code=200, mimetype="audio/wav",
                             headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})
