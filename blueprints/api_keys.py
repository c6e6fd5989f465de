"""`/api/api-keys`: admins create, list and revoke integrators' keys."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, json_response
from domain.auth import Principal
from domain.bootstrap import services
from domain.schemas.access import ApiKeyIn, ApiKeyList
from domain.services import api_keys

bp = df.Blueprint()


@bp.route(route="api-keys", methods=["POST"])
@endpoint("api_keys:manage")
async def create_api_key(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(201, await api_keys.create_api_key(body(req, ApiKeyIn), who, services().uow()))


@bp.route(route="api-keys", methods=["GET"])
@endpoint("api_keys:manage")
async def list_api_keys(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, ApiKeyList(items=await api_keys.list_api_keys(services().uow())))


@bp.route(route="api-keys/{id:int}", methods=["DELETE"])
@endpoint("api_keys:manage")
async def revoke_api_key(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    uow = services().uow()
    return json_response(200, await api_keys.revoke_api_key(int(req.route_params["id"]), who, uow))
