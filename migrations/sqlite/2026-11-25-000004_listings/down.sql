DROP TABLE listing_modes;
DROP TABLE listing_tags;
DROP TABLE listing_fields;
DROP TABLE listings;
ALTER TABLE tenants DROP COLUMN auto_publish_listings;
