//! The seeded provinces equal the reference list they were taken from, row for row.

use crate::helpers::spawn_app;

const PROVINCES_CSV: &str = include_str!("../../migrations/reference-data/provinces.csv");

#[tokio::test]
async fn seeded_provinces_match_the_reference_list() {
    let app = spawn_app().await;
    let reply = app.get("/api/v1/tenants").await;
    let served = reply.ok()["items"].as_array().unwrap().clone();
    let mut reader = csv::Reader::from_reader(PROVINCES_CSV.as_bytes());
    let expected: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(served.len(), expected.len());
    for (row, tenant) in expected.iter().zip(&served) {
        assert_eq!(tenant["code"], row[0]);
        assert_eq!(tenant["name_vi"], row[1]);
        assert_eq!(tenant["full_name_vi"], row[2]);
        assert_eq!(tenant["kind"], row[3]);
        assert_eq!(tenant["slug"], row[4]);
        assert_eq!(tenant["merged_from"], row[5]);
    }
}

/// (API path, version, CSV, column of the code, column of the Vietnamese name)
const TAXONOMIES: [(&str, &str, &str, usize, usize); 6] = [
    ("st-fields", "2008", include_str!("../../migrations/reference-data/st_fields.csv"), 0, 3),
    (
        "strategic-technologies",
        "2026",
        include_str!("../../migrations/reference-data/strategic_technologies_2026.csv"),
        0,
        1,
    ),
    (
        "strategic-technologies",
        "2025",
        include_str!("../../migrations/reference-data/strategic_technologies.csv"),
        0,
        1,
    ),
    ("vsic-sections", "2025", include_str!("../../migrations/reference-data/vsic2025_sections.csv"), 0, 1),
    ("vsic-sections", "2018", include_str!("../../migrations/reference-data/vsic2018_sections.csv"), 0, 1),
    ("transfer-modes", "2017", include_str!("../../migrations/reference-data/transfer_modes.csv"), 0, 2),
];

#[tokio::test]
async fn seeded_taxonomies_match_the_reference_lists() {
    let app = spawn_app().await;
    for (path, version, csv_text, code_column, name_column) in TAXONOMIES {
        let reply = app.get(&format!("/api/v1/taxonomy/{path}?version={version}")).await;
        let served = reply.ok()["items"].as_array().unwrap().clone();
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        for row in reader.records().map(Result::unwrap) {
            let term = served
                .iter()
                .find(|t| t["code"] == row[code_column])
                .unwrap_or_else(|| panic!("{path} {version}: {} missing", &row[code_column]));
            assert_eq!(term["name_vi"], row[name_column], "{path} {version} {}", &row[code_column]);
        }
    }
    // Rights and licence scopes share the transfer-mode list with forms and methods.
    let modes = app.get("/api/v1/taxonomy/transfer-modes").await;
    let mut reader =
        csv::Reader::from_reader(include_str!("../../migrations/reference-data/transfer_rights.csv").as_bytes());
    for row in reader.records().map(Result::unwrap) {
        let term = modes.body["items"].as_array().unwrap().iter().find(|t| t["code"] == row[0]).unwrap();
        assert_eq!(term["kind"], row[1]);
        assert_eq!(term["name_vi"], row[2]);
    }
}

/// The seeded vocabulary equals the reference file, term for term, with its version.
#[tokio::test]
async fn seeded_vocabulary_matches_the_reference_file() {
    let app = spawn_app().await;
    let reply = app.get("/api/v1/taxonomy/vocabulary").await;
    let body = reply.ok();
    assert_eq!(body["version"], "2026.1");
    let served = body["items"].as_array().unwrap();
    let mut reader =
        csv::Reader::from_reader(include_str!("../../migrations/reference-data/vocabulary_variants.csv").as_bytes());
    let expected: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(served.len(), expected.len());
    for (row, term) in expected.iter().zip(served) {
        assert_eq!(term["group"], row[0]);
        assert_eq!(term["term"], row[1]);
        assert_eq!(term["lang"], row[2]);
        assert_eq!(term["region"], row[3]);
        assert_eq!(term["note"].as_str().unwrap_or(""), &row[5]);
        assert_eq!(term["ambiguous"], row[5].starts_with("ambiguous token:"));
    }
}

/// Countries, currencies and the developed economies are served as seeded from their
/// reference files, each row with its names, and the list's edition as the version.
#[tokio::test]
async fn seeded_countries_currencies_and_developed_economies_match_the_reference_files() {
    let app = spawn_app().await;
    // (API path, version, CSV, column of the English name, column of the Vietnamese name)
    let lists: [(&str, &str, &str, usize, Option<usize>); 3] = [
        (
            "countries",
            "iso-codes-4.15",
            include_str!("../../migrations/reference-data/iso3166_countries.csv"),
            3,
            Some(4),
        ),
        (
            "currencies",
            "iso-codes-4.15",
            include_str!("../../migrations/reference-data/iso4217_currencies.csv"),
            2,
            Some(3),
        ),
        (
            "developed-economies",
            "WEO-2024-04",
            include_str!("../../migrations/reference-data/developed_economies.csv"),
            1,
            None,
        ),
    ];
    for (path, version, csv_text, english, vietnamese) in lists {
        let reply = app.get(&format!("/api/v1/taxonomy/{path}")).await;
        let body = reply.ok();
        assert_eq!(body["version"], version, "{path}");
        let served = body["items"].as_array().unwrap();
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let expected: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(served.len(), expected.len(), "{path}");
        for (row, term) in expected.iter().zip(served) {
            assert_eq!(term["code"], row[0], "{path}");
            assert_eq!(term["name_en"], row[english], "{path} {}", &row[0]);
            if let Some(column) = vietnamese {
                assert_eq!(term["name_vi"], row[column], "{path} {}", &row[0]);
            }
        }
    }
    let developed = app.get("/api/v1/taxonomy/developed-economies").await;
    assert_eq!(developed.ok()["items"].as_array().unwrap().len(), 41, "the IMF's 41 advanced economies");
    assert!(developed.body["items"][0]["source"].as_str().unwrap().contains("World Economic Outlook, April 2024"));
}
