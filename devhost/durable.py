"""Durable Functions on one machine: devhost plays the Functions host's part for the real durable SDK.

It keeps each instance's history, replays it to the orchestrator exactly as the host does (the SDK's own
`Orchestrator` handle, replay schema V1), runs the activities the orchestrator asks for (with the host's retry
semantics), fires durable timers, delivers raised events, and serves the durable HTTP API that
`DurableOrchestrationClient` calls. State lives in PostgreSQL (`durable_store`), so a restart resumes.
"""
from __future__ import annotations

import asyncio
import inspect
import json
import logging
import traceback
import uuid
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from azure.functions import meta
from azure.functions.durable_functions import ActivityTriggerConverter
from psycopg_pool import ConnectionPool
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from devhost.durable_store import RUNNING, SCHEMA, DurableStore, event, status_json
from devhost.functions import indexed_functions, trigger_of

log = logging.getLogger(__name__)
# An event raised before the orchestrator waits for it is held back by the SDK until the wait begins, by design
# (Twilio's recording callback can beat the pipeline); the SDK still warns each time it replays one.
warnings.filterwarnings("ignore", message="Potential duplicate Task completion", category=UserWarning)
WEBHOOK_PREFIX = "/runtime/webhooks/durabletask/"
_CALL_ACTIVITY, _CALL_ACTIVITY_WITH_RETRY, _CREATE_TIMER, _WAIT_FOR_EVENT = 0, 1, 5, 6
_TASK_SCHEDULED, _TASK_COMPLETED, _TASK_FAILED, _TIMER_CREATED, _TIMER_FIRED = 4, 5, 6, 10, 11
_ORCHESTRATOR_STARTED, _ORCHESTRATOR_COMPLETED, _EVENT_RAISED = 12, 13, 15
_OUT_OF_PROC = "$OutOfProcData$:"


def now() -> datetime:
    return datetime.now(UTC)


