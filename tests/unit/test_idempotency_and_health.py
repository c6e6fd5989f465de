"""An Idempotency-Key runs a create once and replays its answer; health says which dependency is down."""
import pytest

from domain.errors import DependencyUnavailable, InvalidInput
from domain.services.health import check_health
from domain.services.idempotency import check_key, run_once
from tests.conftest import on_own_loop
from tests.fakes import DeskState, FakeTriageModels, FakeUnitOfWork, FakeVectorIndex


def test_a_key_runs_its_action_once_and_replays_the_answer_and_refuses_another_body():
    desk, runs = DeskState(), []

    async def action() -> tuple[int, dict[str, object]]:
        runs.append(1)
        return 201, {"number": f"INC{len(runs):07d}"}

    async def send(body: str) -> tuple[int, dict[str, object], bool]:
        async with FakeUnitOfWork(desk) as uow:
            answer = await run_once("ana", "key-1", body, uow, action)
            await uow.commit()
        return answer

    assert on_own_loop(send('{"a": 1}')) == (201, {"number": "INC0000001"}, False)
    assert on_own_loop(send('{"a": 1}')) == (201, {"number": "INC0000001"}, True)
    assert len(runs) == 1
    with pytest.raises(InvalidInput, match="different request"):
        on_own_loop(send('{"a": 2}'))


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\there"])
def test_a_key_outside_printable_ascii_or_too_long_is_refused(key):
    with pytest.raises(InvalidInput):
        check_key(key)


def test_health_is_ok_with_every_dependency_and_degraded_naming_the_one_that_is_down():
    desk, index, models = DeskState(outbox={1: 1, 2: 2}), FakeVectorIndex(), FakeTriageModels()
    report = on_own_loop(check_health(lambda: FakeUnitOfWork(desk), lambda: index, lambda: models))
    assert report.status == "ok" and "2 waiting" in report.checks["redis"].detail
    assert "not trained yet" in report.checks["triage"].detail

    class Unreachable(FakeUnitOfWork):
        async def __aenter__(self):
            raise DependencyUnavailable("The database is not reachable right now.")

    index.down = True
    report = on_own_loop(check_health(lambda: Unreachable(desk), lambda: index, lambda: models))
    assert report.status == "degraded"
    assert {name for name, check in report.checks.items() if check.status != "ok"} == {"postgresql", "redis"}
