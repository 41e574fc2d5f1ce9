-- hustings store: one DuckDB file holds coverage (articles, passages) and, later, results.
-- Created by corpus.store.Store on a writable open; every statement is idempotent.

-- ---------------------------------------------------------------- coverage

-- One row per article. `content_hash` covers text and metadata, so an unchanged article is skipped
-- on re-ingest and a changed one has its passages replaced.
CREATE TABLE IF NOT EXISTS articles (
    id            TEXT PRIMARY KEY,   -- manifest id, else the file stem (see corpus.ingest for clashes)
    title         TEXT NOT NULL,
    published     DATE,               -- NULL when the source gives no date
    source        TEXT,
    url           TEXT,
    path          TEXT,               -- absolute path it was read from (":line" for jsonl records)
    meta          JSON,               -- any other manifest / front-matter fields, as strings
    text          TEXT NOT NULL,      -- the text passages point into
    content_hash  TEXT NOT NULL,
    ingested_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE IF NOT EXISTS passage_keys START 1;

-- Sentence-aware spans of an article: articles.text[start_char:end_char] = passages.text.
-- `key` is the integer the FAISS and BM25 indexes know a passage by; it is never reused.
CREATE TABLE IF NOT EXISTS passages (
    key           BIGINT PRIMARY KEY DEFAULT nextval('passage_keys'),
    id            TEXT NOT NULL UNIQUE,   -- "<article_id>#<ordinal>", the public passage id
    article_id    TEXT NOT NULL,
    ordinal       INTEGER NOT NULL,
    start_char    INTEGER NOT NULL,
    end_char      INTEGER NOT NULL,
    text          TEXT NOT NULL,
    text_hash     TEXT NOT NULL           -- lets a changed article reuse embeddings of unchanged passages
);

-- The one index generation that matches the passages above. Written in the same transaction as the
-- passages, after the generation's files are complete, so a crash leaves a consistent pair.
CREATE TABLE IF NOT EXISTS index_state (
    singleton     BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
    checksum      TEXT NOT NULL,          -- sha256 of model + every (passage key, text hash), in key order
    model         TEXT NOT NULL,
    dimension     INTEGER NOT NULL,
    passages      BIGINT NOT NULL,
    built_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);
