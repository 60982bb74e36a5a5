DROP TABLE organization_invitations;
DROP TABLE organization_members;
DROP TABLE organization_tags;
DROP TABLE organization_fields;
DROP TABLE organizations;
ALTER TABLE tenants DROP COLUMN org_review_fields;
