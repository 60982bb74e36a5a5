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
