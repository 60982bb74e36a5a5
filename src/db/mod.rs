//! One code path over SQLite (the embedded default) and PostgreSQL.

pub mod schema;
mod sql;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use sql::{fold_like_pattern, insert_ignoring_duplicates};

use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
/// The advisory lock key instances take while migrating ("TBmigrat" as a number).
const MIGRATION_LOCK: i64 = 0x5442_6d69_6772_6174;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend is chosen from the URL scheme, never by trying to connect.
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Opens connections of the backend named by the URL scheme.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: String,
    backend: Backend,
}

impl ConnectionManager {
    pub fn new(url: &str) -> Self {
        let backend = Backend::from_url(url);
        let url = match backend {
            Backend::Sqlite => {
                url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url).to_owned()
            }
            Backend::Postgres => url.to_owned(),
        };
        ConnectionManager { url, backend }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match self.backend {
            Backend::Postgres => {
                PgConnection::establish(&self.url).map(DbConnection::Postgres).map_err(r2d2::Error::ConnectionError)
            }
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.url).map_err(r2d2::Error::ConnectionError)?;
                // The busy timeout makes a second writer wait instead of failing. WAL (set
                // once per file in `Db::connect`) lets readers work while a writer commits.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        match conn {
            DbConnection::Postgres(pg) => r2d2::R2D2Connection::is_broken(pg),
            DbConnection::Sqlite(_) => false,
        }
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// The database handle the application shares: a pool, and a way to run blocking diesel
/// work off the async executor.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
}

impl Db {
    pub fn connect(url: &str, pool_size: u32, connect_timeout: Duration) -> Result<Db, AppError> {
        let manager = ConnectionManager::new(url);
        let backend = manager.backend;
        if backend == Backend::Sqlite
            && let Some(parent) = std::path::Path::new(&manager.url).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(AppError::internal)?;
        }
        if backend == Backend::Sqlite {
            // Switching the journal mode needs the file to itself, so it is done once,
            // before the pool opens its connections; the mode is stored in the file.
            let mut conn = manager.connect().map_err(|e| AppError::Unavailable(format!("database: {e}")))?;
            conn.batch_execute("PRAGMA journal_mode = WAL;")?;
        }
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .connection_timeout(connect_timeout)
            .build(manager)
            .map_err(|e| AppError::Unavailable(format!("database: {e}")))?;
        Ok(Db { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations; running it again does nothing. Instances starting at
    /// the same moment on one PostgreSQL database take turns (a session advisory lock):
    /// the first migrates, the others find nothing left to do.
    pub fn migrate(&self) -> Result<usize, AppError> {
        let mut conn = self.pool.get()?;
        let applied = match &mut *conn {
            DbConnection::Postgres(pg) => {
                pg.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
                let applied = pg.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len());
                pg.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
                applied
            }
            DbConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        }
        .map_err(|e| AppError::Internal(format!("migrations: {e}")))?;
        Ok(applied)
    }

    /// Runs blocking database work on the blocking thread pool.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(format!("blocking task: {e}")))?
    }

    /// Like [`Db::run`], inside one write transaction.
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |conn| write_transaction(conn, work)).await
    }

    pub fn get(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, AppError> {
        Ok(self.pool.get()?)
    }
}

/// Keeps the query planner's statistics current. SQLite plans from `sqlite_stat1`, which
/// only `ANALYZE` fills: without it, the figures' queries pick indexes that read every row.
/// Cheap when nothing changed much (`PRAGMA optimize`); `full` analyses every table, for
/// after a bulk import. PostgreSQL's autovacuum does this itself unless asked.
pub fn refresh_statistics(conn: &mut DbConnection, full: bool) -> Result<(), AppError> {
    match conn {
        DbConnection::Sqlite(sqlite) => {
            let analysed: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1')",
            ))
            .get_result(sqlite)?;
            if full || analysed == 0 {
                sqlite.batch_execute("PRAGMA analysis_limit = 1000; ANALYZE;")?;
            } else {
                sqlite.batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize;")?;
            }
        }
        DbConnection::Postgres(pg) => {
            if full {
                pg.batch_execute("ANALYZE;")?;
            }
        }
    }
    Ok(())
}

/// A transaction meant to write. On SQLite it starts with `BEGIN IMMEDIATE`, so that two
/// writers queue on the busy timeout instead of one failing when it upgrades a read lock.
pub fn write_transaction<T, F>(conn: &mut DbConnection, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError>,
{
    match conn {
        DbConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
            match work(conn) {
                Ok(value) => {
                    <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
                    Ok(value)
                }
                Err(error) => {
                    if let Err(rollback) = <DbConnection as Connection>::TransactionManager::rollback_transaction(conn)
                    {
                        tracing::error!(error = %rollback, "rollback failed");
                    }
                    Err(error)
                }
            }
        }
        DbConnection::Postgres(_) => conn.transaction(work),
    }
}
