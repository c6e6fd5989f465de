"""Run a creating request once per Idempotency-Key, replaying the first answer to every retry."""
from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from domain.errors import FieldError, InvalidInput
from domain.store.uow import UnitOfWork

MAX_KEY_LENGTH = 255
# An answer as JSON keeps it: what a replay gives back.
Answer = dict[str, object]


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidInput(
            "An Idempotency-Key is 1 to 255 printable ASCII characters.",
            [FieldError("1 to 255 printable ASCII characters", header="Idempotency-Key")],
        )
    return key


async def run_once(
    principal: str, key: str | None, request_body: str, uow: UnitOfWork,
    action: Callable[[], Awaitable[tuple[int, Answer]]],
) -> tuple[int, Answer, bool]:
    """Call `action` inside `uow` (already entered) unless this key already ran; returns (status, body, replayed).

    The key row is written in the same transaction as the action, so a crash leaves neither, and a
    retry with the same key but another body is refused rather than silently answered.
    """
    if key is None:
        status, body = await action()
        return status, body, False
    request_hash = hashlib.sha256(request_body.encode()).hexdigest()
    earlier = await uow.idempotency.claim(principal, key, request_hash)
    if earlier is not None:
        earlier_hash, earlier_status, body = earlier
        if earlier_hash != request_hash:
            raise InvalidInput(
                "This Idempotency-Key was used with a different request.",
                [FieldError("reused with a different body", header="Idempotency-Key")],
            )
        # A key's row commits only with its answer (record() runs in the same transaction), so one seen has it.
        assert earlier_status is not None
        return earlier_status, body, True
    status, body = await action()
    await uow.idempotency.record(principal, key, status, body)
    return status, body, False
