-- What each province aims for, shown beside the actual figures.
CREATE TABLE tenant_targets (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    indicator TEXT NOT NULL,
    value BIGINT NOT NULL,
    year INTEGER NOT NULL,
    updated_by TEXT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, indicator)
);

-- One weekly summary per province and week: the row is written with the emails, so a
-- restart never sends the same week twice.
CREATE TABLE weekly_summaries (
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    week_start DATE NOT NULL,
    recipients INTEGER NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, week_start)
);

-- The figures read these columns only, so the counts come from the indexes alone.
CREATE INDEX organizations_figures ON organizations (tenant_id, created_at, kind, status);
CREATE INDEX listings_figures ON listings (tenant_id, status, kind, created_at, org_id, id);
CREATE INDEX audit_log_reviews ON audit_log (tenant_id, entity_type, action, created_at, entity_id, actor_id);
CREATE INDEX matches_deal_date ON matches (state, deal_date);
CREATE INDEX matches_connected ON matches (connected_at);
