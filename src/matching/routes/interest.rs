//! "We are interested": a member of an approved organization asks about any published
//! listing, whether or not the engine proposed it. The listing's owners accept (through
//! `POST /matches/{id}/responses`, → connected) or decline with a reason.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::app::AppState;
use crate::audit::{self, AuditEntry};
use crate::auth::Principal;
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::{ApiJson, ClientIp};
use crate::listings::model::ListingKind;
use crate::matching::engine::{self, ENTITY};
use crate::matching::interest;
use crate::matching::lifecycle::{Side, Status};
use crate::matching::notices::{self, RequestAnswers};
use crate::matching::score::{Lessons, Score};
use crate::matching::store::{self, NewMatch, NewRequest, NewSide};
use crate::matching::views::{self, MatchView};
use crate::registry::lifecycle::OrgStatus;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InterestRequest {
    /// What for (3–500 characters).
    #[schema(required = true)]
    pub purpose: Option<String>,
    /// When (3–500 characters).
    #[schema(required = true)]
    pub timing: Option<String>,
    /// Budget or terms (3–500 characters).
    #[schema(required = true)]
    pub terms: Option<String>,
    /// The interested organization; needed only by a member of several.
    pub organization_id: Option<String>,
    /// One of that organization's published listings of the other kind, if it has one
    /// that this answers.
    pub listing_id: Option<String>,
}

/// A member of an approved organization says "we are interested" in a published listing,
/// with three short answers. It opens a match in state `requested` (origin `interest`);
/// the listing's owners get one email each. One open request per organization and
/// listing; at most `matching.interest.requests_per_org_per_day` in any 24 hours.
#[utoipa::path(
    tag = "matches",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The listing")),
    request_body = InterestRequest,
    responses(
        (status = 201, body = MatchView),
        (status = 403, description = "The caller's organization is not approved", body = crate::error::ProblemBody),
        (status = 404, description = "No such published listing", body = crate::error::ProblemBody),
        (status = 409, description = "An open request or match for this listing exists", body = crate::error::ProblemBody),
        (status = 422, body = crate::error::ProblemBody),
        (status = 429, description = "The organization's daily limit; see Retry-After", body = crate::error::ProblemBody),
    )
)]
#[post("/listings/{id}/interest")]
pub async fn interested(
    state: web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: web::Path<String>,
    ApiJson(body): ApiJson<InterestRequest>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(express_interest(&state, principal, ip, id.into_inner(), body).await?))
}

