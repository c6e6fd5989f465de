"""Durable Functions state for devhost in PostgreSQL: instances, their history, and the work they wait on.

The Functions host keeps the same things in Azure Storage. Here each task hub is served by one devhost at a
time, and everything an orchestration needs to resume lives in these tables, so a restarted devhost picks up
where the last one stopped.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

SCHEMA = """
CREATE TABLE IF NOT EXISTS devhost_durable_instances (
    hub            text NOT NULL,
    instance_id    text NOT NULL,
    name           text NOT NULL,
    status         text NOT NULL,            -- Pending, Running, Completed, Failed, Terminated
    input          text,                     -- JSON, as the client sent it
    output         text,
    custom_status  text,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    next_event_id  integer NOT NULL DEFAULT 0,  -- the orchestrator's task sequence, mirrored
    actions_seen   integer NOT NULL DEFAULT 0,  -- how many of its actions have been scheduled
    PRIMARY KEY (hub, instance_id)
);
CREATE TABLE IF NOT EXISTS devhost_durable_history (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub          text NOT NULL,
    instance_id  text NOT NULL,
    event        jsonb NOT NULL,
    pending      boolean NOT NULL               -- not yet shown to the orchestrator
);
CREATE INDEX IF NOT EXISTS devhost_durable_history_idx ON devhost_durable_history (hub, instance_id, seq);
CREATE INDEX IF NOT EXISTS devhost_durable_pending_idx ON devhost_durable_history (hub, instance_id) WHERE pending;
CREATE TABLE IF NOT EXISTS devhost_durable_work (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hub          text NOT NULL,
    instance_id  text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('activity', 'timer')),
    task_id      integer NOT NULL,
    name         text,
    input        text,
    retry        jsonb,                      -- the action's retry options, for activities called with retry
    attempt      integer NOT NULL DEFAULT 1,
    due_at       timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS devhost_durable_work_idx ON devhost_durable_work (hub, kind, due_at);
