"""`/api/articles`: the knowledge base; and the articles beside a ticket."""
from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, etag, if_match, json_response, now, query
from domain import bootstrap
from domain.auth import Principal
from domain.schemas import ArticleIn, ArticlePatch, ArticleQuery, SearchQuery, SimilarQuery
from domain.services import articles

bp = df.Blueprint()


@bp.route(route="articles", methods=["GET"])
@endpoint("tickets:read")
def list_articles(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    asked = query(req, ArticleQuery)
    return json_response(200, {"items": [a.model_dump(mode="json") for a in
                                         articles.list_articles(asked.q, asked.state, asked.limit, bootstrap.uow())]})


@bp.route(route="articles", methods=["POST"])
@endpoint("tickets:write")
def create_article(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    article = articles.create_article(body(req, ArticleIn), who, now(), bootstrap.uow())
    return json_response(201, article, {**etag(article.version), "Location": f"/api/articles/{article.id}"})


@bp.route(route="articles/search", methods=["GET"])
@endpoint("tickets:read")
def search_articles(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    asked = query(req, SearchQuery)
    hits = articles.search_articles(asked.q, asked.k, bootstrap.uow(), bootstrap.embedder(), bootstrap.vector_index())
    return json_response(200, {"items": hits})


@bp.route(route="articles/{id:int}", methods=["GET"])
@endpoint("tickets:read")
def get_article(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    article = articles.get_article(int(req.route_params["id"]), bootstrap.uow())
    return json_response(200, article, etag(article.version))


@bp.route(route="articles/{id:int}", methods=["PATCH"])
@endpoint("tickets:write")
def update_article(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    expected = if_match(req)
    article = articles.update_article(int(req.route_params["id"]), body(req, ArticlePatch), expected, who, now(),
                                      bootstrap.uow())
    return json_response(200, article, etag(article.version))


@bp.route(route="tickets/{number}/article", methods=["POST"])
@endpoint("tickets:write")
def article_from_ticket(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    article = articles.article_from_ticket(req.route_params["number"], who, now(), bootstrap.uow())
    return json_response(201, article, {**etag(article.version), "Location": f"/api/articles/{article.id}"})


@bp.route(route="tickets/{number}/articles", methods=["GET"])
@endpoint("tickets:read")
def suggested_articles(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    k = query(req, SimilarQuery).k
    hits = articles.suggested_articles(req.route_params["number"], k, bootstrap.uow(), bootstrap.embedder(),
                                       bootstrap.vector_index())
    return json_response(200, {"items": hits})
