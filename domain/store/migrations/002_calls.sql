-- Phone calls: one row per Twilio CallSid, kept whether or not it made a ticket; callers who joined a
-- ticket by reporting the same problem.

CREATE TABLE calls (
    sid                    text PRIMARY KEY CHECK (sid ~ '^CA[0-9a-f]{32}$'),
    from_phone             text NOT NULL,               -- E.164
    to_phone               text,
    contact_id             bigint REFERENCES contacts (id),
    locale                 text NOT NULL,               -- es-MX, en-US, ...
    status                 text NOT NULL DEFAULT 'in-progress',  -- Twilio's CallStatus
    intent                 text CHECK (intent IN ('report', 'status')),
    started_at             timestamptz NOT NULL,
    ended_at               timestamptz,
    duration_seconds       integer,
    speech_text            text,                        -- Twilio's recognizer, while the caller was on the line
    speech_confidence      real,
    recording_sid          text,
    recording_url          text,
    recording_seconds      integer,
    recording_blob         text,                        -- where the recording is kept in Blob Storage
    transcript             text,                        -- the transcription of the recording
    transcript_provider    text,
    transcript_confidence  real,
    ticket_id              bigint REFERENCES tickets (id),
    joined_existing        boolean NOT NULL DEFAULT false,
    pipeline_step          text,
    pipeline_status        text CHECK (pipeline_status IN ('running', 'completed', 'failed')),
    review_reason          text,
    sms_body               text,
    sms_sid                text,
    sms_status             text,
    updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX calls_started_idx ON calls (started_at DESC, sid);
CREATE INDEX calls_ticket_idx ON calls (ticket_id);
CREATE INDEX calls_from_idx ON calls (from_phone);

CREATE TABLE ticket_affected_contacts (
    ticket_id   bigint NOT NULL REFERENCES tickets (id),
    contact_id  bigint NOT NULL REFERENCES contacts (id),
    call_sid    text REFERENCES calls (sid),
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ticket_id, contact_id)
);