"""
RUNNING = ("Pending", "Running")
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def event(event_type: int, at: datetime, event_id: int = -1, **fields: Any) -> dict[str, Any]:
    """A history event in the shape the durable SDK replays (the Functions host's JSON)."""
    return {"EventType": event_type, "EventId": event_id, "IsPlayed": False,
            "Timestamp": at.astimezone(UTC).strftime(TIMESTAMP_FORMAT), **fields}


class DurableStore:
    def __init__(self, conn: Any, hub: str):
        self.conn = conn
        self.hub = hub

    def instance(self, instance_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
        return self.conn.cursor(row_factory=dict_row).execute(
            "SELECT * FROM devhost_durable_instances WHERE hub = %s AND instance_id = %s"
            + (" FOR UPDATE" if for_update else ""),
            (self.hub, instance_id),
        ).fetchone()

    def create(self, instance_id: str, name: str, input_: str | None, at: datetime) -> None:
        """A new instance, or a fresh start of one that has ended (as the host replaces it)."""
        self.conn.execute("DELETE FROM devhost_durable_history WHERE hub = %s AND instance_id = %s",
                          (self.hub, instance_id))
        self.conn.execute("DELETE FROM devhost_durable_work WHERE hub = %s AND instance_id = %s",
                          (self.hub, instance_id))
        self.conn.execute(
            """
            INSERT INTO devhost_durable_instances (hub, instance_id, name, status, input, created_at, updated_at)
            VALUES (%s, %s, %s, 'Pending', %s, %s, %s)
            ON CONFLICT (hub, instance_id) DO UPDATE SET name = EXCLUDED.name, status = 'Pending',
                input = EXCLUDED.input, output = NULL, custom_status = NULL, created_at = EXCLUDED.created_at,
                updated_at = EXCLUDED.updated_at, next_event_id = 0, actions_seen = 0
            """,
            (self.hub, instance_id, name, input_, at, at),
        )
        self.add_events(instance_id, [event(0, at, Name=name, Input=input_, Version="")])

    def add_events(self, instance_id: str, events: list[dict[str, Any]], *, pending: bool = True) -> None:
        self.conn.cursor().executemany(
            "INSERT INTO devhost_durable_history (hub, instance_id, event, pending) VALUES (%s, %s, %s, %s)",
            [(self.hub, instance_id, Jsonb(e), pending) for e in events],
        )

    def history(self, instance_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
        """The events the orchestrator has seen, those it has not yet, and the last event's position."""
        rows = self.conn.execute(
            "SELECT event, pending, seq FROM devhost_durable_history WHERE hub = %s AND instance_id = %s ORDER BY seq",
            (self.hub, instance_id),
        ).fetchall()
        last = rows[-1][2] if rows else 0
        return [e for e, pending, _ in rows if not pending], [e for e, pending, _ in rows if pending], last

    def record_episode(self, instance_id: str, up_to: int, episode: list[dict[str, Any]]) -> None:
        """Replace the news the orchestrator has now seen (up to `up_to`) with the episode as it saw it:
        OrchestratorStarted, the news, what it scheduled, OrchestratorCompleted. News that came in meanwhile
        stays pending for the next episode."""
        self.conn.execute(
            "DELETE FROM devhost_durable_history WHERE hub = %s AND instance_id = %s AND pending AND seq <= %s",
            (self.hub, instance_id, up_to),
        )
        self.add_events(instance_id, episode, pending=False)

    def instances_with_news(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT DISTINCT instance_id FROM devhost_durable_history WHERE hub = %s AND pending", (self.hub,)
        ).fetchall()
        return [row[0] for row in rows]

    def save_state(self, instance_id: str, at: datetime, **fields: Any) -> None:
        sets = ", ".join(f"{name} = %({name})s" for name in fields)
        self.conn.execute(
            f"UPDATE devhost_durable_instances SET {sets}, updated_at = %(at)s"
            " WHERE hub = %(hub)s AND instance_id = %(instance_id)s",
            {**fields, "at": at, "hub": self.hub, "instance_id": instance_id},
        )

    def next_task_id(self, instance_id: str) -> int:
        return self.conn.execute(
            "UPDATE devhost_durable_instances SET next_event_id = next_event_id + 1"
            " WHERE hub = %s AND instance_id = %s RETURNING next_event_id - 1",
            (self.hub, instance_id),
        ).fetchone()[0]

    def add_work(self, instance_id: str, kind: str, task_id: int, due_at: datetime, name: str | None = None,
                 input_: str | None = None, retry: dict[str, Any] | None = None, attempt: int = 1) -> None:
        self.conn.execute(
            "INSERT INTO devhost_durable_work (hub, instance_id, kind, task_id, name, input, retry, attempt, due_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (self.hub, instance_id, kind, task_id, name, input_, Jsonb(retry) if retry else None, attempt, due_at),
        )

    def take_work(self, work_id: int) -> dict[str, Any] | None:
        """Remove a piece of work, returning it; None when someone already did."""
        return self.conn.cursor(row_factory=dict_row).execute(
            "DELETE FROM devhost_durable_work WHERE id = %s RETURNING *", (work_id,)
        ).fetchone()

    def due_work(self, kind: str, until: datetime, limit: int = 100) -> list[dict[str, Any]]:
        return self.conn.cursor(row_factory=dict_row).execute(
            "SELECT * FROM devhost_durable_work WHERE hub = %s AND kind = %s AND due_at <= %s ORDER BY due_at, id"
            " LIMIT %s",
            (self.hub, kind, until, limit),
        ).fetchall()

    def drop_work(self, instance_id: str) -> None:
        self.conn.execute("DELETE FROM devhost_durable_work WHERE hub = %s AND instance_id = %s",
                          (self.hub, instance_id))


def status_json(row: dict[str, Any]) -> dict[str, Any]:
    """An instance as the durable HTTP API reports it."""

    def parsed(value: str | None) -> Any:
        return json.loads(value) if value is not None else None

    return {
        "name": row["name"], "instanceId": row["instance_id"], "runtimeStatus": row["status"],
        "createdTime": row["created_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lastUpdatedTime": row["updated_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "input": parsed(row["input"]), "output": parsed(row["output"]), "customStatus": parsed(row["custom_status"]),
    }
