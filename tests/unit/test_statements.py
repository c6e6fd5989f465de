"""run_now: the result of store and service coroutines over the synchronous unit of work, which never wait."""
import asyncio

import pytest

from domain.store.statements import run_now


def test_work_that_never_waits_gives_its_result_and_its_errors():
    async def add(a: int, b: int) -> int:
        return a + b

    async def refuse() -> None:
        raise ValueError("refused")

    assert run_now(add(2, 3)) == 5
    with pytest.raises(ValueError, match="refused"):
        run_now(refuse())


def test_work_that_waits_on_an_event_loop_is_refused_and_closed():
    finished = []

    async def sleeps() -> None:
        try:
            await asyncio.sleep(0)  # hands control to the loop: the one thing run_now cannot do
        finally:
            finished.append(True)

    with pytest.raises(RuntimeError, match="await it instead"):
        run_now(sleeps())
    assert finished == [True]  # closed, so its cleanup ran and nothing is left half done
