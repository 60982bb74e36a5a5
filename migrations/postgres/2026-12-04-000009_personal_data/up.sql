-- Consent to the personal-data notice (Law 91/2025/QH15, Decree 356/2025): per purpose,
-- with the version of the notice that was shown and when; withdrawal is kept beside it.
CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    notice_version TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);
CREATE INDEX consents_user ON consents (user_id, purpose);

-- Every read of an organization's private contact details by someone outside it (an
-- officer, a connected partner): who, whose, what, when. Kept for a configured period so
-- that a breach can be assessed and reported within 72 hours.
CREATE TABLE private_reads (
    id TEXT PRIMARY KEY NOT NULL,
    reader_id TEXT NOT NULL,
    org_id TEXT NOT NULL,
    what TEXT NOT NULL,
    read_at TIMESTAMP NOT NULL
);
CREATE INDEX private_reads_at ON private_reads (read_at);
CREATE INDEX private_reads_org ON private_reads (org_id, read_at);

-- An account deleted by its holder keeps its row (audit records point at it), emptied.
ALTER TABLE users ADD COLUMN deleted_at TIMESTAMP;
