"""`/api/tickets/{number}/uploads`: an agent's file, sent by the browser straight to Blob Storage, then checked
and kept as an attachment; and the timer that sweeps links that ran out unused."""
from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import body, endpoint, json_response, now
from domain.auth import Principal
from domain.bootstrap import services
from domain.errors import AtiendeError
from domain.schemas.messages import AttachmentOut
from domain.schemas.uploads import UploadCompleteIn, UploadIn
from domain.services import uploads

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.route(route="tickets/{number}/uploads", methods=["POST"])
@endpoint("tickets:write")
async def start_upload(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """A create-only link to PUT the file to, for a few minutes."""
    desk = services()
    started = await uploads.start_upload(req.route_params["number"], body(req, UploadIn), who, now(), desk.settings,
                                         desk.uow(), desk.blobs)
    return json_response(201, started)


@bp.route(route="tickets/{number}/uploads/{upload}/complete", methods=["POST"])
@endpoint("tickets:write")
async def complete_upload(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    """The uploaded file, checked, as an attachment (201); the same one again for a repeated completion (200)."""
    desk = services()
    comment_id = body(req, UploadCompleteIn).comment_id
    kept_now, attachment = await uploads.complete_upload(req.route_params["number"], req.route_params["upload"],
                                                         comment_id, who, now(), desk.settings, desk.uow(),
                                                         desk.blobs)
    return json_response(201 if kept_now else 200, AttachmentOut(**attachment))


@bp.timer_trigger(schedule="0 */10 * * * *", arg_name="timer", run_on_startup=False)
async def sweep_uploads(timer: func.TimerRequest) -> None:
    """Every ten minutes: whatever was PUT to a link that ran out without being completed is deleted."""
    desk = services()
    try:
        swept = await uploads.sweep_expired_uploads(now(), desk.settings, desk.uow(), desk.blobs)
    except AtiendeError as err:
        log.warning("expired uploads wait for the next sweep: %s", err)
        return
    if swept:
        log.info("swept %d upload links that ran out unused", swept)
