-- What an organization or a listing looked like when its province last approved it, so
-- that an officer reviewing a later change sees what changed (field → value as shown).
CREATE TABLE review_snapshots (
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    fields TEXT NOT NULL,
    approved_by TEXT,
    approved_at TIMESTAMP NOT NULL,
    PRIMARY KEY (entity_type, entity_id)
);
