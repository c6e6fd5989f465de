"""Reference data: `/api/groups` and their members, `/api/categories`, `/api/sla-targets` and `/api/contacts`."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, json_response, query
from domain import bootstrap
from domain.auth import Principal
from domain.schemas import (
    CategoryIn, CategoryList, ContactList, ContactQuery, GroupIn, GroupList, MemberIn, MemberList, SlaTargetIn,
    SlaTargetList, SubcategoriesIn,
)
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


@bp.route(route="groups/{id:int}/members", methods=["GET"])
@endpoint("reference:read")
def list_members(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, MemberList(items=reference.members(int(req.route_params["id"]), bootstrap.uow())))


@bp.route(route="groups/{id:int}/members", methods=["POST"])
@endpoint("reference:write")
def put_member(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    added, member = reference.put_member(int(req.route_params["id"]), body(req, MemberIn), bootstrap.uow())
    return json_response(201 if added else 200, member)


@bp.route(route="groups/{id:int}/members/{user}", methods=["DELETE"])
@endpoint("reference:write")
def remove_member(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    removed = reference.remove_member(int(req.route_params["id"]), req.route_params["user"], bootstrap.uow())
    return json_response(200, removed)


@bp.route(route="categories/{id:int}", methods=["PUT"])
@endpoint("reference:write")
def set_subcategories(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    category = reference.set_subcategories(int(req.route_params["id"]), body(req, SubcategoriesIn), bootstrap.uow())
    return json_response(200, category)


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
