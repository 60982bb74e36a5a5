//! The province's workspace `/province/{code}`: pages for its moderators and tenant admins
//! (and platform admins, who look without deciding). The review queues and each item with
//! what changed and the decision form; the province's matches and facilitation; its figures
//! drawn as charts; its staff, settings and targets. Everyone else gets a 404 page: the
//! workspace of a province does not exist for them.

pub mod figures;
pub mod matches;
pub mod queue;
pub mod review;
pub mod staff;

use actix_web::web;

use crate::app::AppState;
use crate::auth::TenantScope;
use crate::error::AppError;
use crate::review::{QueueQuery, ReviewQueues};
use crate::web::SignedIn;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/province/{code}", web::get().to(queue::queue))
        .route("/province/{code}/orgs/{id}", web::get().to(review::organization))
        .route("/province/{code}/orgs/{id}/decide", web::post().to(review::decide_organization))
        .route("/province/{code}/listings/{id}", web::get().to(review::listing))
        .route("/province/{code}/listings/{id}/decide", web::post().to(review::decide_listing))
        .route("/province/{code}/figures", web::get().to(figures::dashboard))
        .route("/province/{code}/figures.{format}", web::get().to(figures::download))
        .route("/province/{code}/matches", web::get().to(matches::list))
        .route("/province/{code}/matches/propose", web::post().to(matches::propose))
        .route("/province/{code}/staff", web::get().to(staff::staff))
        .route("/province/{code}/staff/grant", web::post().to(staff::grant))
        .route("/province/{code}/staff/revoke", web::post().to(staff::revoke))
        .route("/province/{code}/settings", web::get().to(staff::settings))
        .route("/province/{code}/settings", web::post().to(staff::save_settings))
        .route("/province/{code}/targets", web::get().to(staff::targets))
        .route("/province/{code}/targets", web::post().to(staff::save_target))
        .configure(crate::certificates::pages::configure);
}

/// The parts of the workspace, for its navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Queue,
    Item,
    Matches,
    Figures,
    Certificates,
    Staff,
    Settings,
    Targets,
}

/// The province a workspace page is about, as its navigation shows it.
pub struct Workspace {
    pub code: String,
    pub name: String,
    pub scope: TenantScope,
    pub orgs_waiting: i64,
    pub listings_waiting: i64,
    /// Moderators and tenant admins decide; platform admins only look.
    pub may_decide: bool,
    /// Tenant admins (and platform admins) manage the staff, settings and targets.
    pub may_administer: bool,
    pub part: Part,
}

impl Workspace {
    pub fn at(&self, part: &str) -> bool {
        let name = match self.part {
            Part::Queue | Part::Item => "queue",
            Part::Matches => "matches",
            Part::Figures => "figures",
            Part::Certificates => "certificates",
            Part::Staff => "staff",
            Part::Settings => "settings",
            Part::Targets => "targets",
        };
        name == part
    }
}

/// Opens the workspace of `code` for the signed-in officer: 404 for anyone who does not
/// work on that province's review, and for an unknown or inactive province.
pub async fn open(
    state: &AppState,
    queues: &web::Data<ReviewQueues>,
    signed: &SignedIn,
    code: &str,
    part: Part,
) -> Result<Workspace, AppError> {
    let scope = signed.principal.review_scope(code).ok_or(AppError::NotFound)?;
    let queues = queues.clone();
    let counted = scope.clone();
    let (name, orgs_waiting, listings_waiting) = state
        .db
        .run(move |conn| {
            let province = crate::tenants::store::find_active(conn, counted.tenant_id())?;
            let count = |conn: &mut crate::db::DbConnection, item_type: &str| {
                let query = QueueQuery { page: 1, per_page: 1, ..QueueQuery::default() };
                queues.page(conn, Some(item_type), &counted, &query).map(|(_, total)| total)
            };
            Ok((province.name_vi, count(conn, "org")?, count(conn, "listing")?))
        })
        .await?;
    Ok(Workspace {
        code: code.to_owned(),
        name,
        may_decide: scope.may_decide(),
        may_administer: signed.principal.admin_scope(code).is_some(),
        scope,
        orgs_waiting,
        listings_waiting,
        part,
    })
}
