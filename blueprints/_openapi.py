"""The OpenAPI 3.1 document, assembled from the pydantic models and one table of operations."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from domain import schemas as s
from domain.auth import READ_BEHIND_WRITE
from domain.tickets import NUMBER_PATTERN


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    permission: str | None
    responses: dict[int, type[BaseModel] | None]
    request: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    headers: tuple[str, ...] = ()
    description: str = ""
    errors: tuple[int, ...] = field(default=())
    # Twilio's webhooks: a signed form in, TwiML (or nothing) out.
    twilio: bool = False
    # Called by the platform (Twilio, Static Web Apps), not by integrators: documented, but not in the reference page.
    internal: bool = False
    # A successful answer that is not JSON: its media type ("" for a redirect, which has no body).
    media: str | None = None
    # A form-encoded request body (a web page's form), not JSON.
    form: bool = False
    # Statuses answered with something other than `media` or JSON: an image, say, beside a redirect.
    media_for: tuple[tuple[int, str], ...] = ()


_TICKET = "/tickets/{number}"
OPERATIONS: tuple[Operation, ...] = (
    Operation("post", "/tickets", "createTicket", "Create a ticket", "tickets", "tickets:write",
              {201: s.TicketCreatedOut}, request=s.TicketCreate, headers=("Idempotency-Key",), errors=(400, 415, 422),
              description="The answer also lists open tickets that may report the same problem."),
    Operation("get", "/tickets", "listTickets", "List, filter, sort and search tickets", "tickets", "tickets:read",
              {200: s.TicketPage}, query=s.TicketQuery, errors=(422,)),
    Operation("get", "/tickets.csv", "exportTickets", "A list view as CSV", "tickets", "tickets:read",
              {200: None}, query=s.ExportQuery, errors=(422,), media="text/csv",
              description="The list's view, filters and sort; every matching ticket up to EXPORT_MAX_ROWS (100,000 "
                          "by default), read in keyset pages from one snapshot. UTF-8 with a BOM, RFC 4180 quoting, "
                          "a cell that would start a formula (= + - @ tab CR) behind an apostrophe. X-Export-Rows "
                          "says how many rows came, X-Export-Truncated whether more matched."),
    Operation("get", _TICKET, "getTicket", "Read a ticket", "tickets", "tickets:read",
              {200: s.TicketOut}, errors=(404,)),
    Operation("patch", _TICKET, "updateTicket", "Update a ticket", "tickets", "tickets:write",
              {200: s.TicketOut}, request=s.TicketPatch, headers=("If-Match",),
              description="Send the ETag you read in If-Match. A stale one gets 412, none gets 428.",
              errors=(400, 404, 409, 412, 415, 422, 428)),
    Operation("post", _TICKET + "/comments", "addComment", "Add a comment or work note", "tickets",
              "tickets:write", {201: s.ActivityOut}, request=s.CommentIn, errors=(400, 404, 409, 415, 422)),
    Operation("get", _TICKET + "/activity", "listActivity", "Comments, work notes and audit rows, oldest first",
              "tickets", "tickets:read", {200: s.ActivityPage}, errors=(404,)),
    Operation("get", _TICKET + "/similar", "similarTickets", "The tickets most like this one, by meaning", "tickets",
              "tickets:read", {200: s.SimilarPage}, query=s.SimilarQuery, errors=(404, 422, 503),
              description="Never the ticket itself; open and resolved ones (with how they were resolved) told apart."),
    Operation("post", _TICKET + "/mark-duplicate", "markDuplicate", "Cancel a ticket as a duplicate of an open one",
              "tickets", "tickets:write", {200: s.TicketOut}, request=s.MarkDuplicateIn,
              errors=(400, 404, 409, 415, 422)),
    Operation("get", "/search", "search", "Tickets by meaning and by words, fused", "tickets", "tickets:read",
              {200: s.SearchPage}, query=s.SearchQuery, errors=(422,),
              description="When Redis cannot answer, the full-text results still come, and `degraded` says why."),
    Operation("post", "/triage", "triage", "Suggest a new ticket's fields from the desk's own tickets", "tickets",
              "tickets:read", {200: s.TriageOut}, request=s.TriageIn, errors=(400, 415, 422, 503),
              description="Each field is voted by the nearest labelled tickets; a vote that is not clear comes back "
                          "with no value and its low confidence. Nothing is stored."),
    Operation("get", "/triage/quality", "triageQuality", "How well triage labels this desk's own held-out tickets",
              "reference", "reference:write", {200: s.TriageQuality},
              description="Measured at every training: per field, the nearest tickets' vote, the classifier, the "
                          "blend that ships, the confidence from which it fills a field, and how much it fills."),
    Operation("get", "/dashboard", "dashboard", "Open tickets by priority, state and group; SLA; the last 30 days",
              "tickets", "tickets:read", {200: s.DashboardOut}, query=s.DashboardQuery, errors=(422,),
              description="One aggregate for the agents' landing page, fast at a million tickets."),
    Operation("get", "/articles", "listArticles", "Knowledge-base articles, newest or best match first", "knowledge",
              "tickets:read", {200: s.ArticleList}, query=s.ArticleQuery, errors=(422,)),
    Operation("post", "/articles", "createArticle", "Write an article (Markdown)", "knowledge", "tickets:write",
              {201: s.ArticleOut}, request=s.ArticleIn, errors=(400, 415, 422)),
    Operation("get", "/articles/search", "searchArticles", "Articles by meaning and by words, fused", "knowledge",
              "tickets:read", {200: s.ArticleHits}, query=s.SearchQuery, errors=(422,)),
    Operation("get", "/articles/{id}", "getArticle", "Read an article", "knowledge", "tickets:read",
              {200: s.ArticleOut}, errors=(404,)),
    Operation("patch", "/articles/{id}", "updateArticle", "Edit or publish an article", "knowledge",
              "tickets:write", {200: s.ArticleOut}, request=s.ArticlePatch, headers=("If-Match",),
              errors=(400, 404, 412, 415, 422, 428)),
    Operation("post", _TICKET + "/article", "articleFromTicket", "Draft an article from a resolved ticket",
              "knowledge", "tickets:write", {201: s.ArticleOut}, errors=(404, 422)),
    Operation("get", _TICKET + "/articles", "suggestedArticles", "Published articles that may solve the ticket",
              "knowledge", "tickets:read", {200: s.ArticleHits}, query=s.SimilarQuery, errors=(404, 422, 503)),
    Operation("post", "/groups", "createGroup", "Create an assignment group", "reference", "reference:write",
              {201: s.GroupOut}, request=s.GroupIn, errors=(400, 409, 415, 422)),
    Operation("get", "/groups", "listGroups", "List assignment groups", "reference", "reference:read",
              {200: s.GroupList}),
    Operation("get", "/groups/{id}/members", "listMembers", "The group's agents (Assigned to draws from them)",
              "reference", "reference:read", {200: s.MemberList}, errors=(404,)),
    Operation("post", "/groups/{id}/members", "putMember", "Add an agent to a group, or rename them there",
              "reference", "reference:write", {200: s.MemberOut, 201: s.MemberOut}, request=s.MemberIn,
              errors=(400, 404, 415, 422)),
    Operation("delete", "/groups/{id}/members/{user}", "removeMember", "Take an agent out of a group", "reference",
              "reference:write", {200: s.MemberOut}, errors=(404,)),
    Operation("put", "/categories/{id}", "setSubcategories", "Replace a category's subcategories", "reference",
              "reference:write", {200: s.CategoryOut}, request=s.SubcategoriesIn, errors=(400, 404, 415, 422),
              description="Tickets keep the subcategory they have; new choices follow the list."),
    Operation("post", "/categories", "createCategory", "Create a category with its subcategories", "reference",
              "reference:write", {201: s.CategoryOut}, request=s.CategoryIn, errors=(400, 409, 415, 422)),
    Operation("get", "/categories", "listCategories", "List categories", "reference", "reference:read",
              {200: s.CategoryList}),
    Operation("get", "/sla-targets", "listSlaTargets", "SLA targets per priority", "reference", "reference:read",
              {200: s.SlaTargetList}),
    Operation("put", "/sla-targets/{priority}", "setSlaTarget", "Set the SLA targets of a priority", "reference",
              "reference:write", {200: s.SlaTargetOut}, request=s.SlaTargetIn, errors=(400, 404, 415, 422)),
    Operation("get", "/contacts", "findContacts", "Find contacts by phone or e-mail", "reference",
              "reference:read", {200: s.ContactList}, query=s.ContactQuery, errors=(422,)),
    Operation("patch", "/contacts/{id}", "changeContact", "Rename a contact, or set their e-mail or language",
              "reference", "tickets:write", {200: s.CallerOut}, request=s.ContactChange, errors=(400, 404, 415, 422),
              description="The one way a contact changes: saving a ticket never does. Shows on every ticket of "
                          "theirs that does not keep another caller's name, and in the phone greeting; audited."),
    Operation("get", "/contacts/{id}/changes", "contactChanges", "Who changed a contact, and what", "reference",
              "reference:read", {200: s.ContactChangeList}, errors=(404,)),
    Operation("get", "/agents", "findAgents", "Look agents up in the directory by name or e-mail", "reference",
              "reference:read", {200: s.AgentList}, query=s.AgentQuery, errors=(422,),
              description="Agents are listed on their first sign-in, or when an admin adds them to a group."),
    Operation("post", "/contacts/{id}/erase", "eraseCaller", "Erase a caller's personal data", "reference",
              "callers:erase", {200: s.ErasedOut}, errors=(404, 503),
              description="Removes the contact's name, phone and e-mail, their calls' recordings and transcripts, "
                          "and their words from phone tickets; the tickets stay, anonymized, with a work note. "
                          "Running it again is harmless."),
    Operation("post", "/api-keys", "createApiKey", "Create an API key (the secret is shown once)", "api keys",
              "api_keys:manage", {201: s.ApiKeyCreated}, request=s.ApiKeyIn, errors=(400, 415, 422)),
    Operation("get", "/api-keys", "listApiKeys", "List API keys", "api keys", "api_keys:manage",
              {200: s.ApiKeyList}),
    Operation("delete", "/api-keys/{id}", "revokeApiKey", "Revoke an API key", "api keys", "api_keys:manage",
              {200: s.ApiKeyOut}, errors=(404,)),
    Operation("get", "/changes", "deskChanges", "What changed on the desk since the last poll", "tickets",
              "tickets:read", {200: s.ChangesOut, 304: None}, query=s.ChangesQuery, errors=(422,),
              description="Send the last answer's ETag in If-None-Match: an unchanged desk answers 304 with no body. "
                          "The web app polls this every few seconds to refresh its list, dashboard and open ticket."),
    Operation("get", "/health", "getHealth", "Each dependency and its state", "operations", None,
              {200: s.HealthOut, 503: s.HealthOut}),
    Operation("get", "/openapi.json", "getOpenApi", "This document", "operations", None, {200: None}),
    Operation("get", "/calls", "listCalls", "Phone calls, newest first", "calls", "tickets:read",
              {200: s.CallPage}, query=s.CallQuery, errors=(404, 422)),
    Operation("get", "/calls/{sid}", "getCall", "A call: caller, transcripts, recording link, pipeline, ticket",
              "calls", "tickets:read", {200: s.CallOut}, errors=(404,),
              description="Its recording_link goes straight to Blob Storage and works for 15 minutes."),
    Operation("get", "/calls/{sid}/recording", "getCallRecording", "The call's recording (WAV)", "calls",
              "tickets:read", {200: None}, errors=(404, 503), media="audio/wav"),
    Operation("get", _TICKET + "/attachments", "listAttachments", "Files the requester sent and agents uploaded",
              "tickets", "tickets:read", {200: s.AttachmentList}, errors=(404,)),
    Operation("get", _TICKET + "/attachments/{id}", "downloadAttachment", "Download an attachment, or show an image",
              "tickets", "tickets:read", {200: None, 302: None}, query=s.AttachmentQuery,
              errors=(404, 409, 422, 503), media="", media_for=((200, "image/*"),),
              description="Redirects to a link to Blob Storage that works for five minutes and always downloads. "
                          "With inline=1, a PNG, JPEG, GIF or WebP image comes itself (200, Content-Disposition "
                          "inline, nosniff), checked again to still be that image; any other type is 422."),
    Operation("post", _TICKET + "/uploads", "startUpload", "A link to upload a file to the ticket", "tickets",
              "tickets:write", {201: s.UploadOut}, request=s.UploadIn, errors=(400, 404, 409, 415, 422, 503),
              description="PUT the file's bytes to upload_url with the headers given, within UPLOAD_LINK_MINUTES; "
                          "the link can create that one blob and nothing else (no read, no list). Then complete."),
    Operation("post", _TICKET + "/uploads/{upload}/complete", "completeUpload", "Keep an uploaded file as an "
              "attachment", "tickets", "tickets:write", {200: s.AttachmentOut, 201: s.AttachmentOut},
              request=s.UploadCompleteIn, errors=(400, 404, 409, 410, 415, 422, 503),
              description="Checks the stored file's real size and first bytes against the declared type; a file "
                          "that fails is deleted (422), a link past its time is 410, nothing uploaded yet is 409. "
                          "Completing again answers 200 with the same attachment. Only whoever asked for the link "
                          "may complete it."),
    Operation("get", "/canned-replies", "listCannedReplies", "Canned replies the caller may use", "canned replies",
              "tickets:read", {200: s.CannedReplyList}, query=s.CannedReplyQuery, errors=(422,),
              description="The whole desk's and those of the agent's own groups (an admin sees every group's); "
                          "with assignment_group, the whole desk's and that group's."),
    Operation("post", "/canned-replies", "createCannedReply", "Write a canned reply", "canned replies",
              "reference:write", {201: s.CannedReplyOut}, request=s.CannedReplyIn, errors=(400, 415, 422),
              description="An unknown placeholder or an unclosed brace is 422, located at /body."),
    Operation("get", "/canned-replies/{id}", "getCannedReply", "Read a canned reply", "canned replies",
              "tickets:read", {200: s.CannedReplyOut}, errors=(404,)),
    Operation("patch", "/canned-replies/{id}", "updateCannedReply", "Edit a canned reply", "canned replies",
              "reference:write", {200: s.CannedReplyOut}, request=s.CannedReplyPatch, headers=("If-Match",),
              errors=(400, 404, 412, 415, 422, 428)),
    Operation("delete", "/canned-replies/{id}", "deleteCannedReply", "Delete a canned reply", "canned replies",
              "reference:write", {204: None}, errors=(404,)),
    Operation("get", _TICKET + "/canned-replies/{id}/render", "renderCannedReply", "A canned reply filled in for "
              "the ticket", "canned replies", "tickets:read", {200: s.RenderedReplyOut}, errors=(404,),
              description="Plain text: the ticket's and the signed-in agent's values in place of the placeholders; "
                          "`missing` names those the ticket had none for. Nothing is written."),
    Operation("patch", "/contacts/{id}/channels", "setContactChannels", "Opt a contact out of SMS or e-mail, or "
              "set their time zone", "reference", "tickets:write", {200: s.ReachOut}, request=s.ContactChannelsIn,
              errors=(400, 404, 415, 422),
              description="STOP and START by SMS set the SMS opt-out too. Quiet hours follow the time zone."),
    Operation("get", "/dashboard/satisfaction", "satisfaction", "CSAT by group and week, and tickets rated low",
              "tickets", "tickets:read", {200: s.SatisfactionOut}),
    Operation("get", "/satisfaction/{token}", "ratingPage", "The page a satisfaction e-mail's link opens",
              "requesters", None, {200: None}, query=s.RatingQuery, errors=(404, 422), media="text/html",
              internal=True, description="Asks the requester to confirm the rating: a mail scanner opening the "
                                         "link rates nothing."),
    Operation("post", "/satisfaction/{token}", "rate", "The rating page's confirming click", "requesters", None,
              {200: None}, request=s.RatingForm, errors=(400, 404, 422), media="text/html", form=True,
              internal=True),
    *(Operation("post", f"/sms/{hook}", f"sms{hook.title()}", summary, "messaging (Twilio webhooks)", None,
                {200: None} if twiml else {204: None}, request=form, errors=(400, 403, 422, 503), twilio=True,
                description="Twilio calls this; the X-Twilio-Signature header must sign the public URL and the "
                            "form, or the answer is 403 and nothing is written. A second delivery changes nothing.")
      for hook, summary, form, twiml in (
          ("incoming", "An SMS to the desk's number: a comment, a new ticket, a rating or an opt-out",
           s.TwilioSmsForm, True),
          ("status", "Twilio's delivery state for a message the desk sent", s.TwilioMessageStatusForm, False),
      )),
    *(Operation("post", f"/voice/{hook}", f"voice{hook.title().replace('-', '')}", summary, "voice (Twilio webhooks)",
                None, {200: None} if twiml else {204: None}, request=s.TwilioForm, errors=(400, 403, 422, 503),
                twilio=True, description="Twilio calls this; the X-Twilio-Signature header must sign the "
                                         "public URL and the form, or the answer is 403 and nothing is written.")
      for hook, summary, twiml in (
          ("incoming", "A call comes in: greet the caller and offer the menu", True),
          ("menu", "The caller chose from the menu", True),
          ("problem", "The caller described the problem (Twilio's speech result)", True),
          ("wait", "The caller waits for the ticket number", True),
          ("status", "The caller asked for a ticket's status", True),
          ("recording", "Twilio's recording status callback", False),
          ("call-status", "Twilio's call status callback", False),
      )),
    Operation("post", "/roles", "assignRoles", "Static Web Apps' rolesSource: app roles from Entra ID claims",
              "operations", None, {200: s.RolesOut}, request=s.RolesRequest, errors=(400, 415, 422), internal=True),
)

_PATH_PARAMS: dict[str, dict[str, Any]] = {
    "number": {"type": "string", "pattern": f"^{NUMBER_PATTERN}$", "examples": ["INC0010001"]},
    "priority": {"type": "integer", "minimum": 1, "maximum": 5},
    "id": {"type": "integer", "minimum": 1},
    "token": {"type": "string", "minLength": 16, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$"},
    "sid": {"type": "string", "pattern": "^CA[0-9a-f]{32}$", "examples": ["CA" + "0" * 32]},
    "user": {"type": "string", "minLength": 1, "maxLength": 200, "examples": ["ana@example.com"]},
    "upload": {"type": "string", "format": "uuid", "examples": ["0b9f3c1e-6d1a-4c8e-9a57-2f0e8e7d4b21"]},
}
_HEADERS: dict[str, dict[str, Any]] = {
    "Idempotency-Key": {"description": "Retries with the same key and body get the first answer again",
                        "schema": {"type": "string", "minLength": 1, "maxLength": 255}},
    "If-Match": {"description": "The ETag of the version being edited, such as \"3\"", "required": True,
                 "schema": {"type": "string"}},
}


def _models() -> list[tuple[type[BaseModel], str]]:
    found: dict[tuple[type[BaseModel], str], None] = {(s.Problem, "serialization"): None,
                                                      (s.WriteReceipt, "serialization"): None}
    for op in OPERATIONS:
        if op.request is not None:
            found[(op.request, "validation")] = None
        for model in op.responses.values():
            if model is not None:
                found[(model, "serialization")] = None
    return list(found)


@lru_cache(maxsize=4)
def document(server_url: str) -> dict[str, Any]:
    keys, defs = models_json_schema(_models(), ref_template="#/components/schemas/{model}")
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, keys)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Atiende API",
            "version": "1.0.0",
            "description": "Tickets, reference data and API keys of the Atiende service desk. "
                           "Errors are RFC 9457 problem documents with a field path for each invalid field.",
        },
        "servers": [{"url": server_url.rstrip("/") + "/api"}],
        "security": [{"apiKey": []}, {"bearerKey": []}, {"staticWebApps": []}],
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key",
                           "description": "An API key from an admin (`atk_...`); works through the Static Web App"},
                "bearerKey": {"type": "http", "scheme": "bearer",
                              "description": "The same key as `Authorization: Bearer atk_...`, for calls straight "
                                             "to the Function App (Static Web Apps replaces this header)"},
                "staticWebApps": {"type": "apiKey", "in": "header", "name": "x-ms-client-principal",
                                  "description": "Set by Azure Static Web Apps for signed-in agents and admins"},
                "twilioSignature": {"type": "apiKey", "in": "header", "name": "X-Twilio-Signature",
                                    "description": "Twilio's HMAC of the public URL and the form, keyed with the "
                                                   "account's auth token"},
            },
        },
    }


def _ref(keys: dict[Any, Any], model: type[BaseModel], mode: str) -> dict[str, Any]:
    return keys[(model, mode)]


def _operation(op: Operation, keys: dict[Any, Any]) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": _PATH_PARAMS[name]}
        for name in _path_names(op.path)
    ]
    if op.query is not None:
        schema = op.query.model_json_schema()
        for name, prop in schema["properties"].items():
            prop = {k: v for k, v in prop.items() if k != "title"}
            params.append({"name": name, "in": "query", "required": False, "schema": prop})
    params += [{"name": name, "in": "header", "required": False, **_HEADERS[name]} for name in op.headers]
    responses: dict[str, Any] = {}
    for status, model in op.responses.items():
        if status in dict(op.media_for):
            responses[str(status)] = {"description": "The answer",
                                      "content": {dict(op.media_for)[status]: {"schema": {"type": "string"}}}}
            continue
        if status == 204:
            responses[str(status)] = {"description": "No content"}
            continue
        if op.twilio or op.media is not None:
            media = "application/xml" if op.twilio else op.media
            if status == 204:
                responses[str(status)] = {"description": "No content"}
            elif not media:
                responses[str(status)] = {"description": "A redirect to where the answer is"}
            else:
                responses[str(status)] = {"description": "TwiML" if op.twilio else "The answer",
                                          "content": {media: {"schema": {"type": "string"}}}}
            continue
        schema = _ref(keys, model, "serialization") if model else {"type": "object"}
        if status < 300 and op.permission in READ_BEHIND_WRITE:
            schema = {"anyOf": [schema, _ref(keys, s.WriteReceipt, "serialization")]}
        content = {"application/json": {"schema": schema}}
        responses[str(status)] = {"description": "OK" if status < 300 else "See the body", "content": content}
    problem = {"application/problem+json": {"schema": _ref(keys, s.Problem, "serialization")}}
    errors = set(op.errors) | ({401, 403, 429} if op.permission else set())
    for status in sorted(errors):
        responses[str(status)] = {"description": "A problem document", "content": problem}
    operation: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": params,
        "responses": responses,
    }
    if op.description or op.permission:
        needs = f"Needs the {op.permission} permission." if op.permission else "No authentication."
        if op.permission in READ_BEHIND_WRITE:
            needs += (f" Without {READ_BEHIND_WRITE[op.permission]}, the answer is a WriteReceipt: what was written"
                      " and its version, not its data.")
        operation["description"] = f"{op.description} {needs}".strip()
    if op.permission is None:
        operation["security"] = [{"twilioSignature": []}] if op.twilio else []
    if op.twilio or op.internal:
        operation["x-internal"] = True
    if op.request is not None:
        media = "application/x-www-form-urlencoded" if op.twilio or op.form else "application/json"
        operation["requestBody"] = {
            "required": True,
            "content": {media: {"schema": _ref(keys, op.request, "validation")}},
        }
    return operation


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]
