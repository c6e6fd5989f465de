"""`/api/calls`: phone calls with their transcripts, pipeline and recording, for agents and integrators."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import endpoint, json_response, query
from domain import bootstrap
from domain.auth import Principal
from domain.schemas.calls import CallQuery
from domain.services import calls
from domain.store.statements import run_now

bp = df.Blueprint()


@bp.route(route="calls", methods=["GET"])
@endpoint("tickets:read")
async def list_calls(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, await calls.list_calls(query(req, CallQuery), await bootstrap.async_uow()))


@bp.route(route="calls/{sid}", methods=["GET"])
@endpoint("tickets:read")
def get_call(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    call = run_now(calls.get_call(req.route_params["sid"], bootstrap.settings(), bootstrap.uow(), bootstrap.blobs()))
    return json_response(200, call)


@bp.route(route="calls/{sid}/recording", methods=["GET"])
@endpoint("tickets:read")
def get_call_recording(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    audio = run_now(calls.recording_audio(req.route_params["sid"], bootstrap.settings(), bootstrap.uow(),
                                          bootstrap.blobs()))
    return func.HttpResponse(audio, status_code=200, mimetype="audio/wav",
                             headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})
