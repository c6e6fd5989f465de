"""`/api/dashboard`: the agents' landing page in one aggregate answer."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import endpoint, json_response, now, query
from domain.auth import Principal
from domain.bootstrap import services
from domain.schemas.dashboard import DashboardQuery
from domain.services.dashboard import dashboard

bp = df.Blueprint()


@bp.route(route="dashboard", methods=["GET"])
@endpoint("tickets:read")
async def get_dashboard(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    desk = services()
    asked = query(req, DashboardQuery)
    return json_response(200, await dashboard(asked.tz, now(), desk.uow(), desk.settings.OUTAGE_MEDIUM_IMPACT_CALLERS))
