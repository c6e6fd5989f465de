-- Every change to a ticket writes a new row version with new entries in every index on tickets, the word search
-- index included: the list's sort keys (updated_at among them) are indexed, so no update is HOT. By default a
-- GIN index puts new entries on a pending list that every search through it reads in full, until autovacuum or
-- a write that finds the list at gin_pending_list_limit (4 MB) merges it into the tree. On a busy desk that is
-- most of the time: at 20,000 tickets, 20,000 changes left 9,315 tickets' entries pending and word searches took
-- 2.1-2.8 times as long as before the changes (benchmarks/million_tickets.py), until one unlucky change paid
-- for the merge. Entries go straight into the tree instead, which costs each change a little more and keeps
-- every search as fast as after a VACUUM.
ALTER INDEX tickets_search_idx SET (fastupdate = off);
-- Turning the list off does not empty it: what is already pending is merged now.
SELECT gin_clean_pending_list('tickets_search_idx');
