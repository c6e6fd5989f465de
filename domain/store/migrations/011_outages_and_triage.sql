-- Outages: how many distinct callers an open ticket affects (its own caller is the first), which raises its
-- impact and, from a few, makes it a major incident; and, per call, whether the caller heard that it was resolved.
ALTER TABLE tickets ADD COLUMN affected_callers integer NOT NULL DEFAULT 1 CHECK (affected_callers >= 1);
CREATE INDEX tickets_affected_idx ON tickets (affected_callers DESC, id DESC) WHERE affected_callers > 1;
ALTER TABLE calls ADD COLUMN resolved_sms_status text;
-- The untriaged queue: open tickets no group has been given, newest first.
CREATE INDEX tickets_untriaged_idx ON tickets (id DESC) WHERE assignment_group_id IS NULL AND state IN (1, 2, 3);
-- A caller may also join the major incident the greeting names, with one key.
ALTER TABLE calls DROP CONSTRAINT calls_intent_check;
ALTER TABLE calls ADD CONSTRAINT calls_intent_check CHECK (intent IN ('report', 'status', 'joined'));