/// "We are interested" in listing `id`, for the API and the listing page.
pub async fn express_interest(
    state: &web::Data<AppState>,
    principal: Principal,
    ip: ClientIp,
    id: String,
    body: InterestRequest,
) -> Result<MatchView, AppError> {
    let mut v = Violations::new();
    let answers = interest::answers(&mut v, body.purpose, body.timing, body.terms);
    let organization = body.organization_id.filter(|o| !o.trim().is_empty());
    let own_listing = body.listing_id.filter(|l| !l.trim().is_empty());
    let answers = v.finish(answers)?;
    let now = state.clock.now();
    let limit = state.settings.matching.interest.requests_per_org_per_day;
    let app = state.clone();
    let target_id = id;
    let view = state
        .db
        .write(move |conn| {
            let target =
                crate::listings::store::find(conn, &target_id)?.filter(|l| l.is_public()).ok_or(AppError::NotFound)?;
            // The organization the caller speaks for.
            let memberships = crate::registry::store::organizations_of(conn, &principal.user_id)?;
            let org = match (&organization, memberships.as_slice()) {
                (Some(wanted), all) => {
                    all.iter().find(|(o, _)| &o.id == wanted).map(|(o, _)| o.clone()).ok_or_else(|| {
                        AppError::Validation(vec![FieldError::invalid(
                            "organization_id",
                            Text::new("Bạn không thuộc tổ chức này.", "You are not a member of this organization."),
                        )])
                    })?
                }
                (None, [(only, _)]) => only.clone(),
                (None, []) => {
                    return Err(AppError::Forbidden(Text::new(
                        "Cần thuộc một tổ chức đã được duyệt.",
                        "You need to belong to an approved organization.",
                    )));
                }
                (None, _) => return Err(AppError::Validation(vec![FieldError::required("organization_id")])),
            };
            if OrgStatus::parse(&org.status) != Some(OrgStatus::Approved) {
                return Err(AppError::Forbidden(Text::new(
                    "Chỉ tổ chức đã được duyệt mới gửi được lời quan tâm.",
                    "Only an approved organization can say it is interested.",
                )));
            }
            if org.id == target.row.org_id {
                return Err(AppError::Validation(vec![FieldError::invalid(
                    "organization_id",
                    Text::new("Đây là tin của chính tổ chức bạn.", "This is your own organization's listing."),
                )]));
            }
            // The requester's own listing, if named: published, theirs, of the other kind.
            let own = match &own_listing {
                Some(listing_id) => {
                    let own = crate::listings::store::find(conn, listing_id)?
                        .filter(|l| l.is_public() && l.row.org_id == org.id && l.kind() != target.kind())
                        .ok_or_else(|| {
                            AppError::Validation(vec![FieldError::invalid(
                                "listing_id",
                                Text::new(
                                    "Cần một tin đã đăng của tổ chức bạn, khác loại với tin này.",
                                    "Give one of your organization's published listings of the other kind.",
                                ),
                            )])
                        })?;
                    Some(own)
                }
                None => None,
            };
            if let Some(existing) = store::open_request(conn, &org.id, &target.row.id)? {
                return Err(AppError::conflict_with(
                    Text::new(
                        "Tổ chức của bạn đã gửi lời quan tâm tới tin này.",
                        "Your organization has an open request on this listing.",
                    ),
                    [("existing_match", existing.id.into())],
                ));
            }
            if let Some(own) = &own {
                let (offer, need) = if target.kind() == ListingKind::Offer { (&target, own) } else { (own, &target) };
                if let Some(existing) = store::find_pair(conn, &offer.row.id, &need.row.id)? {
                    return Err(AppError::conflict_with(
                        Text::new("Hai tin này đã được kết nối.", "These two listings are matched already."),
                        [("existing_match", existing.id.into())],
                    ));
                }
            }
            let opened = store::requests_since(conn, &org.id, now - interest::window())?;
            if let Some(retry_after_secs) = interest::retry_after(&opened, limit, now) {
                return Err(AppError::RateLimited { retry_after_secs });
            }

            // The requester is the other side of the listing.
            let requester_side = match target.kind() {
                ListingKind::Offer => Side::Need,
                ListingKind::Need => Side::Offer,
            };
            let score = match &own {
                Some(own) => engine::score_pair(&app, &target, own, &Lessons::default()),
                // Nothing to compare the listing with: not scored.
                None => Score { total: 0.0, fit: 0.0, parts: Vec::new(), excluded: None },
            };
            let requester =
                NewSide { listing: own.as_ref().map(|l| l.row.id.as_str()), org: &org.id, tenant: &org.tenant_id };
            let listed =
                NewSide { listing: Some(&target.row.id), org: &target.row.org_id, tenant: &target.row.tenant_id };
            let (offer_side, need_side) =
                if requester_side == Side::Need { (listed, requester) } else { (requester, listed) };
            let match_id = uuid::Uuid::now_v7().to_string();
            let inserted = store::insert(
                conn,
                &NewMatch {
                    id: &match_id,
                    offer: offer_side,
                    need: need_side,
                    score: &score,
                    origin: "interest",
                    proposed_by: None,
                    note: None,
                    request: Some(NewRequest {
                        org: &org.id,
                        by: &principal.user_id,
                        listing: &target.row.id,
                        purpose: &answers.purpose,
                        timing: &answers.timing,
                        terms: &answers.terms,
                    }),
                    status: Status::requested_by(requester_side),
                },
                now,
            )?;
            if !inserted {
                // Another request won the race for the same listing.
                return Err(AppError::conflict(Text::new(
                    "Tổ chức của bạn đã gửi lời quan tâm tới tin này.",
                    "Your organization has an open request on this listing.",
                )));
            }
            audit::record(
                conn,
                AuditEntry {
                    tenant_id: Some(&target.row.tenant_id),
                    actor_id: Some(&principal.user_id),
                    entity_type: ENTITY,
                    entity_id: &match_id,
                    action: "request",
                    to_state: Some("requested"),
                    details: Some(serde_json::json!({
                        "origin": "interest",
                        "organization_id": org.id,
                        "listing_id": target.row.id,
                        "own_listing_id": own.as_ref().map(|l| l.row.id.clone()),
                        "purpose": answers.purpose,
                        "timing": answers.timing,
                        "terms": answers.terms,
                    })),
                    client_ip: ip.0.as_deref(),
                    ..Default::default()
                },
                now,
            )?;
            notices::requested(
                &app,
                conn,
                &match_id,
                &target,
                &org.legal_name,
                own.as_ref().map(|l| l.row.title_vi.as_str()),
                RequestAnswers { purpose: &answers.purpose, timing: &answers.timing, terms: &answers.terms },
                now,
            )?;
            let row = store::find(conn, &match_id)?.ok_or(AppError::NotFound)?;
            let access = views::access(conn, &principal, &row)?.ok_or(AppError::NotFound)?;
            views::view(conn, &row, &access)
        })
        .await?;
    state.jobs.wake();
    Ok(view)
}
