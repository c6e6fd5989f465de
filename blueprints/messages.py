"""The requester's channels: Twilio's messaging webhooks (`/api/sms/incoming`, `/api/sms/status`), the timers that
tell requesters and read the desk's mailbox, the rating pages a satisfaction e-mail links to, a ticket's
attachments, and a contact's channel preferences."""
from __future__ import annotations

import html
import logging
from urllib.parse import parse_qsl

import azure.durable_functions as df
import azure.functions as func
from twilio.twiml.messaging_response import MessagingResponse

from blueprints._http import body, endpoint, inline_disposition, json_response, now, query
from blueprints._twilio import messaging_webhook, twiml
from domain.auth import Principal
from domain.bootstrap import services
from domain.errors import AtiendeError, MalformedRequest, NotFound
from domain.notifications import TEXTS
from domain.schemas.messages import (
    AttachmentList,
    AttachmentOut,
    ContactChannelsIn,
    RatingForm,
    RatingQuery,
    ReachOut,
    SatisfactionOut,
    TwilioMessageStatusForm,
    TwilioSmsForm,
)
from domain.schemas.uploads import AttachmentQuery
from domain.services import inbound, notifications, satisfaction
from domain.services.requesters import attachment_link, attachments_of, set_channels
from domain.services.uploads import preview

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.route(route="sms/incoming", methods=["POST"])
@messaging_webhook(TwilioSmsForm)
async def sms_incoming(form: TwilioSmsForm) -> func.HttpResponse:
    """An SMS to the desk's number: a comment, a new ticket, a rating or an opt-out; answered by TwiML."""
    desk = services()
    reply = await inbound.take_sms(inbound.SmsIn(form.MessageSid, form.From, form.Body), now(), desk.settings,
                                   desk.uow())
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return twiml(str(response))


@bp.route(route="sms/status", methods=["POST"])
@messaging_webhook(TwilioMessageStatusForm)
async def sms_status(form: TwilioMessageStatusForm) -> func.HttpResponse:
    """Twilio's delivery state for a message the desk sent."""
    error = f"Twilio error {form.ErrorCode}" if form.ErrorCode else None
    await notifications.record_delivery(form.MessageSid, form.MessageStatus, error, now(), services().uow())
    return func.HttpResponse(status_code=204)


@bp.timer_trigger(schedule="*/15 * * * * *", arg_name="timer", run_on_startup=False)
async def tell_requesters(timer: func.TimerRequest) -> None:
    """Every fifteen seconds: what tickets' changes tell their requesters is queued, and what is due is sent."""
    desk = services()
    try:
        queued = await notifications.queue_messages(now(), desk.settings, desk.uow())
        sent = await notifications.send_due(now(), desk.settings, desk.uow(), desk.telephony, desk.mailer)
    except AtiendeError as err:
        log.warning("requesters' messages wait for the next run: %s", err)
        return
    if queued or sent:
        log.info("queued %d and sent %d messages to requesters", queued, sent)


@bp.timer_trigger(schedule="*/30 * * * * *", arg_name="timer", run_on_startup=False)
async def read_desk_mailbox(timer: func.TimerRequest) -> None:
    """Every thirty seconds: the desk's unread mail becomes tickets and comments."""
    desk = services()
    if not desk.settings.IMAP_HOST:
        return
    try:
        outcomes = await inbound.read_mailbox(now(), desk.settings, desk.uow(), desk.mailbox, desk.blobs)
    except AtiendeError as err:
        log.warning("the desk's mailbox waits for the next run: %s", err)
        return
    if outcomes:
        log.info("took in mail: %s", outcomes)


