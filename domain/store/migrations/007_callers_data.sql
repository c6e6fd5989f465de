-- Callers' data: a contact erased at their request keeps its row (tickets point at it) but not who they were.
ALTER TABLE contacts ADD COLUMN erased_at timestamptz, ADD COLUMN erased_by text;
-- The retention timer looks for calls that still hold a recording or a transcript, oldest first.
CREATE INDEX calls_retained_idx ON calls (started_at)
    WHERE recording_blob IS NOT NULL OR transcript IS NOT NULL OR speech_text IS NOT NULL;
