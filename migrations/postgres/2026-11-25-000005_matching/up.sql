CREATE TABLE matches (
    id TEXT PRIMARY KEY,
    offer_id TEXT NOT NULL REFERENCES listings (id),
    need_id TEXT NOT NULL REFERENCES listings (id),
    offer_org_id TEXT NOT NULL REFERENCES organizations (id),
    need_org_id TEXT NOT NULL REFERENCES organizations (id),
    -- Home provinces of the two organizations: their officers see the match.
    offer_tenant_id TEXT NOT NULL,
    need_tenant_id TEXT NOT NULL,
    state TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
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
CREATE INDEX matches_need ON matches (need_id);
CREATE INDEX matches_offer_org ON matches (offer_org_id);
CREATE INDEX matches_need_org ON matches (need_org_id);
CREATE INDEX matches_offer_tenant ON matches (offer_tenant_id, state);
CREATE INDEX matches_need_tenant ON matches (need_tenant_id, state);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    -- In the recipient's language, as it was when the notification was made.
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    entity_type TEXT,
    entity_id TEXT,
    tenant_id TEXT,
    -- instant (emailed), digest (waiting for the daily digest), digested, off.
    email_state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    digested_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);
CREATE INDEX notifications_unread ON notifications (user_id, read_at);
CREATE INDEX notifications_digest ON notifications (email_state, user_id);

CREATE TABLE notification_preferences (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    mode TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, kind)
);

CREATE TABLE saved_searches (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- JSON: the text and the filters.
    query TEXT NOT NULL,
    frequency TEXT NOT NULL,
    -- Listings published up to this time have been looked at.
    checked_until TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX saved_searches_user ON saved_searches (user_id);

-- Each listing is notified once per saved search.
CREATE TABLE saved_search_hits (
    saved_search_id TEXT NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (saved_search_id, listing_id)
);
