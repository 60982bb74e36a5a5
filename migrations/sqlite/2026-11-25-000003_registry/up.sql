-- Province settings for reviews.
ALTER TABLE tenants ADD COLUMN org_review_fields TEXT NOT NULL DEFAULT '["legal_name","tax_code"]';

CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL,
    intermediary_type TEXT,
    legal_name TEXT NOT NULL,
    name_en TEXT,
    short_name TEXT,
    -- Names folded to lower-case ASCII, for search that ignores diacritics.
    search_name TEXT NOT NULL,
    tax_code TEXT UNIQUE,
    address TEXT,
    website TEXT,
    year_founded INTEGER,
    size_band TEXT,
    description_vi TEXT,
    description_en TEXT,
    host_institution TEXT,
    certificate_number TEXT,
    certificate_date DATE,
    certificate_issuer TEXT,
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    contact_consent_version TEXT,
    contact_consent_at TIMESTAMP,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    decision_reason TEXT,
    field_comments TEXT,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    approved_at TIMESTAMP
);
CREATE INDEX organizations_directory ON organizations (status, tenant_id, kind);
CREATE INDEX organizations_review ON organizations (tenant_id, status, submitted_at);

CREATE TABLE organization_fields (
    org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (org_id, version, code)
);
CREATE INDEX organization_fields_code ON organization_fields (code);

CREATE TABLE organization_tags (
    org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (org_id, version, code)
);
CREATE INDEX organization_tags_code ON organization_tags (code);

CREATE TABLE organization_members (
    org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX organization_members_user ON organization_members (user_id);

CREATE TABLE organization_invitations (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL REFERENCES users (id),
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX organization_invitations_org ON organization_invitations (org_id);
