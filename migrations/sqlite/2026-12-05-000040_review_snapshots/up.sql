-- What an organization or a listing looked like when its province last decided on it
-- (approved or published it, or asked for changes), so that an officer reviewing it again
-- sees what changed since (field → value as shown).
CREATE TABLE review_snapshots (
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    decision TEXT NOT NULL,
    fields TEXT NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP NOT NULL,
    PRIMARY KEY (entity_type, entity_id)
);
