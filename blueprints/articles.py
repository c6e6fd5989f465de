"""`/api/articles`: the knowledge base; and the articles beside a ticket."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, etag, if_match, json_response, now, query
from domain.auth import Principal
from domain.bootstrap import services
from domain.schemas.articles import ArticleIn, ArticlePatch, ArticleQuery
from domain.schemas.similar import SearchQuery, SimilarQuery
from domain.services import articles

bp = df.Blueprint()


@bp.route(route="articles", methods=["GET"])
@endpoint("tickets:read")
async def list_articles(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    asked = query(req, ArticleQuery)
    found = await articles.list_articles(asked.q, asked.state, asked.limit, services().uow())
    return json_response(200, {"items": [a.model_dump(mode="json") for a in found]})


@bp.route(route="articles", methods=["POST"])
@endpoint("tickets:write")
async def create_article(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    article = await articles.create_article(body(req, ArticleIn), who, now(), services().uow())
    return json_response(201, article, {**etag(article.version), "Location": f"/api/articles/{article.id}"})


@bp.route(route="articles/search", methods=["GET"])
@endpoint("tickets:read")
async def search_articles(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    desk = services()
    asked = query(req, SearchQuery)
    hits = await articles.search_articles(asked.q, asked.k, desk.uow(), desk.embedder, desk.vector_index)
    return json_response(200, {"items": hits})


@bp.route(route="articles/{id:int}", methods=["GET"])
@endpoint("tickets:read")
async def get_article(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    article = await articles.get_article(int(req.route_params["id"]), services().uow())
    return json_response(200, article, etag(article.version))


@bp.route(route="articles/{id:int}", methods=["PATCH"])
@endpoint("tickets:write")
async def update_article(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    expected = if_match(req)
    article = await articles.update_article(int(req.route_params["id"]), body(req, ArticlePatch), expected, who, now(),
                                            services().uow())
    return json_response(200, article, etag(article.version))


@bp.route(route="tickets/{number}/article", methods=["POST"])
@endpoint("tickets:write")
async def article_from_ticket(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    article = await articles.article_from_ticket(req.route_params["number"], who, now(), services().uow())
    return json_response(201, article, {**etag(article.version), "Location": f"/api/articles/{article.id}"})


@bp.route(route="tickets/{number}/articles", methods=["GET"])
@endpoint("tickets:read")
async def suggested_articles(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    desk = services()
    k = query(req, SimilarQuery).k
    hits = await articles.suggested_articles(req.route_params["number"], k, desk.uow(), desk.embedder,
                                               desk.vector_index)
    return json_response(200, {"items": hits})
