//! Every row of every table, as text: for tests that look for a value anywhere the
//! database keeps it (and not in SQLite's free pages, which no query reads).

use diesel::{Connection, QueryableByName, RunQueryDsl};

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = diesel::sql_types::Text)]
    dump: String,
}

fn sqlite(path: &str) -> String {
    let path = path.trim_start_matches("sqlite://");
    let mut conn = diesel::SqliteConnection::establish(path).unwrap();
    let tables: Vec<Line> =
        diesel::sql_query("SELECT name AS dump FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .load(&mut conn)
            .unwrap();
    let mut out = String::new();
    for table in tables {
        let columns: Vec<Line> =
            diesel::sql_query(format!("SELECT name AS dump FROM pragma_table_info('{}')", table.dump))
                .load(&mut conn)
                .unwrap();
        let joined = columns
            .iter()
            .map(|c| format!("COALESCE(CAST(\"{}\" AS TEXT), '')", c.dump))
            .collect::<Vec<_>>()
            .join(" || ' | ' || ");
        let rows: Vec<Line> =
            diesel::sql_query(format!("SELECT {joined} AS dump FROM \"{}\"", table.dump)).load(&mut conn).unwrap();
        out.push_str(&format!("== {}\n", table.dump));
        for row in rows {
            out.push_str(&row.dump);
            out.push('\n');
        }
    }
    out
}

fn postgres(url: &str) -> String {
    let mut conn = diesel::PgConnection::establish(url).unwrap();
    let tables: Vec<Line> = diesel::sql_query(
        "SELECT table_name::text AS dump FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )
    .load(&mut conn)
    .unwrap();
    tables
        .iter()
        .map(|table| {
            let rows: Line = diesel::sql_query(format!(
                "SELECT coalesce(string_agg(t::text, E'\\n'), '') AS dump FROM \"{}\" t",
                table.dump
            ))
            .get_result(&mut conn)
            .unwrap();
            format!("== {}\n{}\n", table.dump, rows.dump)
        })
        .collect()
}

/// Every table's rows in the database at `url`.
pub fn all_rows(url: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") { postgres(url) } else { sqlite(url) }
}
