import threading
from datetime import UTC, datetime

from croniter import croniter

import function_app
from devhost.timers import timer_functions


def test_the_timers_are_found_with_their_schedules():
    timers = {name: schedule for name, schedule, _, _ in timer_functions(function_app.app)}
    assert timers == {"close_resolved_tickets": "0 */15 * * * *", "index_changed_tickets": "*/5 * * * * *",
                      "forget_old_recordings": "0 15 3 * * *", "tell_callers_outage_resolved": "*/10 * * * * *",
                      "tell_requesters": "*/15 * * * * *", "read_desk_mailbox": "*/30 * * * * *",
                      "sweep_uploads": "0 */10 * * * *"}


def test_ncrontab_reads_seconds_first():
    start = datetime(2026, 1, 1, 10, 7, 30, tzinfo=UTC)
    following = croniter("0 */15 * * * *", start, second_at_beginning=True).get_next(datetime)
    assert following == datetime(2026, 1, 1, 10, 15, 0, tzinfo=UTC)


def test_timer_functions_fire_on_schedule_and_survive_a_failure():
    import asyncio

    import azure.durable_functions as df
    import azure.functions as func

    from devhost.timers import run_timers

    fired: list[bool] = []
    app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.timer_trigger(schedule="* * * * * *", arg_name="timer")
    def every_second(timer: func.TimerRequest) -> None:
        fired.append(timer.past_due)
        if len(fired) == 1:
            raise RuntimeError("the first run fails; the next must still fire")

    async def run_briefly() -> None:
        task = asyncio.create_task(run_timers(app))
        for _ in range(50):
            await asyncio.sleep(0.1)
            if len(fired) >= 2:
                break
        task.cancel()

    # A thread of its own: another test's Playwright session may own this thread's event loop.
    runner = threading.Thread(target=asyncio.run, args=(run_briefly(),))
    runner.start()
    runner.join(timeout=10)
    assert fired[:2] == [False, False]


def test_each_app_is_indexed_on_its_own_even_when_a_collected_app_left_its_address_free():
    # CPython hands a freed object's address to the next one, so a cache keyed by id() answered a new app
    # with a collected app's functions: a timer test then saw no timer at all.
    import gc

    import azure.durable_functions as df
    import azure.functions as func

    from devhost.functions import indexed_functions

    for round_number in range(200):
        app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)
        schedule = f"{round_number % 60} * * * * *"

        @app.timer_trigger(schedule=schedule, arg_name="timer")
        def tick(timer: func.TimerRequest) -> None:
            pass

        assert [s for _, s, _, _ in timer_functions(app)] == [schedule]
        assert len(indexed_functions(app)) == 1
        del app, tick
        gc.collect()
