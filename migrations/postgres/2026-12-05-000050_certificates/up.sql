-- The certificate calendar (Decree 268/2025/NĐ-CP): what an officer recorded of an S&T
-- enterprise's obligations, the reminders sent for them, the end of a certificate's
-- standing, innovative startups' recognitions and each province's calendar feed.

-- An obligation met: the annual report of a year received, or the three-yearly review done.
-- `due_on` is the due date the event fulfils; `done_on` the day it was met.
CREATE TABLE certificate_events (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations (id),
    obligation TEXT NOT NULL,
    due_on DATE NOT NULL,
    done_on DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX certificate_events_once ON certificate_events (org_id, obligation, due_on);

-- One row per reminder sent: the key makes a second timer run, or a second instance, send
-- nothing.
CREATE TABLE certificate_reminders (
    org_id TEXT NOT NULL REFERENCES organizations (id),
    obligation TEXT NOT NULL,
    due_on DATE NOT NULL,
    lead_days INTEGER NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, obligation, due_on, lead_days)
);

-- A certificate revoked or cancelled: the organization stays in the directory, its
-- standing as an S&T enterprise ends.
CREATE TABLE certificate_standings (
    org_id TEXT PRIMARY KEY REFERENCES organizations (id),
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    decided_on DATE NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL
);

-- An innovative startup's recognition (n/DN-KNST or n/CN-KNST), valid five years.
CREATE TABLE startup_recognitions (
    org_id TEXT PRIMARY KEY REFERENCES organizations (id),
    number TEXT NOT NULL,
    recognized_on DATE NOT NULL,
    recorded_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The secret address of a province's calendar feed, as a SHA-256 hash only.
CREATE TABLE certificate_feeds (
    tenant_id TEXT PRIMARY KEY REFERENCES tenants (id),
    secret_hash TEXT NOT NULL,
    renewed_by TEXT NOT NULL,
    renewed_at TIMESTAMP NOT NULL
);