class DurableEngine:
    def __init__(self, function_app: Any, database_url: str, hub: str, max_activities: int = 8):
        self.hub = hub
        # The host's own store, apart from the app's connections: its episodes run on threads, as the
        # Functions host keeps its state beside the worker rather than in it.
        self.pool = ConnectionPool(database_url, min_size=1, max_size=8, open=True, name="devhost-durable")
        self.orchestrators: dict[str, Any] = {}
        self.activities: dict[str, tuple[str, Any]] = {}
        for function in indexed_functions(function_app):
            trigger = trigger_of(function)
            if trigger.get("type") == "orchestrationTrigger":
                self.orchestrators[function.get_function_name()] = function.get_user_function()
            elif trigger.get("type") == "activityTrigger":
                self.activities[function.get_function_name()] = (trigger["name"], function.get_user_function())
        self.max_activities = max_activities
        self._running: set[int] = set()
        self._wake = asyncio.Event()
        self._owner: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.base_url = ""

    # -- the client binding and the HTTP API that DurableOrchestrationClient calls --

    def client_binding(self) -> str:
        """The JSON string the host hands to a `durableClient` binding."""
        rpc = f"{self.base_url}{WEBHOOK_PREFIX}"
        instance = f"{rpc}instances/INSTANCEID"
        return json.dumps({
            "taskHubName": self.hub,
            "creationUrls": {"createNewInstancePostUri": f"{rpc}orchestrators/{{functionName}}[/{{instanceId}}]"},
            "managementUrls": {"id": "INSTANCEID", "statusQueryGetUri": instance,
                               "sendEventPostUri": f"{instance}/raiseEvent/{{eventName}}",
                               "terminatePostUri": f"{instance}/terminate?reason={{text}}"},
            "rpcBaseUrl": rpc,
        })

    async def handle_api(self, request: Request) -> Response:
        parts = request.url.path[len(WEBHOOK_PREFIX):].strip("/").split("/")
        body = await request.body()
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            return JSONResponse("Only application/json request content is supported", status_code=400)
        if request.method == "POST" and parts[0] == "orchestrators" and len(parts) in (2, 3):
            return await run_in_threadpool(self._start, parts[1], parts[2] if len(parts) == 3 else None, payload)
        if parts[0] == "instances" and len(parts) >= 2:
            if request.method == "GET" and len(parts) == 2:
                return await run_in_threadpool(self._status, parts[1])
            if request.method == "POST" and len(parts) == 4 and parts[2] == "raiseEvent":
                return await run_in_threadpool(self._raise, parts[1], parts[3], payload)
            if request.method == "POST" and len(parts) == 3 and parts[2] == "terminate":
                return await run_in_threadpool(self._terminate, parts[1], request.query_params.get("reason", ""))
        return JSONResponse({"Message": "Not a durable API this host serves."}, status_code=404)

    def _start(self, name: str, instance_id: str | None, input_: Any) -> Response:
        if name not in self.orchestrators:
            return JSONResponse({"ExceptionMessage": f"The function '{name}' doesn't exist or is not an orchestrator."},
                                status_code=400)
        instance_id = instance_id or uuid.uuid4().hex
        with self.pool.connection() as conn:
            store = DurableStore(conn, self.hub)
            existing = store.instance(instance_id, for_update=True)
            if existing and existing["status"] in RUNNING:
                return JSONResponse(f"An orchestration with instance ID '{instance_id}' already exists.",
                                    status_code=409)
            store.create(instance_id, name, input_ if isinstance(input_, str) or input_ is None else json.dumps(input_),
                         now())
        self._wake_up()
        status = f"{self.base_url}{WEBHOOK_PREFIX}instances/{quote(instance_id)}"
        return JSONResponse({"id": instance_id, "statusQueryGetUri": status,
                             "sendEventPostUri": f"{status}/raiseEvent/{{eventName}}"}, status_code=202)

    def _status(self, instance_id: str) -> Response:
        with self.pool.connection() as conn:
            row = DurableStore(conn, self.hub).instance(instance_id)
        if row is None:
            return Response(status_code=404)
        code = {"Completed": 200, "Failed": 500, "Terminated": 400}.get(row["status"], 202)
        return JSONResponse(status_json(row), status_code=code)

    def _raise(self, instance_id: str, name: str, data: Any) -> Response:
        with self.pool.connection() as conn:
            store = DurableStore(conn, self.hub)
            row = store.instance(instance_id, for_update=True)
            if row is None:
                return Response(status_code=404)
            if row["status"] not in RUNNING:
                return Response(status_code=410)
            store.add_events(instance_id, [event(_EVENT_RAISED, now(), Name=name, Input=data)])
        self._wake_up()
        return Response(status_code=202)

    def _terminate(self, instance_id: str, reason: str) -> Response:
        with self.pool.connection() as conn:
            store = DurableStore(conn, self.hub)
            row = store.instance(instance_id, for_update=True)
            if row is None:
                return Response(status_code=404)
            if row["status"] in RUNNING:
                store.save_state(instance_id, now(), status="Terminated", output=json.dumps(reason))
                store.drop_work(instance_id)
        return Response(status_code=202)

    # -- the dispatcher: orchestrator episodes, timers and activities --

    async def run(self) -> None:
        """Serve this task hub until cancelled; one devhost per hub (a PostgreSQL session lock says which)."""
        self._loop = asyncio.get_running_loop()
        self._owner = await run_in_threadpool(self._claim_hub)
        if self._owner is None:
            log.error("another devhost serves durable task hub %r; this one will not run orchestrations", self.hub)
            return
        try:
            while True:
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=0.2)
                except TimeoutError:
                    pass
                self._wake.clear()
                try:
                    await self._dispatch()
                except Exception:  # noqa: BLE001 - the dispatcher must outlive a database blip
                    log.exception("durable dispatcher failed; retrying")
                    await asyncio.sleep(1)
        finally:
            self._owner.close()

    def _claim_hub(self) -> Any:
        import psycopg

        conn = psycopg.connect(self.pool.conninfo, autocommit=True)
        conn.execute(SCHEMA)
        if not conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (f"devhost-hub:{self.hub}",)).fetchone()[0]:
            conn.close()
            return None
        return conn

    async def _dispatch(self) -> None:
        instances, timers = await run_in_threadpool(self._pending)
        for timer in timers:
            await run_in_threadpool(self._fire_timer, timer["id"])
        for instance_id in instances:
            await run_in_threadpool(self._run_episode, instance_id)
        # Read after the episodes, so that what they just scheduled starts now rather than on the next round.
        for work in await run_in_threadpool(self._due_activities):
            if work["id"] not in self._running and len(self._running) < self.max_activities:
                self._running.add(work["id"])
                asyncio.create_task(self._run_activity(work))

    def _pending(self) -> tuple[list[str], list[dict[str, Any]]]:
        with self.pool.connection() as conn:
            store = DurableStore(conn, self.hub)
            return store.instances_with_news(), store.due_work("timer", now())

    def _due_activities(self) -> list[dict[str, Any]]:
        with self.pool.connection() as conn:
            return DurableStore(conn, self.hub).due_work("activity", now())

    def _wake_up(self) -> None:
        # Called from worker threads too, where only the loop's own thread may touch the event.
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    def _run_episode(self, instance_id: str) -> None:
        """Replay the orchestrator over its history plus what is new, and schedule whatever it now asks for."""
        with self.pool.connection() as conn:
            store = DurableStore(conn, self.hub)
            row = store.instance(instance_id, for_update=True)
            seen, news, last = store.history(instance_id)
            if row is None or not news:
                return
            if row["status"] not in RUNNING:
                store.record_episode(instance_id, last, [])  # a timer or event that came after the end
                return
            at = now()
            started = event(_ORCHESTRATOR_STARTED, at)
            history = [{**e, "IsPlayed": True} for e in seen] + [started] + news
            context = {"history": history, "instanceId": instance_id, "isReplaying": bool(seen),
                       "parentInstanceId": None, "input": row["input"], "upperSchemaVersion": 0}
            state, error = _run_orchestrator(self.orchestrators[row["name"]], context)
            actions = [a for group in state.get("actions") or [] for a in group]
            episode = [started, *news]
            for action in actions[row["actions_seen"]:]:
                scheduled = self._schedule(store, instance_id, action, at)
                if scheduled is not None:
                    episode.append(scheduled)
            episode.append(event(_ORCHESTRATOR_COMPLETED, at))
            store.record_episode(instance_id, last, episode)
            fields: dict[str, Any] = {"actions_seen": len(actions), "status": "Running",
                                      "custom_status": json.dumps(state["customStatus"])
                                      if state.get("customStatus") is not None else row["custom_status"]}
            if error is not None:
                fields.update(status="Failed", output=json.dumps(error))
                log.error("orchestration %s failed: %s", instance_id, error)
            elif state.get("isDone"):
                fields.update(status="Completed", output=json.dumps(state.get("output")))
            store.save_state(instance_id, at, **fields)
            if fields["status"] != "Running":
                store.drop_work(instance_id)
        self._wake_up()

    def _schedule(self, store: DurableStore, instance_id: str, action: dict[str, Any], at: datetime) -> dict | None:
        kind = action.get("actionType")
        if kind in (_CALL_ACTIVITY, _CALL_ACTIVITY_WITH_RETRY):
            task_id = store.next_task_id(instance_id)
            store.add_work(instance_id, "activity", task_id, at, action["functionName"], action.get("input"),
                           action.get("retryOptions") if kind == _CALL_ACTIVITY_WITH_RETRY else None)
            return event(_TASK_SCHEDULED, at, task_id, Name=action["functionName"])
        if kind == _CREATE_TIMER:
            task_id = store.next_task_id(instance_id)
            fire_at = datetime.strptime(action["fireAt"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
            store.add_work(instance_id, "timer", task_id, fire_at)
            return event(_TIMER_CREATED, at, task_id, FireAt=action["fireAt"])
        if kind == _WAIT_FOR_EVENT:
            return None  # raised events are matched by name; nothing to schedule
        raise NotImplementedError(f"devhost does not run durable action type {kind}")

    def _fire_timer(self, work_id: int) -> None:
        with self.pool.connection() as conn:
            store = DurableStore(conn, self.hub)
            work = store.take_work(work_id)
            if work is None:
                return
            at, instance_id = now(), work["instance_id"]
            fired = [event(_TIMER_FIRED, at, TimerId=work["task_id"], FireAt=at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))]
            retry = work["retry"]
            if work["name"] and retry and work["attempt"] < retry["maxNumberOfAttempts"]:
                # A retry timer: the host schedules the activity again under a new task id, as the SDK expects.
                task_id = store.next_task_id(instance_id)
                fired.append(event(_TASK_SCHEDULED, at, task_id, Name=work["name"]))
                store.add_work(instance_id, "activity", task_id, at, work["name"], work["input"], retry,
                               work["attempt"] + 1)
            store.add_events(instance_id, fired)
        self._wake_up()

    async def _run_activity(self, work: dict[str, Any]) -> None:
        try:
            outcome = await self._call_activity(work)
            await run_in_threadpool(self._finish_activity, work, *outcome)
        except Exception:  # noqa: BLE001 - the work row stays, so the activity runs again
            log.exception("could not record the end of activity %s", work["name"])
            await asyncio.sleep(1)
        finally:
            self._running.discard(work["id"])
            self._wake_up()

    async def _call_activity(self, work: dict[str, Any]) -> tuple[str | None, str | None]:
        """The activity's JSON result, or the error it raised; converted as the Python worker converts them. A
        coroutine activity runs on the event loop, as the worker runs it; a plain one on a thread."""
        binding, handler = self.activities[work["name"]]
        try:
            value = ActivityTriggerConverter.decode(meta.Datum(work["input"] or "null", "json"), trigger_metadata=None)
            if inspect.iscoroutinefunction(handler):
                result = await handler(**{binding: value})
            else:
                result = await run_in_threadpool(handler, **{binding: value})
            return ActivityTriggerConverter.encode(result, expected_type=None).value, None
        except Exception as err:  # noqa: BLE001 - an activity's failure is recorded in its history
            log.warning("activity %s failed (attempt %s): %s", work["name"], work["attempt"], err)
            return None, "".join(traceback.format_exception_only(err)).strip()

    def _finish_activity(self, work: dict[str, Any], result: str | None, error: str | None) -> None:
        with self.pool.connection() as conn:
            store = DurableStore(conn, self.hub)
            if store.take_work(work["id"]) is None:
                return
            at, instance_id = now(), work["instance_id"]
            if error is None:
                store.add_events(instance_id, [event(_TASK_COMPLETED, at, TaskScheduledId=work["task_id"], Result=result)])
                return
            failed = [event(_TASK_FAILED, at, TaskScheduledId=work["task_id"], Reason=error, Details=error)]
            if work["retry"]:
                # Every failed attempt, the last one too, is followed by a retry timer: the SDK counts on it.
                timer_id = store.next_task_id(instance_id)
                fire_at = at + timedelta(milliseconds=work["retry"]["firstRetryIntervalInMilliseconds"])
                failed.append(event(_TIMER_CREATED, at, timer_id, FireAt=fire_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")))
                store.add_work(instance_id, "timer", timer_id, fire_at, work["name"], work["input"], work["retry"],
                               work["attempt"])
            store.add_events(instance_id, failed)


def _run_orchestrator(handle: Any, context: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The orchestrator's state after this episode, and its error when it threw."""
    try:
        return json.loads(handle(json.dumps(context))), None
    except Exception as err:  # noqa: BLE001 - a thrown orchestrator fails its instance, as on the host
        message = str(err)
        if _OUT_OF_PROC in message:
            head, _, state = message.partition(_OUT_OF_PROC)
            try:
                return json.loads(state), head.strip() or "orchestrator failed"
            except ValueError:
                pass
        return {"actions": []}, message or type(err).__name__
