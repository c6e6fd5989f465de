"""Callers' data: `/api/contacts/{id}/erase` for admins, and the timer that applies the retention period."""
from __future__ import annotations

import logging

import azure.durable_functions as df
import azure.functions as func

from blueprints._http import endpoint, json_response, now
from domain.auth import Principal
from domain.bootstrap import services
from domain.errors import AtiendeError
from domain.services import callers_data

bp = df.Blueprint()
log = logging.getLogger(__name__)


@bp.route(route="contacts/{id:int}/erase", methods=["POST"])
@endpoint("callers:erase")
async def erase_caller(req: func.HttpRequest, who: Principal) -> func.HttpResponse:
    desk = services()
    erased = await callers_data.erase_caller(int(req.route_params["id"]), who, now(), desk.settings,
                                               desk.uow(), desk.blobs)
    return json_response(200, erased)


@bp.timer_trigger(schedule="0 15 3 * * *", arg_name="timer", run_on_startup=False)
async def forget_old_recordings(timer: func.TimerRequest) -> None:
    """Every night: recordings and transcripts past RECORDING_RETENTION_DAYS are deleted, a batch at a time."""
    desk = services()
    settings = desk.settings
    try:
        while await callers_data.forget_old_recordings(settings.RECORDING_RETENTION_DAYS, now(), settings,
                                                         desk.uow(), desk.blobs):
            pass
    except AtiendeError as err:
        log.warning("old recordings wait for the next night: %s", err)
