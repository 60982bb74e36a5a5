//! Accounts, sign-in sessions and roles.

pub mod emails;
pub mod jwt;
pub mod pages;
pub mod password;
pub mod principal;
pub mod routes;
pub mod rules;
pub mod service;
pub mod session;
pub mod store;
pub mod tokens;

pub use principal::{MaybePrincipal, Principal, TenantRole, TenantScope};

use chrono::NaiveDateTime;

use crate::db::DbConnection;
use crate::error::AppError;

/// Creates a verified platform admin, or promotes an existing account.
/// Returns whether the account was new.
pub fn ensure_platform_admin(
    conn: &mut DbConnection,
    email: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    match store::find_user_by_email(conn, email)? {
        Some(user) => {
            store::set_platform_admin(conn, &user.id, now)?;
            store::set_password(conn, &user.id, password_hash, now)?;
            Ok(false)
        }
        None => {
            let id = uuid::Uuid::now_v7().to_string();
            store::insert_user(
                conn,
                store::NewUser {
                    id: &id,
                    email,
                    password_hash,
                    full_name: "Platform administrator",
                    language: "vi",
                    verified_at: Some(now),
                    is_platform_admin: true,
                },
                now,
            )?;
            Ok(true)
        }
    }
}
