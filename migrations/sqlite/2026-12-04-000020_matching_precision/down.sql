-- Back to matches that always name both listings: requests without one are dropped.
CREATE TABLE matches_old (
    id TEXT PRIMARY KEY,
    offer_id TEXT NOT NULL REFERENCES listings (id),
    need_id TEXT NOT NULL REFERENCES listings (id),
    offer_org_id TEXT NOT NULL REFERENCES organizations (id),
    need_org_id TEXT NOT NULL REFERENCES organizations (id),
    -- Home provinces of the two organizations: their officers see the match.
    offer_tenant_id TEXT NOT NULL,
    need_tenant_id TEXT NOT NULL,
    state TEXT NOT NULL,
    score DOUBLE NOT NULL,
    -- JSON: every part of the score, for the explanation.
    score_parts TEXT NOT NULL,
    origin TEXT NOT NULL,
    proposed_by TEXT REFERENCES users (id),
    note TEXT,
    offer_response TEXT,
    offer_reason_code TEXT,
    offer_reason_text TEXT,
    offer_responded_by TEXT,
    offer_responded_at TIMESTAMP,
    need_response TEXT,
    need_reason_code TEXT,
    need_reason_text TEXT,
    need_responded_by TEXT,
    need_responded_at TIMESTAMP,
    deal_value_vnd BIGINT,
    deal_date DATE,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    connected_at TIMESTAMP,
    closed_at TIMESTAMP,
    UNIQUE (offer_id, need_id)
);
INSERT INTO matches_old (id, offer_id, need_id, offer_org_id, need_org_id, offer_tenant_id, need_tenant_id, state, score, score_parts, origin, proposed_by, note, offer_response, offer_reason_code, offer_reason_text, offer_responded_by, offer_responded_at, need_response, need_reason_code, need_reason_text, need_responded_by, need_responded_at, deal_value_vnd, deal_date, version, created_at, updated_at, connected_at, closed_at)
SELECT id, offer_id, need_id, offer_org_id, need_org_id, offer_tenant_id, need_tenant_id, state, score, score_parts, origin, proposed_by, note, offer_response, offer_reason_code, offer_reason_text, offer_responded_by, offer_responded_at, need_response, need_reason_code, need_reason_text, need_responded_by, need_responded_at, deal_value_vnd, deal_date, version, created_at, updated_at, connected_at, closed_at FROM matches WHERE offer_id IS NOT NULL AND need_id IS NOT NULL;
DROP TABLE matches;
ALTER TABLE matches_old RENAME TO matches;
CREATE INDEX matches_need ON matches (need_id);
CREATE INDEX matches_offer_org ON matches (offer_org_id);
CREATE INDEX matches_need_org ON matches (need_org_id);
CREATE INDEX matches_offer_tenant ON matches (offer_tenant_id, state);
CREATE INDEX matches_need_tenant ON matches (need_tenant_id, state);

DROP TABLE vocabulary_terms;
