-- A province may keep its listings published for another period than the platform's default.
ALTER TABLE tenants ADD COLUMN listing_validity_days INTEGER;
