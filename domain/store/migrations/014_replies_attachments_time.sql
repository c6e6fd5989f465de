-- Canned replies, agents' own files on tickets and comments (uploaded straight to Blob Storage), and time worked.

-- Reusable replies in a language, for the whole desk (no group) or for one assignment group's agents.
CREATE TABLE canned_replies (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title                text NOT NULL,
    body                 text NOT NULL,          -- plain text with {{placeholders}} (domain/canned.py)
    language             text NOT NULL CHECK (language IN ('es', 'en')),
    assignment_group_id  bigint REFERENCES assignment_groups (id),
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL,
    created_by           text NOT NULL,
    updated_at           timestamptz,
    updated_by           text
);
CREATE INDEX canned_replies_group_idx ON canned_replies (assignment_group_id, language);

-- An agent's upload, from the write-only link it was given to the attachment it became (or why it did not).
CREATE TABLE uploads (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    ticket_id      bigint NOT NULL REFERENCES tickets (id),
    requested_by   text NOT NULL,
    filename       text NOT NULL,               -- as it will be kept: safe, and ending as its type does
    content_type   text NOT NULL,
    declared_size  integer NOT NULL CHECK (declared_size > 0),
    blob_name      text NOT NULL UNIQUE,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    settled_at     timestamptz,
    outcome        text CHECK (outcome IN ('kept', 'refused', 'expired')),
    refusal        text
);
-- The sweep of links that ran out unused finds them here.
CREATE INDEX uploads_unsettled_idx ON uploads (expires_at) WHERE settled_at IS NULL;

-- Who uploaded a file (none: it came with the requester's e-mail), the comment or work note it belongs to, and
-- the upload it came from. Erasing a requester deletes their tickets' files, uploads keep their row.
ALTER TABLE attachments ADD COLUMN uploaded_by text;
ALTER TABLE attachments ADD COLUMN activity_id bigint REFERENCES ticket_activity (id);
ALTER TABLE attachments ADD COLUMN upload_id uuid UNIQUE REFERENCES uploads (id);

-- Time worked, on the comment or work note that says it and as the ticket's running total, which the same save
-- statement adds to (the list reads a column, never a sum).
ALTER TABLE ticket_activity ADD COLUMN time_worked_minutes integer
    CHECK (time_worked_minutes BETWEEN 1 AND 1440);
ALTER TABLE tickets ADD COLUMN time_worked_minutes integer NOT NULL DEFAULT 0;
