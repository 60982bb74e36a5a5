//! PostgreSQL over TLS, with the libpq and OpenSSL compiled into the binary.

use std::time::Duration;

use diesel::dsl::sql;
use diesel::sql_types::{Bool, Nullable, Text};
use diesel::{Connection, PgConnection, RunQueryDsl};
use techbridge::db::{Db, DbConnection};

use crate::helpers::database::POSTGRES_URL_VAR;
use crate::helpers::server::free_port;

fn with_param(url: &str, param: &str) -> String {
    format!("{url}{}{param}", if url.contains('?') { '&' } else { '?' })
}

/// Whether this connection is encrypted, and with which protocol.
fn tls_of(conn: &mut PgConnection) -> (bool, Option<String>) {
    let encrypted = diesel::select(sql::<Bool>("(SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())"))
        .get_result(conn)
        .unwrap();
    let version =
        diesel::select(sql::<Nullable<Text>>("(SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid())"))
            .get_result(conn)
            .unwrap();
    (encrypted, version)
}

/// A libpq built without TLS refuses `sslmode=require` before it even connects; this one
/// tries, and fails only because nothing listens there.
#[test]
fn the_bundled_libpq_speaks_tls() {
    let url = format!("postgres://postgres@127.0.0.1:{}/none?sslmode=require&connect_timeout=2", free_port());
    let error = PgConnection::establish(&url).err().expect("nothing listens there").to_string();
    assert!(!error.contains("not compiled in"), "{error}");
    assert!(error.contains("Connection refused"), "{error}");
}

/// `sslmode=require` encrypts the application's connections when the server offers TLS,
/// and fails plainly when it does not.
#[test]
fn postgres_connections_are_encrypted_when_required() {
    let Ok(url) = std::env::var(POSTGRES_URL_VAR) else {
        eprintln!("skipped: {POSTGRES_URL_VAR} is not set, so no PostgreSQL server was asked for TLS");
        return;
    };
    // libpq's default, sslmode=prefer, gets in whether or not the server offers TLS.
    let mut probe = PgConnection::establish(&url).unwrap();
    let server_offers_tls =
        diesel::select(sql::<Text>("current_setting('ssl')")).get_result::<String>(&mut probe).unwrap();
    // Where the server lets plain connections in, the check below tells them apart.
    if let Ok(mut plain) = PgConnection::establish(&with_param(&url, "sslmode=disable")) {
        assert_eq!(tls_of(&mut plain), (false, None));
    }

    let required = with_param(&url, "sslmode=require");
    if server_offers_tls == "on" {
        let db = Db::connect(&required, 1, Duration::from_secs(5)).unwrap();
        let mut pooled = db.get().unwrap();
        let DbConnection::Postgres(conn) = &mut *pooled else { panic!("a PostgreSQL URL opens PostgreSQL") };
        let (encrypted, version) = tls_of(conn);
        assert!(encrypted, "the pool's connection is encrypted");
        assert!(version.as_deref().is_some_and(|v| v.starts_with("TLSv1.")), "{version:?}");
    } else {
        let error = PgConnection::establish(&required).err().expect("the server has no TLS").to_string();
        assert!(error.contains("server does not support SSL"), "{error}");
    }
}
