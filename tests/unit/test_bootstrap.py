"""The composition root: one set of services per event loop, parts made on first use or given by keyword."""
import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from domain import bootstrap
from domain.settings import Settings
from tests.conftest import on_own_loop
from tests.fakes import FakeEmbedder, FakeTelephony, FakeVectorIndex


def test_a_given_part_is_used_and_the_rest_are_made_only_when_asked_for():
    telephony, index = FakeTelephony(), FakeVectorIndex()
    made = bootstrap.build(Settings(), telephony=telephony, vector_index=index, embedder=FakeEmbedder())
    assert made.telephony is telephony and made.vector_index is index
    assert "blobs" not in vars(made)  # nothing reached Blob Storage's SDK for a desk that never asked
    assert made.duplicate_finder.index is index  # parts made from parts use what was given
    with pytest.raises(TypeError, match="no part telefony"):
        bootstrap.build(Settings(), telefony=telephony)


def test_each_event_loop_gets_services_of_its_own_and_the_same_ones_every_time():
    async def twice() -> tuple[bootstrap.Services, bootstrap.Services]:
        return bootstrap.services(), bootstrap.services()

    first, again = on_own_loop(twice())
    with ThreadPoolExecutor(1) as thread:  # a loop of its own, apart from this thread's (the browser tests')
        other, _ = thread.submit(asyncio.run, twice()).result()
    assert first is again and other is not first


def test_services_follow_settings_read_anew():
    async def current() -> bootstrap.Services:
        return bootstrap.services()

    before = on_own_loop(current())
    bootstrap.get_settings.cache_clear()
    assert on_own_loop(current()).settings is not before.settings
