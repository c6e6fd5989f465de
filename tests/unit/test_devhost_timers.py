from datetime import UTC, datetime

from croniter import croniter

import function_app
from devhost.timers import timer_functions


def test_the_auto_close_timer_is_found_with_its_schedule():
    timers = {name: schedule for name, schedule, _, _ in timer_functions(function_app.app)}
    assert timers == {"close_resolved_tickets": "0 */15 * * * *"}


def test_ncrontab_reads_seconds_first():
    start = datetime(2026, 1, 1, 10, 7, 30, tzinfo=UTC)
    following = croniter("0 */15 * * * *", start, second_at_beginning=True).get_next(datetime)
    assert following == datetime(2026, 1, 1, 10, 15, 0, tzinfo=UTC)
