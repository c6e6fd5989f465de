"""Calls for agents against the fakes: the list newest first and by what needs review, one call with a
short-lived link to its recording (or none while storage is down), and its audio."""
from datetime import UTC, datetime, timedelta

import pytest

from domain.calls import Call
from domain.errors import NotFound
from domain.schemas.calls import CallQuery
from domain.services.calls import get_call, list_calls, recording_audio
from domain.settings import Settings
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeBlobs, FakeUnitOfWork

SETTINGS = Settings()
START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def sid(n: int) -> str:
    return f"CA{n:032x}"


def desk_with_calls() -> tuple[DeskState, FakeBlobs]:
    desk, blobs = DeskState(), FakeBlobs()
    for n in range(5):
        desk.calls[sid(n)] = Call(sid=sid(n), from_phone="+14155550134", locale="en-US",
                                  started_at=START + timedelta(minutes=n),
                                  review_reason="nothing the caller said could be made out" if n % 2 else None,
                                  recording_blob=f"{sid(n)}/recording.wav" if n == 4 else None)
    on_own_loop(blobs.put(SETTINGS.RECORDINGS_CONTAINER, f"{sid(4)}/recording.wav", b"RIFF-audio", "audio/wav"))
    return desk, blobs


def test_calls_come_newest_first_a_page_at_a_time_and_by_whether_they_need_review():
    desk, _ = desk_with_calls()
    first = on_own_loop(list_calls(CallQuery(limit=3), FakeUnitOfWork(desk)))
    assert [c.sid for c in first.items] == [sid(4), sid(3), sid(2)] and first.next_cursor
    rest = on_own_loop(list_calls(CallQuery(limit=3, cursor=first.next_cursor), FakeUnitOfWork(desk)))
    assert [c.sid for c in rest.items] == [sid(1), sid(0)] and rest.next_cursor is None
    review = on_own_loop(list_calls(CallQuery(needs_review="true"), FakeUnitOfWork(desk)))
    assert [c.sid for c in review.items] == [sid(3), sid(1)]


def test_a_call_links_to_its_recording_for_minutes_and_without_storage_it_still_answers():
    desk, blobs = desk_with_calls()
    call = on_own_loop(get_call(sid(4), SETTINGS, FakeUnitOfWork(desk), blobs))
    assert call.recording_url == f"/api/calls/{sid(4)}/recording" and "sp=r" in call.recording_link
    assert on_own_loop(recording_audio(sid(4), SETTINGS, FakeUnitOfWork(desk), blobs)) == b"RIFF-audio"
    blobs.down = True
    call = on_own_loop(get_call(sid(4), SETTINGS, FakeUnitOfWork(desk), blobs))
    assert call.recording_link is None and call.recording_url  # the call itself is still shown


@pytest.mark.parametrize("asked", [sid(3), sid(99), "CA'; DROP TABLE calls", "../etc/passwd"])
def test_no_audio_for_a_call_without_a_recording_or_that_does_not_exist(asked):
    desk, blobs = desk_with_calls()
    with pytest.raises(NotFound):
        on_own_loop(recording_audio(asked, SETTINGS, FakeUnitOfWork(desk), blobs))
