-- The workspace's second pass: contacts changed only on purpose, agents as a directory, and the desk's own work
-- notes kept as keys and parameters that each reader sees in their language.

-- A ticket's caller is a contact, found by phone. Someone else may call from that phone (a shared desk line, a
-- relative): the name they gave is kept on their ticket, and the contact keeps its own.
ALTER TABLE tickets ADD COLUMN given_caller_name text;

-- The list sorts by the name the ticket shows: the name given on it, else its contact's.
CREATE OR REPLACE FUNCTION tickets_set_sort_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.category_sort := coalesce((SELECT name FROM categories WHERE id = NEW.category_id), '');
    NEW.group_sort := coalesce((SELECT name FROM assignment_groups WHERE id = NEW.assignment_group_id), '');
    NEW.caller_sort := coalesce(NEW.given_caller_name, (SELECT name FROM contacts WHERE id = NEW.caller_id), '');
    RETURN NEW;
END $$;
DROP TRIGGER tickets_sort_names_on_update ON tickets;
CREATE TRIGGER tickets_sort_names_on_update BEFORE UPDATE ON tickets
    FOR EACH ROW WHEN (NEW.category_id IS DISTINCT FROM OLD.category_id
                       OR NEW.assignment_group_id IS DISTINCT FROM OLD.assignment_group_id
                       OR NEW.caller_id IS DISTINCT FROM OLD.caller_id
                       OR NEW.given_caller_name IS DISTINCT FROM OLD.given_caller_name)
    EXECUTE FUNCTION tickets_set_sort_names();
-- A renamed contact renames the tickets that show its name, not those that keep another caller's.
DROP TRIGGER contacts_renamed ON contacts;
CREATE FUNCTION contact_renamed_in_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets SET caller_sort = coalesce(NEW.name, '') WHERE caller_id = NEW.id AND given_caller_name IS NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER contacts_renamed AFTER UPDATE OF name ON contacts
    FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name) EXECUTE FUNCTION contact_renamed_in_tickets();

-- Every change made to a contact on purpose (a rename, a channel opted out of), by whom and when.
CREATE TABLE contact_changes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id  bigint NOT NULL REFERENCES contacts (id),
    actor       text NOT NULL,
    field       text NOT NULL,
    old_value   text,
    new_value   text,
    created_at  timestamptz NOT NULL
);
CREATE INDEX contact_changes_contact_idx ON contact_changes (contact_id, id);

-- The agent directory: everyone who signed in as an agent, and everyone an admin added to a group before that.
-- A ticket's assigned_to holds a user_name from here.
CREATE TABLE agents (
    user_name      text PRIMARY KEY,
    display_name   text NOT NULL,
    email          text,
    first_seen_at  timestamptz,          -- NULL until they sign in
    added_at       timestamptz NOT NULL DEFAULT now()
);
INSERT INTO agents (user_name, display_name)
SELECT DISTINCT ON (user_name) user_name, display_name FROM group_members ORDER BY user_name, added_at;
-- Looked up by the beginnings of words, accents and case aside (atiende_simple, migration 013).
CREATE INDEX agents_lookup_idx ON agents
    USING gin (to_tsvector('atiende_simple', display_name || ' ' || user_name || ' ' || coalesce(email, '')));

-- A note the desk writes (an opening from a call, a duplicate, a rating) is a list of sentences, each a key with
-- its parameters, rendered in the reader's language; `body` keeps the English for the API and for search.
ALTER TABLE ticket_activity ADD COLUMN note_parts jsonb;


-- A duplicate's requester is told which ticket carries their problem now.
ALTER TABLE requester_events DROP CONSTRAINT requester_events_event_check;
ALTER TABLE requester_events ADD CONSTRAINT requester_events_event_check
    CHECK (event IN ('comment', 'awaiting_you', 'resolved', 'reopened', 'duplicate'));
