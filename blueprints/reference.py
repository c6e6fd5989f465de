"""Reference data: `/api/groups`, `/api/categories`, `/api/sla-targets` and `/api/contacts`."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, json_response, query
from domain import bootstrap
from domain.auth import Principal
from domain.schemas import CategoryIn, CategoryList, ContactList, ContactQuery, GroupIn, GroupList, SlaTargetIn, SlaTargetList
from domain.services import reference

bp = df.Blueprint()


@bp.route(route="groups", methods=["POST"])
@endpoint("reference:write")
def create_group(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(201, reference.add_group(body(req, GroupIn), bootstrap.uow()))


@bp.route(route="groups", methods=["GET"])
@endpoint("reference:read")
def list_groups(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, GroupList(items=reference.list_groups(bootstrap.uow())))


@bp.route(route="categories", methods=["POST"])
@endpoint("reference:write")
def create_category(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(201, reference.add_category(body(req, CategoryIn), bootstrap.uow()))


@bp.route(route="categories", methods=["GET"])
@endpoint("reference:read")
def list_categories(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, CategoryList(items=reference.list_categories(bootstrap.uow())))


@bp.route(route="sla-targets", methods=["GET"])
@endpoint("reference:read")
def list_sla_targets(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, SlaTargetList(items=reference.list_sla_targets(bootstrap.uow())))


@bp.route(route="sla-targets/{priority:int}", methods=["PUT"])
@endpoint("reference:write")
def set_sla_target(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    target = reference.set_sla_target(int(req.route_params["priority"]), body(req, SlaTargetIn), bootstrap.uow())
    return json_response(200, target)


@bp.route(route="contacts", methods=["GET"])
@endpoint("reference:read")
def find_contacts(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    wanted = query(req, ContactQuery)
    found = reference.find_contacts(wanted.phone, wanted.email, bootstrap.settings(), bootstrap.uow())
    return json_response(200, ContactList(items=found))
