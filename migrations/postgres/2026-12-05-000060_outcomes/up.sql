-- What became of a match: an optional trial (piloting), a stop with its reason, and the
-- record of a deal, verified when the other side confirms it.

-- What was transferred and which rights went with it, as versioned reference data.
-- Objects of transfer: Law on Technology Transfer 07/2017/QH14, Art. 4(1) (know-how;
-- technical solutions; processes; formulas and technical parameters; designs, technical
-- drawings and computer programs; machinery and equipment accompanying one of these), with
-- data, models, algorithms and software counted as technology since Law 115/2025/QH15
-- (in force 1 April 2026). Rights: Art. 7 (assignment of ownership; licence of the right to
-- use, exclusive or not, and the right to sublicense, Art. 7(3)).
INSERT INTO taxonomy_terms (scheme, version, code, parent_code, level, kind, name_vi, name_en, source, is_current, position) VALUES
  ('transfer_object', '2017', 'know_how', NULL, 1, NULL, 'Bí quyết kỹ thuật, bí quyết công nghệ', 'Technical or technological know-how', 'Luật Chuyển giao công nghệ 07/2017/QH14, Điều 4(1)(a)', TRUE, 0),
  ('transfer_object', '2017', 'technical_solution', NULL, 1, NULL, 'Phương án, giải pháp kỹ thuật', 'Technical plan or solution', 'Luật Chuyển giao công nghệ 07/2017/QH14, Điều 4(1)(b)', TRUE, 1),
  ('transfer_object', '2017', 'process', NULL, 1, NULL, 'Quy trình công nghệ', 'Technological process', 'Luật Chuyển giao công nghệ 07/2017/QH14, Điều 4(1)(b)', TRUE, 2),
  ('transfer_object', '2017', 'formula', NULL, 1, NULL, 'Công thức, thông số kỹ thuật', 'Formula or technical parameters', 'Luật Chuyển giao công nghệ 07/2017/QH14, Điều 4(1)(b)', TRUE, 3),
  ('transfer_object', '2017', 'design', NULL, 1, NULL, 'Bản vẽ, sơ đồ kỹ thuật, thiết kế', 'Design, technical drawing or diagram', 'Luật Chuyển giao công nghệ 07/2017/QH14, Điều 4(1)(b)', TRUE, 4),
  ('transfer_object', '2017', 'software_data_model', NULL, 1, NULL, 'Chương trình máy tính, dữ liệu, mô hình, thuật toán', 'Computer program, data, model or algorithm', 'Luật Chuyển giao công nghệ 07/2017/QH14, Điều 4(1)(b); Luật 115/2025/QH15', TRUE, 5),
  ('transfer_object', '2017', 'machinery_with_technology', NULL, 1, NULL, 'Máy móc, thiết bị đi kèm công nghệ', 'Machinery and equipment accompanying the technology', 'Luật Chuyển giao công nghệ 07/2017/QH14, Điều 4(1)(d)', TRUE, 6),
  ('deal_right', '2017', 'assignment', NULL, 1, NULL, 'Chuyển nhượng quyền sở hữu công nghệ', 'Assignment of ownership of the technology', 'Luật Chuyển giao công nghệ 07/2017/QH14, Điều 7(1)', TRUE, 0),
  ('deal_right', '2017', 'licence_exclusive', NULL, 1, NULL, 'Chuyển giao độc quyền quyền sử dụng công nghệ', 'Exclusive licence to use the technology', 'Luật Chuyển giao công nghệ 07/2017/QH14, Điều 7(2), 7(3)(a)', TRUE, 1),
  ('deal_right', '2017', 'licence_non_exclusive', NULL, 1, NULL, 'Chuyển giao không độc quyền quyền sử dụng công nghệ', 'Non-exclusive licence to use the technology', 'Luật Chuyển giao công nghệ 07/2017/QH14, Điều 7(2), 7(3)(a)', TRUE, 2),
  ('deal_right', '2017', 'licence_sublicensable', NULL, 1, NULL, 'Quyền chuyển giao tiếp quyền sử dụng công nghệ cho bên thứ ba', 'Licence with the right to sublicense to a third party', 'Luật Chuyển giao công nghệ 07/2017/QH14, Điều 7(3)(b)', TRUE, 3);

-- Why two connected sides stopped (a code, and text with `other`).
ALTER TABLE matches ADD COLUMN stop_reason_code TEXT;
ALTER TABLE matches ADD COLUMN stop_reason_text TEXT;

-- One deal per match. Lists are JSON arrays of codes (each with its list's version); IP
-- assets a JSON array of {kind, number, title}.
CREATE TABLE deal_records (
    match_id TEXT PRIMARY KEY NOT NULL REFERENCES matches (id),
    -- recorded (waiting for the other side), verified, or officer_recorded.
    status TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    -- The side that recorded it; NULL when an officer did, from a paper contract.
    recorded_side TEXT,
    objects TEXT NOT NULL,
    rights TEXT NOT NULL,
    modes TEXT NOT NULL,
    ip_assets TEXT NOT NULL,
    ip_asset_count INTEGER NOT NULL,
    value_vnd BIGINT,
    foreign_currency TEXT,
    foreign_amount TEXT,
    signed_on DATE,
    duration_months INTEGER,
    origin TEXT,
    origin_country TEXT,
    registration_number TEXT,
    registration_date DATE,
    -- Each side's consent to publish the value; NULL until that side has said.
    offer_publishes_value BOOLEAN,
    need_publishes_value BOOLEAN,
    confirmed_by TEXT REFERENCES users (id),
    confirmed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX deal_records_status ON deal_records (status, signed_on);

-- Follow-ups: one per (match, side, milestone in days), sent once; the first answer
-- through the emailed links is kept, later clicks change nothing.
CREATE TABLE match_follow_ups (
    match_id TEXT NOT NULL REFERENCES matches (id),
    side TEXT NOT NULL,
    milestone INTEGER NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    answer TEXT,
    answered_at TIMESTAMP,
    PRIMARY KEY (match_id, side, milestone)
);
