//! The matches' API: reading them, the two sides' answers, and the officers' tools.

pub mod answers;
pub mod interest;
pub mod officers;
pub mod reading;

use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Principal;
use crate::db::DbConnection;
use crate::error::{AppError, Text};
use crate::matching::store::{self, MatchRow};
use crate::matching::views::{self, MatchAccess};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(reading::list)
        .service(officers::propose)
        .service(reading::get_one)
        .service(answers::respond)
        .service(answers::deal)
        .service(answers::close)
        .service(reading::history)
        .service(officers::run_now)
        .service(officers::candidates)
        .service(interest::interested);
}

pub(crate) fn load(
    conn: &mut DbConnection,
    principal: &Principal,
    id: &str,
) -> Result<(MatchRow, MatchAccess), AppError> {
    let row = store::find(conn, id)?.ok_or(AppError::NotFound)?;
    let access = views::access(conn, principal, &row)?.ok_or(AppError::NotFound)?;
    Ok((row, access))
}

pub(crate) fn stale(row: &MatchRow) -> AppError {
    AppError::conflict_with(
        Text::owned(
            format!("Kết nối đã thay đổi (phiên bản {}, trạng thái {}). Hãy tải lại.", row.version, row.state),
            format!("The match has changed (version {}, state {}). Reload it.", row.version, row.state),
        ),
        [("current_state", row.state.clone().into()), ("current_version", row.version.into())],
    )
}

pub(crate) fn not_allowed(row: &MatchRow) -> AppError {
    AppError::conflict_with(
        Text::owned(
            format!("Không thể làm việc này khi kết nối đang ở trạng thái \"{}\".", row.state),
            format!("This is not possible while the match is \"{}\".", row.state),
        ),
        [("current_state", row.state.clone().into()), ("current_version", row.version.into())],
    )
}
