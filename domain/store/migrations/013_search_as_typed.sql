-- Search as people type it: accents and case aside ("gonzalez" finds González, "informacion" información),
-- compounds joined or not ("wifi" finds Wi-Fi and "Wi-Fi" wifi), and runs of digits ("0019" finds INC0010019,
-- "0134" the tickets of the caller on +14155550134).
--
-- Accents. unaccent() is only STABLE (its rules file could change), so it cannot go into a generated column or
-- an index as a function call. PostgreSQL's unaccent documentation does it with text search configurations
-- instead: unaccent is also a *filtering dictionary*, which hands each word on to the next dictionary without
-- its accents, and to_tsvector(regconfig, text) is immutable whatever the configuration holds. Only the token
-- types that can carry an accent (word, hword, hword_part and, for names, the ones mixing letters and digits)
-- go through it; ASCII words keep their path. The configurations are written into the expressions below by
-- OID, so no search_path can make them mean something else.
--
-- Spanish keeps its own stems beside the unaccented ones. Snowball's Spanish stemmer knows its suffixes with
-- their accents: "información" and "informaciones" both stem to 'inform', but "informacion" typed without the
-- accent stays 'informacion'. Indexing the plain Spanish stems (which the stemmer already writes without acute
-- accents) and the stems of the unaccented words keeps every match there was and adds the unaccented one; the
-- lists ask both. English stems come from unaccented words only: its stemmer has no accented suffixes to lose.
-- Spanish stop words are written with their accents ("también", "está"), so the unaccented path drops them with
-- the Spanish stop list before unaccent, as the Spanish dictionary itself would have.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH DICTIONARY atiende_spanish_stop (TEMPLATE = pg_catalog.simple, STOPWORDS = spanish, ACCEPT = false);

CREATE TEXT SEARCH CONFIGURATION atiende_english (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION atiende_english
    ALTER MAPPING FOR word, hword, hword_part WITH unaccent, english_stem;

CREATE TEXT SEARCH CONFIGURATION atiende_spanish (COPY = pg_catalog.spanish);
ALTER TEXT SEARCH CONFIGURATION atiende_spanish
    ALTER MAPPING FOR word, hword, hword_part WITH atiende_spanish_stop, unaccent, spanish_stem;

-- Names: no stems, no stop words ("De la Cruz"), accents aside.
CREATE TEXT SEARCH CONFIGURATION atiende_simple (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION atiende_simple
    ALTER MAPPING FOR word, hword, hword_part, numword, numhword, hword_numpart WITH unaccent, simple;

-- Compounds. The parser reads "Wi-Fi" as 'wi-fi', 'wi' and 'fi', and "wifi" as 'wifi' alone, so neither found
-- the other. The index gets each hyphenated compound joined as well ('wifi'), and the lists join the compounds
-- of what is typed before asking (domain/search_terms.py), so both spellings meet at the joined form while the
-- parts still match "wi fi". The text gets only its compounds appended, not a second copy, and a text without
-- a hyphen skips the regular expression.
--
-- The words of a text in both languages, as every word search reads them. SQL-standard body (BEGIN ATOMIC):
-- parsed once here, so the configurations are bound by OID and recorded as dependencies.
CREATE FUNCTION search_words(doc text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT to_tsvector('atiende_english', d) || to_tsvector('spanish', d) || to_tsvector('atiende_spanish', d)
    FROM (SELECT CASE WHEN strpos(doc, '-') = 0 THEN doc
                      ELSE doc || coalesce(' ' || (SELECT string_agg(replace(m[1], '-', ''), ' ')
                                                   FROM regexp_matches(doc, '([^[:space:]-]+(?:-[^[:space:]-]+)+)', 'g') m), '')
                 END AS d) joined;
END;

-- Digits. Each suffix of a value's digits (at least `shortest` long) as a lexeme: a run of the digits is the
-- beginning of one of them, so a prefix query ('0019':*) finds every value containing the run, through a GIN
-- index, at any length from `shortest` up. pg_trgm would need three characters and reads "%19%" as a scan of
-- its whole index; a reversed-number B-tree finds endings only, and people type the digits they remember from
-- either end. Built from an array (no parser) in PL/pgSQL: a fifth of what a SQL aggregate over
-- generate_series cost per row.
CREATE FUNCTION digit_suffixes(value text, shortest integer) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    digits text := regexp_replace(value, '[^0-9]', '', 'g');
    suffixes text[] := '{}';
BEGIN
    FOR i IN 1 .. length(digits) - shortest + 1 LOOP
        suffixes := suffixes || substr(digits, i);
    END LOOP;
    RETURN array_to_tsvector(suffixes);
END
$$;

-- PostgreSQL 15 cannot change a generated column's expression (ALTER COLUMN ... SET EXPRESSION is 17), so the
-- search column is dropped and added again in one ALTER. That rewrites the table and rebuilds every index on it
-- under an exclusive lock: minutes at a million tickets (docs/operations.md has the time measured), once. The
-- GIN builds get more memory than the default 64 MB for this transaction only.
SET LOCAL maintenance_work_mem = '256MB';

--
-- Ticket numbers by any run of at least two of their digits ("19" as well as "0019") get a column of their own,
-- apart from the words, so that a number in a ticket's text is not taken for part of its number and the list
-- asks it only for digits. Stored rather than an expression index: a list page that walks its order tests each
-- row it passes, and a stored tsvector answers in a fraction of a microsecond where the function took ten
-- (16,564 rows passed for one page of "0135": 185 ms).
ALTER TABLE tickets
    DROP COLUMN search,
    ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', number), 'A')
        || setweight(search_words(short_description), 'A')
        || setweight(search_words(description), 'B')
    ) STORED,
    ADD COLUMN number_digits tsvector GENERATED ALWAYS AS (digit_suffixes(number, 2)) STORED;
-- As migration 009 set it: new entries go straight into the tree, not onto a pending list every search reads.
CREATE INDEX tickets_search_idx ON tickets USING gin (search) WITH (fastupdate = off);
CREATE INDEX tickets_number_digits_idx ON tickets USING gin (number_digits) WITH (fastupdate = off);

ALTER TABLE articles
    DROP COLUMN search,
    ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(search_words(title), 'A') || setweight(search_words(body), 'B')
    ) STORED;
CREATE INDEX articles_search_idx ON articles USING gin (search);

-- Callers by name, accents aside, and by any run of at least four digits of their phone.
DROP INDEX contacts_name_search_idx;
CREATE INDEX contacts_name_search_idx ON contacts USING gin (to_tsvector('atiende_simple', coalesce(name, '')));
CREATE INDEX contacts_phone_digits_idx ON contacts USING gin (digit_suffixes(phone, 4));
