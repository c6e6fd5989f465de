-- The dashboard's aggregates, fast at a million tickets: open tickets are read from an index that holds what the
-- SLA clock needs, and tickets resolved over the last days from an index on when they were resolved (closed
-- tickets included; the core's index covers resolved ones only).
CREATE INDEX tickets_open_idx ON tickets (priority, state, assignment_group_id)
    INCLUDE (opened_at, paused_seconds, paused_since) WHERE state IN (1, 2, 3);
CREATE INDEX tickets_resolved_at_idx ON tickets (resolved_at) INCLUDE (opened_at, paused_seconds)
    WHERE resolved_at IS NOT NULL;
