ALTER TABLE tenants DROP COLUMN listing_validity_days;
