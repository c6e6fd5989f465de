"""Agents' files on tickets and comments: a create-only link straight to Blob Storage, then a check of what
arrived (its real size and its first bytes against the declared type) before it becomes an attachment; and
images shown inline, checked again as they are served."""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from domain.auth import Principal
from domain.errors import Conflict, Expired, FieldError, InvalidInput, NotFound
from domain.files import HEAD_BYTES, described, previewable, refusal
from domain.mail import named_for_type, safe_filename
from domain.ports import Blobs
from domain.schemas.uploads import UploadIn, UploadOut
from domain.services.inbound import type_allowed
from domain.services.tickets import find_ticket
from domain.settings import Settings
from domain.store.uow import UnitOfWork

log = logging.getLogger(__name__)
# A PUT that began just before its link ran out may still be arriving: completing it is allowed this much later.
GRACE = timedelta(minutes=5)
SWEEP_BATCH = 200


async def start_upload(number: str, data: UploadIn, who: Principal, now: datetime, settings: Settings,
                       uow: UnitOfWork, blobs: Blobs) -> UploadOut:
    """A link the agent's browser PUTs the file to, for UPLOAD_LINK_MINUTES: create-only, under a blob name the
    desk chose. Refuses (422) a type the desk does not keep or a size over ATTACHMENT_MAX_BYTES, and a final
    ticket (409)."""
    kind = data.content_type.lower()
    errors = []
    if not type_allowed(kind, settings.attachment_types):
        errors.append(FieldError(f"not a type the desk keeps: {settings.ATTACHMENT_TYPES}", "/content_type",
                                 code="not_allowed"))
    if data.size > settings.ATTACHMENT_MAX_BYTES:
        errors.append(FieldError(f"at most {settings.ATTACHMENT_MAX_BYTES} bytes", "/size", code="too_large"))
    if errors:
        raise InvalidInput("That file cannot be attached.", errors)
    filename = named_for_type(safe_filename(data.filename), kind)
    expires = now + timedelta(minutes=settings.UPLOAD_LINK_MINUTES)
    async with uow:
        ticket = await find_ticket(uow, number)
        ticket.refuse_if_final()
        assert ticket.id is not None
        # Nothing of the agent's in the blob's name: the file's name lives in the row, and the link opens one
        # blob no one else's upload can be at.
        blob_name = f"uploads/{ticket.number}/{uuid.uuid4().hex}"
        upload_id = await uow.uploads.add(ticket.id, who.name, filename, kind, data.size, blob_name, now, expires)
        url = await blobs.write_url(settings.ATTACHMENTS_CONTAINER, blob_name, settings.UPLOAD_LINK_MINUTES)
        await uow.commit()
    return UploadOut(id=upload_id, filename=filename, content_type=kind, max_bytes=settings.ATTACHMENT_MAX_BYTES,
                     upload_url=url, headers={"x-ms-blob-type": "BlockBlob", "Content-Type": kind},
                     expires_at=expires)


async def complete_upload(number: str, upload_id: str, comment_id: int | None, who: Principal, now: datetime,
                          settings: Settings, uow: UnitOfWork, blobs: Blobs) -> tuple[bool, dict[str, Any]]:
    """The uploaded file as an attachment of the ticket (and of the agent's own comment `comment_id`), after its
    real size and first bytes pass; whether it was kept just now (False: an earlier completion kept it, which is
    returned again). What fails is deleted. NotFound for another agent's upload or another ticket's."""
    async with uow.reading():
        ticket = await find_ticket(uow, number)
        assert ticket.id is not None
        upload = await _own_upload(uow, upload_id, ticket.id, who)
        if upload["outcome"] == "kept":
            return False, await _attachment(uow, ticket.id, upload["attachment_id"])
        if upload["outcome"] is not None:
            raise Conflict(f"This upload was {upload['outcome']}; ask for a new link.",
                           [FieldError(upload["refusal"] or upload["outcome"], parameter="upload",
                                       code=upload["outcome"])])
        if comment_id is not None:
            entry = await uow.tickets.activity_entry(ticket.id, comment_id) if comment_id < 2**62 else None
            if entry is None or entry["kind"] not in ("comment", "work_note") or entry["actor"] != who.name:
                raise InvalidInput("A file goes on a comment or work note of your own on this ticket.",
                                   [FieldError("not your comment or work note on this ticket", "/comment_id",
                                               code="unknown")])
    if now > upload["expires_at"] + GRACE:
        await _settle(uow, blobs, settings, upload, "expired", "the link ran out", now)
        raise Expired("The upload link ran out; ask for a new one.",
                      [FieldError("expired", parameter="upload", code="expired")])
    found = await blobs.head(settings.ATTACHMENTS_CONTAINER, upload["blob_name"], HEAD_BYTES)
    if found is None:
        raise Conflict("Nothing has been uploaded to the link yet; PUT the file there first.",
                       [FieldError("nothing uploaded", parameter="upload", code="not_uploaded")])
    why = _refusal(upload, found.size, found.data, settings)
    if why is not None:
        pointer, reason = why
        await _settle(uow, blobs, settings, upload, "refused", reason, now)
        raise InvalidInput(f"The file was not kept: {reason}.", [FieldError(reason, pointer, code="refused")])
    async with uow:
        locked = await uow.uploads.get(upload_id, for_update=True)
        assert locked is not None
        if locked["outcome"] == "kept":  # a second completion at the same moment kept it first
            return False, await _attachment(uow, ticket.id, locked["attachment_id"])
        attachment_id = await uow.uploads.keep(upload, found.size, comment_id, now)
        kept = await _attachment(uow, ticket.id, attachment_id)
        await uow.commit()
    return True, kept


