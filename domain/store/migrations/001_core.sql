-- The service desk core: reference data, contacts, tickets, their activity, API keys and idempotency.

CREATE SEQUENCE ticket_number_seq START WITH 10001;

CREATE TABLE assignment_groups (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE categories (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL UNIQUE,
    subcategories  text[] NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sla_targets (
    priority            smallint PRIMARY KEY CHECK (priority BETWEEN 1 AND 5),
    response_minutes    integer NOT NULL CHECK (response_minutes > 0),
    resolution_minutes  integer NOT NULL CHECK (resolution_minutes > 0)
);

INSERT INTO sla_targets (priority, response_minutes, resolution_minutes) VALUES
    (1, 15, 240), (2, 60, 480), (3, 240, 4320), (4, 480, 7200), (5, 1440, 14400);

CREATE TABLE contacts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text,
    phone       text UNIQUE,          -- E.164
    email       text,
    language    text NOT NULL DEFAULT 'es' CHECK (language IN ('es', 'en')),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_email_idx ON contacts (lower(email));

CREATE TABLE tickets (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number               text NOT NULL UNIQUE,
    state                smallint NOT NULL DEFAULT 1 CHECK (state IN (1, 2, 3, 6, 7, 8)),
    on_hold_reason       text CHECK (on_hold_reason IN ('awaiting_caller', 'awaiting_change', 'awaiting_problem', 'awaiting_vendor')),
    impact               smallint NOT NULL CHECK (impact BETWEEN 1 AND 3),
    urgency              smallint NOT NULL CHECK (urgency BETWEEN 1 AND 3),
    priority             smallint NOT NULL CHECK (priority BETWEEN 1 AND 5),
    short_description    text NOT NULL,
    description          text NOT NULL DEFAULT '',
    caller_id            bigint REFERENCES contacts (id),
    category_id          bigint REFERENCES categories (id),
    subcategory          text,
    channel              text NOT NULL CHECK (channel IN ('phone', 'web', 'api', 'email')),
    assignment_group_id  bigint REFERENCES assignment_groups (id),
    assigned_to          text,
    parent_id            bigint REFERENCES tickets (id),
    close_code           text,
    close_notes          text,
    version              integer NOT NULL DEFAULT 1,
    opened_at            timestamptz NOT NULL,
    opened_by            text NOT NULL,
    updated_at           timestamptz,
    updated_by           text,
    resolved_at          timestamptz,
    resolved_by          text,
    closed_at            timestamptz,
    closed_by            text,
    responded_at         timestamptz,
    paused_since         timestamptz,
    paused_seconds       double precision NOT NULL DEFAULT 0,
    -- Callers write in Spanish or English: index both stemmings so either language's query finds it.
    search               tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', number), 'A')
        || setweight(to_tsvector('english', short_description), 'A')
        || setweight(to_tsvector('spanish', short_description), 'A')
        || setweight(to_tsvector('english', description), 'B')
        || setweight(to_tsvector('spanish', description), 'B')
    ) STORED
);
CREATE INDEX tickets_search_idx ON tickets USING gin (search);
CREATE INDEX tickets_state_idx ON tickets (state, id);
CREATE INDEX tickets_priority_idx ON tickets (priority, id);
CREATE INDEX tickets_group_idx ON tickets (assignment_group_id, id);
CREATE INDEX tickets_assigned_idx ON tickets (assigned_to, id);
CREATE INDEX tickets_caller_idx ON tickets (caller_id, id);
CREATE INDEX tickets_opened_idx ON tickets (opened_at, id);
CREATE INDEX tickets_updated_idx ON tickets (updated_at, id);
CREATE INDEX tickets_resolved_idx ON tickets (resolved_at) WHERE state = 6;

CREATE TABLE ticket_activity (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets (id),
    kind        text NOT NULL CHECK (kind IN ('comment', 'work_note', 'audit')),
    actor       text NOT NULL,
    body        text,
    field       text,
    old_value   text,
    new_value   text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_activity_ticket_idx ON ticket_activity (ticket_id, id);

CREATE TABLE api_keys (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL,
    prefix        text NOT NULL,
    key_hash      text NOT NULL UNIQUE,   -- sha256 of the whole key; the key itself is never stored
    scopes        text[] NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL,
    revoked_at    timestamptz,
    revoked_by    text,
    last_used_at  timestamptz
);

CREATE TABLE idempotency_keys (
    principal     text NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    status        integer,
    response      jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);
