-- Timed work is done once per tick across instances: the instance that moves
-- held_until forward does it.
CREATE TABLE schedule_leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    held_until TIMESTAMP NOT NULL
);
INSERT INTO schedule_leases (name, holder, held_until) VALUES ('timed_work', '', '1970-01-01 00:00:00');

-- The ordered log of listing changes every instance's embedded search index follows.
-- Each instance keeps its own position (in its index); rows are kept a while after every
-- index has passed them, and a new index is built from the listings, then follows.
CREATE TABLE index_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    listing_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX index_changes_created ON index_changes (created_at);

-- Where a shared index (Meilisearch) is in the log: one row per index name.
CREATE TABLE index_positions (
    name TEXT PRIMARY KEY NOT NULL,
    position BIGINT NOT NULL
);
