ALTER TABLE users DROP COLUMN deleted_at;
DROP TABLE private_reads;
DROP TABLE consents;
