"""`/api/health` (no authentication) and `/api/openapi.json`."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import endpoint, json_response
from blueprints._openapi import document
from domain.auth import Principal
from domain.bootstrap import services
from domain.services.health import check_health

bp = df.Blueprint()


@bp.route(route="health", methods=["GET"])
@endpoint(None)
async def health(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    made = services()
    report = await check_health(made.uow, lambda: made.vector_index, lambda: made.triage_models)
    return json_response(200 if report.status == "ok" else 503, report)


@bp.route(route="openapi.json", methods=["GET"])
@endpoint(None)
async def openapi(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, document(services().settings.PUBLIC_BASE_URL))
