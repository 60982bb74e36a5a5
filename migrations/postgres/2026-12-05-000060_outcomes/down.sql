DROP TABLE match_follow_ups;
DROP TABLE deal_records;
ALTER TABLE matches DROP COLUMN stop_reason_text;
ALTER TABLE matches DROP COLUMN stop_reason_code;
DELETE FROM taxonomy_terms WHERE scheme IN ('transfer_object', 'deal_right');
