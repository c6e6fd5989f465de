-- The agent directory: who works in each assignment group, which the form's Assigned to look-up offers.
CREATE TABLE group_members (
    group_id      bigint NOT NULL REFERENCES assignment_groups (id) ON DELETE CASCADE,
    user_name     text NOT NULL,  -- the sign-in name, which is what a ticket's assigned_to holds
    display_name  text NOT NULL,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, user_name)
);
CREATE INDEX group_members_user_idx ON group_members (user_name);

-- Searching the list by a caller's name (or the start of it) reads this index, not every contact.
CREATE INDEX contacts_name_search_idx ON contacts USING gin (to_tsvector('simple', coalesce(name, '')));

-- A ticket's children, listed on its form.
CREATE INDEX tickets_parent_idx ON tickets (parent_id, id) WHERE parent_id IS NOT NULL;
