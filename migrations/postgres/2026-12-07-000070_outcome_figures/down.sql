DROP INDEX match_follow_ups_sent;
ALTER TABLE organizations DROP COLUMN first_approved_at;
DELETE FROM taxonomy_terms WHERE scheme IN ('country', 'currency', 'developed_economy');
