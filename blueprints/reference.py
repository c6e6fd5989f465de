"""Reference data: `/api/groups` and their members, `/api/categories`, `/api/sla-targets` and `/api/contacts`."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, json_response, now, query
from domain.auth import Principal
from domain.bootstrap import services
from domain.schemas.callers import ContactChange, ContactChangeList, ContactList, ContactQuery
from domain.schemas.reference import (
    AgentList,
    AgentQuery,
    CategoryIn,
    CategoryList,
    GroupIn,
    GroupList,
    MemberIn,
    MemberList,
    SlaTargetIn,
    SlaTargetList,
    SubcategoriesIn,
)
from domain.services import reference

bp = df.Blueprint()


@bp.route(route="groups", methods=["POST"])
@endpoint("reference:write")
async def create_group(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(201, await reference.add_group(body(req, GroupIn), services().uow()))


@bp.route(route="groups", methods=["GET"])
@endpoint("reference:read")
async def list_groups(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, GroupList(items=await reference.list_groups(services().uow())))


@bp.route(route="groups/{id:int}/members", methods=["GET"])
@endpoint("reference:read")
async def list_members(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    uow = services().uow()
    return json_response(200, MemberList(items=await reference.members(int(req.route_params["id"]), uow)))


@bp.route(route="groups/{id:int}/members", methods=["POST"])
@endpoint("reference:write")
async def put_member(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    uow = services().uow()
    added, member = await reference.put_member(int(req.route_params["id"]), body(req, MemberIn), uow)
    return json_response(201 if added else 200, member)


@bp.route(route="groups/{id:int}/members/{user}", methods=["DELETE"])
@endpoint("reference:write")
async def remove_member(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    uow = services().uow()
    removed = await reference.remove_member(int(req.route_params["id"]), req.route_params["user"], uow)
    return json_response(200, removed)


@bp.route(route="categories/{id:int}", methods=["PUT"])
@endpoint("reference:write")
async def set_subcategories(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    uow = services().uow()
    category = await reference.set_subcategories(int(req.route_params["id"]), body(req, SubcategoriesIn), uow)
    return json_response(200, category)


@bp.route(route="categories", methods=["POST"])
@endpoint("reference:write")
async def create_category(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(201, await reference.add_category(body(req, CategoryIn), services().uow()))


@bp.route(route="categories", methods=["GET"])
@endpoint("reference:read")
async def list_categories(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, CategoryList(items=await reference.list_categories(services().uow())))


@bp.route(route="sla-targets", methods=["GET"])
@endpoint("reference:read")
async def list_sla_targets(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, SlaTargetList(items=await reference.list_sla_targets(services().uow())))


@bp.route(route="sla-targets/{priority:int}", methods=["PUT"])
@endpoint("reference:write")
async def set_sla_target(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    uow = services().uow()
    target = await reference.set_sla_target(int(req.route_params["priority"]), body(req, SlaTargetIn), uow)
    return json_response(200, target)


@bp.route(route="contacts", methods=["GET"])
@endpoint("reference:read")
async def find_contacts(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    desk = services()
    wanted = query(req, ContactQuery)
    found = await reference.find_contacts(wanted.phone, wanted.email, desk.settings, desk.uow(), wanted.q)
    return json_response(200, ContactList(items=found))


@bp.route(route="contacts/{id:int}", methods=["PATCH"])
@endpoint("tickets:write")
async def change_contact(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    changed = await reference.change_contact(int(req.route_params["id"]), body(req, ContactChange), who, now(),
                                             services().uow())
    return json_response(200, changed)


@bp.route(route="contacts/{id:int}/changes", methods=["GET"])
@endpoint("reference:read")
async def contact_changes(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    items = await reference.contact_changes(int(req.route_params["id"]), services().uow())
    return json_response(200, ContactChangeList(items=items))


@bp.route(route="agents", methods=["GET"])
@endpoint("reference:read")
async def find_agents(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    return json_response(200, AgentList(items=await reference.find_agents(query(req, AgentQuery), services().uow())))
