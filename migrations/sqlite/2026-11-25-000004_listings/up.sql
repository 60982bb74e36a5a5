-- Province settings for listings.
ALTER TABLE tenants ADD COLUMN auto_publish_listings BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE listings (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations (id),
    -- The organization's home province, which reviews the listing.
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    title_vi TEXT NOT NULL,
    title_en TEXT,
    summary TEXT,
    description TEXT,
    -- JSON array of strings.
    keywords TEXT NOT NULL,
    vsic_section TEXT,
    vsic_version TEXT,
    vsic_code TEXT,
    trl INTEGER,
    price_vnd BIGINT,
    price_negotiable BOOLEAN NOT NULL DEFAULT FALSE,
    budget_min_vnd BIGINT,
    budget_max_vnd BIGINT,
    ip_status TEXT,
    patent_number TEXT,
    location_tenant_id TEXT NOT NULL REFERENCES tenants (id),
    deadline DATE,
    valid_until DATE,
    confidential_details TEXT,
    decision_reason TEXT,
    field_comments TEXT,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    published_at TIMESTAMP,
    expires_at TIMESTAMP,
    reminder_sent_at TIMESTAMP,
    closed_at TIMESTAMP
);
CREATE INDEX listings_org ON listings (org_id, created_at);
CREATE INDEX listings_review ON listings (tenant_id, status, submitted_at);
CREATE INDEX listings_public ON listings (status, published_at);
CREATE INDEX listings_expiry ON listings (status, expires_at);
CREATE INDEX listings_updated ON listings (updated_at);

CREATE TABLE listing_fields (
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (listing_id, version, code)
);

CREATE TABLE listing_tags (
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (listing_id, version, code)
);

CREATE TABLE listing_modes (
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (listing_id, version, code)
);
