DROP TABLE audit_log;
DROP TABLE sent_emails;
DROP TABLE jobs;
DROP TABLE tenant_roles;
DROP TABLE refresh_tokens;
DROP TABLE user_tokens;
DROP TABLE users;
DROP TABLE tenants;
