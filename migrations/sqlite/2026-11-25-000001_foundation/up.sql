CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    full_name_vi TEXT NOT NULL,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    merged_from TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    full_name TEXT NOT NULL,
    language TEXT NOT NULL,
    email_verified_at TIMESTAMP,
    is_platform_admin BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Single-use tokens sent by email (verification, password reset); only their hash is kept.
CREATE TABLE user_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);

-- Opaque refresh tokens, rotated on use; a family is one sign-in and all its rotations.
CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    rotated_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE tenant_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    role TEXT NOT NULL,
    granted_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, tenant_id, role)
);
CREATE INDEX tenant_roles_tenant ON tenant_roles (tenant_id, role);

-- The durable queue: work is inserted in the same transaction as the change that causes it.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at TIMESTAMP NOT NULL,
    locked_by TEXT,
    locked_until TIMESTAMP,
    last_error TEXT,
    ordering_key TEXT,
    dedupe_key TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX jobs_ready ON jobs (status, run_at);
CREATE INDEX jobs_ordering ON jobs (ordering_key, id);

-- One row per email handed to the transport, keyed by the job's idempotency key.
CREATE TABLE sent_emails (
    message_key TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    tenant_id TEXT,
    actor_id TEXT,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    reason TEXT,
    details TEXT,
    client_ip TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, created_at);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, created_at);

-- The 34 provincial units in force since 1 July 2025 (Resolution 202/2025/QH15),
-- from reference-data/provinces.csv.
INSERT INTO tenants (id, name_vi, full_name_vi, kind, slug, merged_from, created_at, updated_at) VALUES
  ('01', 'Hà Nội', 'Thành phố Hà Nội', 'city', 'ha-noi', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('04', 'Cao Bằng', 'Tỉnh Cao Bằng', 'province', 'cao-bang', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('08', 'Tuyên Quang', 'Tỉnh Tuyên Quang', 'province', 'tuyen-quang', 'Hà Giang', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('11', 'Điện Biên', 'Tỉnh Điện Biên', 'province', 'dien-bien', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('12', 'Lai Châu', 'Tỉnh Lai Châu', 'province', 'lai-chau', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('14', 'Sơn La', 'Tỉnh Sơn La', 'province', 'son-la', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('15', 'Lào Cai', 'Tỉnh Lào Cai', 'province', 'lao-cai', 'Yên Bái', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('19', 'Thái Nguyên', 'Tỉnh Thái Nguyên', 'province', 'thai-nguyen', 'Bắc Kạn', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('20', 'Lạng Sơn', 'Tỉnh Lạng Sơn', 'province', 'lang-son', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('22', 'Quảng Ninh', 'Tỉnh Quảng Ninh', 'province', 'quang-ninh', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('24', 'Bắc Ninh', 'Tỉnh Bắc Ninh', 'province', 'bac-ninh', 'Bắc Giang', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('25', 'Phú Thọ', 'Tỉnh Phú Thọ', 'province', 'phu-tho', 'Vĩnh Phúc; Hòa Bình', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('31', 'Hải Phòng', 'Thành phố Hải Phòng', 'city', 'hai-phong', 'Hải Dương', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('33', 'Hưng Yên', 'Tỉnh Hưng Yên', 'province', 'hung-yen', 'Thái Bình', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('37', 'Ninh Bình', 'Tỉnh Ninh Bình', 'province', 'ninh-binh', 'Hà Nam; Nam Định', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('38', 'Thanh Hóa', 'Tỉnh Thanh Hóa', 'province', 'thanh-hoa', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('40', 'Nghệ An', 'Tỉnh Nghệ An', 'province', 'nghe-an', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('42', 'Hà Tĩnh', 'Tỉnh Hà Tĩnh', 'province', 'ha-tinh', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('44', 'Quảng Trị', 'Tỉnh Quảng Trị', 'province', 'quang-tri', 'Quảng Bình', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('46', 'Huế', 'Thành phố Huế', 'city', 'hue', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('48', 'Đà Nẵng', 'Thành phố Đà Nẵng', 'city', 'da-nang', 'Quảng Nam', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('51', 'Quảng Ngãi', 'Tỉnh Quảng Ngãi', 'province', 'quang-ngai', 'Kon Tum', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('52', 'Gia Lai', 'Tỉnh Gia Lai', 'province', 'gia-lai', 'Bình Định', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('56', 'Khánh Hòa', 'Tỉnh Khánh Hòa', 'province', 'khanh-hoa', 'Ninh Thuận', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('66', 'Đắk Lắk', 'Tỉnh Đắk Lắk', 'province', 'dak-lak', 'Phú Yên', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('68', 'Lâm Đồng', 'Tỉnh Lâm Đồng', 'province', 'lam-dong', 'Đắk Nông; Bình Thuận', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('75', 'Đồng Nai', 'Tỉnh Đồng Nai', 'province', 'dong-nai', 'Bình Phước', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('79', 'Hồ Chí Minh', 'Thành phố Hồ Chí Minh', 'city', 'ho-chi-minh', 'Bình Dương; Bà Rịa - Vũng Tàu', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('80', 'Tây Ninh', 'Tỉnh Tây Ninh', 'province', 'tay-ninh', 'Long An', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('82', 'Đồng Tháp', 'Tỉnh Đồng Tháp', 'province', 'dong-thap', 'Tiền Giang', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('86', 'Vĩnh Long', 'Tỉnh Vĩnh Long', 'province', 'vinh-long', 'Bến Tre; Trà Vinh', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('91', 'An Giang', 'Tỉnh An Giang', 'province', 'an-giang', 'Kiên Giang', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('92', 'Cần Thơ', 'Thành phố Cần Thơ', 'city', 'can-tho', 'Sóc Trăng; Hậu Giang', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
  ('96', 'Cà Mau', 'Tỉnh Cà Mau', 'province', 'ca-mau', 'Bạc Liêu', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
