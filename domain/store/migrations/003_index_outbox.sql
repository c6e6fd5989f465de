-- Tickets whose text or state changed and whose vectors are not yet in Redis. Written in the ticket's own
-- transaction and drained off the request path, so a write never waits on the model or Redis and a Redis
-- outage loses nothing: the ticket is indexed once Redis is back.
CREATE TABLE index_outbox (
    ticket_id    bigint PRIMARY KEY REFERENCES tickets (id),
    enqueued_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text
);
CREATE INDEX index_outbox_enqueued_idx ON index_outbox (enqueued_at);

-- Every ticket already stored goes into the index once.
INSERT INTO index_outbox (ticket_id) SELECT id FROM tickets;
