"""`/api/roles`: the `rolesSource` Static Web Apps calls at sign-in, mapping Entra ID app roles to ours."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, json_response
from domain.auth import Principal
from domain.roles import roles_from_claims
from domain.schemas.access import RolesOut, RolesRequest

bp = df.Blueprint()


@bp.route(route="roles", methods=["POST"])
@endpoint(None)
async def assign_roles(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    # Answers only from the claims it is given and grants nothing by itself: Static Web Apps asks it
    # while signing a user in, and uses the answer for that session alone.
    request = body(req, RolesRequest)
    return json_response(200, RolesOut(roles=roles_from_claims((c.typ, c.val) for c in request.claims)))
