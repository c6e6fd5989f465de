-- The knowledge base: articles in Markdown, drafts until published, searchable by words and by meaning.

CREATE TABLE articles (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title           text NOT NULL,
    body            text NOT NULL,               -- Markdown
    language        text NOT NULL CHECK (language IN ('es', 'en')),
    category        text,
    state           text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published')),
    source_ticket   text,                        -- the resolved ticket it was written from
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    updated_at      timestamptz,
    updated_by      text,
    search          tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('spanish', title), 'A')
        || setweight(to_tsvector('english', body), 'B') || setweight(to_tsvector('spanish', body), 'B')
    ) STORED
);
CREATE INDEX articles_search_idx ON articles USING gin (search);

-- As for tickets: every write enqueues the article for the vector index, drained off the request path.
CREATE TABLE article_index_outbox (
    article_id   bigint PRIMARY KEY REFERENCES articles (id),
    enqueued_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
