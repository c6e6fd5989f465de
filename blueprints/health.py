"""`/api/health` (no authentication) and `/api/openapi.json`."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import endpoint, json_response
from blueprints._openapi import document
from domain import bootstrap
from domain.auth import Principal
from domain.services.health import check_health
from domain.store.statements import run_now

bp = df.Blueprint()


@bp.route(route="health", methods=["GET"])
@endpoint(None)
def health(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    report = run_now(check_health(bootstrap.uow, bootstrap.vector_index, bootstrap.triage_models))
    return json_response(200 if report.status == "ok" else 503, report)


@bp.route(route="openapi.json", methods=["GET"])
@endpoint(None)
def openapi(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, document(bootstrap.settings().PUBLIC_BASE_URL))
