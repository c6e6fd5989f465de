-- The requester hears back: what they should be told (an outbox written in the ticket's own statement), each
-- message sent with its delivery state, each message that came in (once), attachments, and satisfaction.

-- A ticket can now be opened by an SMS to the desk's number.
ALTER TABLE tickets DROP CONSTRAINT tickets_channel_check;
ALTER TABLE tickets ADD CONSTRAINT tickets_channel_check CHECK (channel IN ('phone', 'web', 'api', 'email', 'sms'));

-- A requester may refuse either channel (STOP by SMS, or an agent on their word), and lives in a time zone of
-- their own for quiet hours (the desk's when none is known).
ALTER TABLE contacts ADD COLUMN sms_opted_out boolean NOT NULL DEFAULT false;
ALTER TABLE contacts ADD COLUMN email_opted_out boolean NOT NULL DEFAULT false;
ALTER TABLE contacts ADD COLUMN time_zone text;

-- What the requester should hear about, written by the ticket's save in the same statement: nothing is told
-- before the change commits, and an outage of Twilio or SMTP loses nothing.
CREATE TABLE requester_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets (id),
    event       text NOT NULL CHECK (event IN ('comment', 'awaiting_you', 'resolved', 'reopened')),
    body        text,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    handled_at  timestamptz
);
CREATE INDEX requester_events_pending_idx ON requester_events (ticket_id, created_at) WHERE handled_at IS NULL;

-- Each message to a requester, on one channel, from queued to its delivery state.
CREATE TABLE notifications (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id        bigint NOT NULL REFERENCES tickets (id),
    contact_id       bigint NOT NULL REFERENCES contacts (id),
    channel          text NOT NULL CHECK (channel IN ('sms', 'email')),
    recipient        text NOT NULL,
    subject          text,
    body             text NOT NULL,
    events           text[] NOT NULL,
    status           text NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'sent', 'delivered', 'undelivered', 'failed', 'bounced')),
    provider_id      text,           -- Twilio's MessageSid, or the e-mail's Message-ID
    attempts         integer NOT NULL DEFAULT 0,
    send_after       timestamptz NOT NULL,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    status_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX notifications_due_idx ON notifications (send_after) WHERE status = 'queued';
CREATE INDEX notifications_ticket_idx ON notifications (ticket_id, id);
CREATE UNIQUE INDEX notifications_provider_idx ON notifications (provider_id) WHERE provider_id IS NOT NULL;

-- Each SMS or e-mail that came in, once by its provider's id: a webhook delivered twice, or a mailbox read again
-- after a crash, finds its row and changes nothing.
CREATE TABLE inbound_messages (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel      text NOT NULL CHECK (channel IN ('sms', 'email')),
    external_id  text NOT NULL,      -- MessageSid, or Message-ID
    sender       text NOT NULL,      -- E.164, or the lower-cased address
    ticket_id    bigint REFERENCES tickets (id),
    outcome      text NOT NULL,      -- commented, opened, asked_which, rated, opted_out, opted_in, refused, bounce
    body         text,
    received_at  timestamptz NOT NULL,
    UNIQUE (channel, external_id)
);
CREATE INDEX inbound_messages_sender_idx ON inbound_messages (channel, sender, received_at);

-- Files that came with a requester's e-mail, kept in Blob Storage.
CREATE TABLE attachments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id     bigint NOT NULL REFERENCES tickets (id),
    filename      text NOT NULL,
    content_type  text NOT NULL,
    size_bytes    integer NOT NULL,
    blob_name     text NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_ticket_idx ON attachments (ticket_id, id);

-- One satisfaction question per resolution: asked when the ticket is resolved, answered 1-5 with any words.
CREATE TABLE satisfaction (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id    bigint NOT NULL REFERENCES tickets (id),
    contact_id   bigint NOT NULL REFERENCES contacts (id),
    token        text NOT NULL UNIQUE,
    asked_at     timestamptz NOT NULL,
    rating       smallint CHECK (rating BETWEEN 1 AND 5),
    comment      text,
    answered_at  timestamptz,
    flagged      boolean NOT NULL DEFAULT false
);
CREATE INDEX satisfaction_contact_idx ON satisfaction (contact_id, asked_at DESC) WHERE rating IS NULL;
CREATE INDEX satisfaction_answered_idx ON satisfaction (answered_at) WHERE rating IS NOT NULL;
CREATE INDEX satisfaction_flagged_idx ON satisfaction (answered_at DESC) WHERE flagged;
-- Erasing a requester finds their messages both ways.
CREATE INDEX notifications_contact_idx ON notifications (contact_id);