def _refusal(upload: dict[str, Any], size: int, head: bytes, settings: Settings) -> tuple[str, str] | None:
    """Why the stored file is not kept (where the fault lies, why), or None."""
    if size > settings.ATTACHMENT_MAX_BYTES:
        return "/size", f"it holds {size} bytes, more than {settings.ATTACHMENT_MAX_BYTES}"
    if size != upload["declared_size"]:
        return "/size", f"it holds {size} bytes, not the {upload['declared_size']} declared"
    reason = refusal(upload["content_type"], head)
    return ("/content_type", reason) if reason else None


async def _settle(uow: UnitOfWork, blobs: Blobs, settings: Settings, upload: dict[str, Any], outcome: str,
                  reason: str, now: datetime) -> None:
    await blobs.delete(settings.ATTACHMENTS_CONTAINER, upload["blob_name"])
    async with uow.saving_alone():
        await uow.uploads.settle(upload["id"], outcome, reason, now)
    log.info("upload %s %s: %s", upload["id"], outcome, reason)


async def sweep_expired_uploads(now: datetime, settings: Settings, uow: UnitOfWork, blobs: Blobs) -> int:
    """Delete what was PUT to links that ran out without being completed; how many links were swept."""
    async with uow:
        expired = await uow.uploads.unsettled_before(now - GRACE, SWEEP_BATCH)
        for upload in expired:
            await blobs.delete(settings.ATTACHMENTS_CONTAINER, upload["blob_name"])
            await uow.uploads.settle(upload["id"], "expired", "the link ran out unused", now)
        await uow.commit()
    return len(expired)


async def preview(number: str, attachment_id: int, settings: Settings, uow: UnitOfWork,
                  blobs: Blobs) -> tuple[str, str, bytes]:
    """An image attachment's type, name and bytes, to show inline: only PNG, JPEG, GIF and WebP, and only when
    the bytes still are that image (a link is never trusted to have stayed what was checked)."""
    async with uow.reading():
        ticket = await find_ticket(uow, number)
        assert ticket.id is not None
        found = await uow.uploads.attachment(ticket.id, attachment_id) if 0 < attachment_id < 2**62 else None
    if found is None:
        raise NotFound("There is no such attachment on this ticket.")
    kind = found["content_type"].lower()
    if not previewable(kind):
        raise InvalidInput("Only PNG, JPEG, GIF and WebP images are shown inline; download the others.",
                           [FieldError("not an image shown inline", parameter="inline", code="not_previewable")])
    data = await blobs.get(settings.ATTACHMENTS_CONTAINER, found["blob_name"])
    if refusal(kind, data[:HEAD_BYTES]) is not None:
        raise Conflict("The stored file is no longer the image it was; download it instead.",
                       [FieldError("not the image it was", parameter="inline", code="changed")])
    return kind, found["filename"], data


async def _own_upload(uow: UnitOfWork, upload_id: str, ticket_id: int | None, who: Principal) -> dict[str, Any]:
    try:
        wanted = str(uuid.UUID(upload_id))
    except ValueError:
        wanted = None
    upload = await uow.uploads.get(wanted) if wanted else None
    # Someone else's upload is as absent as one that never was.
    if upload is None or upload["ticket_id"] != ticket_id or upload["requested_by"] != who.name:
        raise NotFound("There is no such upload of yours on this ticket.")
    return upload


async def _attachment(uow: UnitOfWork, ticket_id: int | None, attachment_id: int) -> dict[str, Any]:
    assert ticket_id is not None
    found = await uow.uploads.attachment(ticket_id, attachment_id)
    assert found is not None
    return described(found)
