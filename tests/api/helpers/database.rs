//! A fresh database per test: a temporary SQLite file, or — when
//! `TECHBRIDGE_TEST_POSTGRES_URL` is set — a PostgreSQL database created for the test and
//! dropped after it (also when the test panics).

use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

pub const POSTGRES_URL_VAR: &str = "TECHBRIDGE_TEST_POSTGRES_URL";

pub enum TestDatabase {
    Sqlite { url: String },
    Postgres { url: String, name: String, admin_url: String },
}

impl TestDatabase {
    pub fn create(dir: &Path) -> TestDatabase {
        match std::env::var(POSTGRES_URL_VAR) {
            Ok(admin_url) if !admin_url.trim().is_empty() => {
                let name = format!("tb_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&admin_url)
                    .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin_url}: {e}"));
                admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
                let url = with_database(&admin_url, &name);
                TestDatabase::Postgres { url, name, admin_url }
            }
            _ => TestDatabase::Sqlite { url: dir.join("techbridge.db").to_string_lossy().into_owned() },
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDatabase::Sqlite { url } | TestDatabase::Postgres { url, .. } => url,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDatabase::Postgres { .. })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { name, admin_url, .. } = self
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// The admin URL with its database name replaced.
fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin_url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

#[test]
fn database_name_is_replaced() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/test", "tb_x"),
        "postgres://postgres@127.0.0.1:5432/tb_x"
    );
    assert_eq!(with_database("postgres://u@h/test?sslmode=disable", "tb_x"), "postgres://u@h/tb_x?sslmode=disable");
    assert_eq!(with_database("postgres://u@h", "tb_x"), "postgres://u@h/tb_x");
}