@bp.route(route="satisfaction/{token}", methods=["GET"])
@endpoint(None)
async def rating_page(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """The page a rating link opens: it asks to confirm, since a mail scanner following the link must not rate."""
    desk = services()
    chosen = str(query(req, RatingQuery).rating or "")
    question = await satisfaction.question_for(req.route_params["token"], now(), desk.settings, desk.uow())
    language = question["language"]
    words = _PAGE[language if language in _PAGE else "es"]
    if question["rating"] is not None:
        return _page(words["title"], f"<p>{words['already'].format(rating=question['rating'])}</p>")
    if question["expired"]:
        return _page(words["title"], f"<p>{words['expired']}</p>")
    options = "".join(
        f'<label><input type="radio" name="rating" value="{n}"{" checked" if chosen == str(n) else ""} required> {n}</label> '
        for n in range(1, 6))
    form = (f'<p>{html.escape(question["number"])}: {html.escape(question["short_description"])}</p>'
            f'<form method="post"><fieldset><legend>{words["ask"]}</legend>{options}</fieldset>'
            f'<p><label>{words["words"]}<br><textarea name="comment" maxlength="2000" rows="4" cols="50"></textarea>'
            f'</label></p><p><button type="submit">{words["send"]}</button></p></form>')
    return _page(words["title"], form)


@bp.route(route="satisfaction/{token}", methods=["POST"])
@endpoint(None)
async def rate(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """The confirming click: the rating (1-5) and any words, form-encoded as the page sends them."""
    desk = services()
    try:
        fields = dict(parse_qsl((req.get_body() or b"").decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError as err:
        raise MalformedRequest("The form is not UTF-8.") from err
    form = RatingForm.model_validate(fields)
    answer = await satisfaction.rate_by_link(req.route_params["token"], form.rating, form.comment or None, now(),
                                             desk.settings, desk.uow())
    language = answer["language"]
    words = _PAGE[language if language in _PAGE else "es"]
    said = TEXTS[language if language in TEXTS else "es"]["thanks_rating"] if answer["kept"] else \
        words["already"].format(rating=answer["rating"])
    return _page(words["title"], f"<p>{html.escape(said)}</p>")


_PAGE = {
    "es": {"title": "Su opinión", "ask": "¿Cómo lo hicimos? 1 (mal) a 5 (muy bien)", "words": "¿Algo más? (opcional)",
           "send": "Enviar valoración", "already": "Ya recibimos su valoración ({rating}/5). Gracias.",
           "expired": "Este enlace ha caducado."},
    "en": {"title": "Your opinion", "ask": "How did we do? 1 (bad) to 5 (great)", "words": "Anything else? (optional)",
           "send": "Send rating", "already": "We already have your rating ({rating}/5). Thank you.",
           "expired": "This link has expired."},
}


def _page(title: str, content: str) -> func.HttpResponse:
    page = (f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
            f'<title>{html.escape(title)}</title><link rel="stylesheet" href="/css/app.css"></head>'
            f'<body><main><h1>{html.escape(title)}</h1>{content}</main></body></html>')
    return func.HttpResponse(page, status_code=200, mimetype="text/html", charset="utf-8",
                             headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                                      "Content-Security-Policy": "default-src 'self'; form-action 'self'"})


@bp.route(route="tickets/{number}/attachments", methods=["GET"])
@endpoint("tickets:read")
async def list_attachments(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    items = await attachments_of(req.route_params["number"], services().uow())
    return json_response(200, AttachmentList(items=[AttachmentOut(**a) for a in items]))


@bp.route(route="tickets/{number}/attachments/{id:int}", methods=["GET"])
@endpoint("tickets:read")
async def download_attachment(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """A redirect to a five-minute link that downloads the file (never shows it in the browser); with ?inline=1,
    a PNG, JPEG, GIF or WebP image itself, to show, from this origin (the web app's CSP allows images from it)."""
    desk = services()
    if query(req, AttachmentQuery).inline:
        kind, filename, data = await preview(req.route_params["number"], int(req.route_params["id"]), desk.settings,
                                             desk.uow(), desk.blobs)
        return func.HttpResponse(data, status_code=200, mimetype=kind, headers={
            "Content-Disposition": inline_disposition(filename), "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "private, max-age=300"})
    link = await attachment_link(req.route_params["number"], int(req.route_params["id"]), desk.settings,
                                 desk.uow(), desk.blobs)
    if link is None:
        raise NotFound("There is no such attachment on this ticket.")
    return func.HttpResponse(status_code=302, headers={"Location": link, "Cache-Control": "no-store"})


@bp.route(route="contacts/{id:int}/channels", methods=["PATCH"])
@endpoint("tickets:write")
async def change_channels(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """A contact's opt-outs and time zone, set on their word."""
    changes = body(req, ContactChannelsIn)
    reach = await set_channels(int(req.route_params["id"]), changes, who, now(), services().uow())
    return json_response(200, ReachOut(**reach))


@bp.route(route="dashboard/satisfaction", methods=["GET"])
@endpoint("tickets:read")
async def satisfaction_summary(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """CSAT by assignment group and week over the last eight weeks, and the latest tickets rated low."""
    return json_response(200, SatisfactionOut.model_validate(await satisfaction.summary(now(), 8, services().uow())))
