//! What the two sides of a match are told, in each reader's language, under their own
//! province's name.

use chrono::NaiveDateTime;

use super::lifecycle::{DeclineReason, Response, Side};
use super::score::Score;
use super::store::MatchRow;
use crate::app::AppState;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::listings::store::ListingRecord;
use crate::notify::{self, Kind, Notice};
use crate::registry::store::ContactDetails;
use crate::tenants;

fn link(state: &AppState, match_id: &str) -> String {
    format!("{}/matches/{match_id}", state.settings.server.public_url.trim_end_matches('/'))
}

fn province_name(conn: &mut DbConnection, tenant_id: &str) -> Result<String, AppError> {
    Ok(tenants::store::find(conn, tenant_id)?.map(|t| t.name_vi).unwrap_or_else(|| tenant_id.to_owned()))
}

/// Tells every member of one side's organization.
#[allow(clippy::too_many_arguments)]
fn tell_side(
    state: &AppState,
    conn: &mut DbConnection,
    org_id: &str,
    tenant_id: &str,
    match_id: &str,
    kind: Kind,
    event: &str,
    now: NaiveDateTime,
    compose: &dyn Fn(Lang) -> (String, Vec<String>),
) -> Result<(), AppError> {
    let province = province_name(conn, tenant_id)?;
    for (user_id, email, name, language) in crate::registry::store::members_to_notify(conn, org_id)? {
        let lang = Lang::parse(&language).unwrap_or_default();
        let (title, paragraphs) = compose(lang);
        notify::publish(
            conn,
            state,
            Notice {
                user_id: &user_id,
                kind,
                event_key: format!("match:{match_id}:{event}:{user_id}"),
                lang,
                to: &email,
                to_name: &name,
                province_name: Some(&province),
                tenant_id: Some(tenant_id),
                title,
                paragraphs,
                link: Some(link(state, match_id)),
                entity: Some(("match", match_id)),
            },
            now,
        )?;
    }
    Ok(())
}

fn percent(score: f64) -> u32 {
    (score * 100.0).round().clamp(0.0, 100.0) as u32
}

/// A new match, told to both sides.
pub fn new_match(
    state: &AppState,
    conn: &mut DbConnection,
    match_id: &str,
    offer: &ListingRecord,
    need: &ListingRecord,
    score: &Score,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let points = percent(score.total);
    for (own, other, side) in [(offer, need, Side::Offer), (need, offer, Side::Need)] {
        let compose =
            |lang: Lang| new_match_message(lang, side, points, &own.row.title_vi, &other.row.title_vi, &other.org_name);
        tell_side(
            state,
            conn,
            &own.row.org_id,
            &own.row.tenant_id,
            match_id,
            Kind::NewMatch,
            "suggested",
            now,
            &compose,
        )?;
    }
    Ok(())
}

/// What one side of a new match is told: `own_title` is its listing, `other_title` the
/// one suggested to it. Pure.
pub fn new_match_message(
    lang: Lang,
    side: Side,
    points: u32,
    own_title: &str,
    other_title: &str,
    other_org_name: &str,
) -> (String, Vec<String>) {
    match lang {
        Lang::Vi => (
            format!("Gợi ý kết nối mới cho \"{own_title}\""),
            vec![
                format!(
                    "TechBridge tìm thấy {} phù hợp với tin \"{own_title}\" của bạn (độ phù hợp {points}/100):",
                    if side == Side::Offer { "một nhu cầu công nghệ" } else { "một công nghệ" },
                ),
                format!("\"{other_title}\" — {other_org_name}"),
                "Hãy cho biết bạn có quan tâm hay không; khi cả hai bên quan tâm, thông tin liên hệ sẽ được chia sẻ."
                    .to_owned(),
            ],
        ),
        Lang::En => (
            format!("New match for \"{own_title}\""),
            vec![
                format!(
                    "TechBridge found {} that fits your listing \"{own_title}\" (fit {points}/100):",
                    if side == Side::Offer { "a technology need" } else { "a technology" },
                ),
                format!("\"{other_title}\" — {other_org_name}"),
                "Tell us whether you are interested; once both sides are, contact details are shared.".to_owned(),
            ],
        ),
    }
}

fn reason_text(reason: DeclineReason, lang: Lang) -> &'static str {
    let (vi, en) = match reason {
        DeclineReason::FieldNotRelevant => ("lĩnh vực không phù hợp", "the field is not relevant"),
        DeclineReason::TrlTooLow => ("mức sẵn sàng công nghệ (TRL) còn thấp", "the TRL is too low"),
        DeclineReason::PriceOrBudget => ("giá hoặc ngân sách không phù hợp", "price or budget"),
        DeclineReason::TransferMode => ("phương thức chuyển giao không phù hợp", "the transfer mode"),
        DeclineReason::Location => ("địa điểm", "the location"),
        DeclineReason::AlreadySolved => ("đã có giải pháp", "already solved"),
        DeclineReason::Timing => ("thời điểm chưa phù hợp", "the timing"),
        DeclineReason::Other => ("lý do khác", "another reason"),
    };
    lang.pick(vi, en)
}

/// One side answered: the other side is told.
pub fn answered(
    state: &AppState,
    conn: &mut DbConnection,
    row: &MatchRow,
    side: Side,
    response: Response,
    reason: Option<DeclineReason>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (org, tenant, own_title, other_title) = titles(conn, row, side.other())?;
    let compose = |lang: Lang| answer_message(lang, response, reason, &own_title, &other_title);
    tell_side(
        state,
        conn,
        &org,
        &tenant,
        &row.id,
        Kind::MatchResponse,
        &format!("{}-{}", side.as_str(), response.as_str()),
        now,
        &compose,
    )
}

/// What a side is told when the other side answered: `own_title` is its listing. Pure.
pub fn answer_message(
    lang: Lang,
    response: Response,
    reason: Option<DeclineReason>,
    own_title: &str,
    other_title: &str,
) -> (String, Vec<String>) {
    let (title, text) = match (response, lang) {
        (Response::Interested, Lang::Vi) => (
            format!("Bên kia quan tâm tới kết nối \"{own_title}\""),
            format!("Bên có tin \"{other_title}\" quan tâm tới kết nối với tin \"{own_title}\" của bạn."),
        ),
        (Response::Interested, Lang::En) => (
            format!("The other side is interested in \"{own_title}\""),
            format!("The side behind \"{other_title}\" is interested in connecting with your listing \"{own_title}\"."),
        ),
        (Response::Declined, Lang::Vi) => (
            format!("Bên kia từ chối kết nối \"{own_title}\""),
            format!(
                "Bên có tin \"{other_title}\" không tiếp tục kết nối ({}).",
                reason.map(|r| reason_text(r, lang)).unwrap_or("")
            ),
        ),
        (Response::Declined, Lang::En) => (
            format!("The other side declined \"{own_title}\""),
            format!(
                "The side behind \"{other_title}\" declined the match ({}).",
                reason.map(|r| reason_text(r, lang)).unwrap_or("")
            ),
        ),
    };
    (title, vec![text])
}

/// Both sides are interested: each gets the other's contact details.
pub fn introduction(
    state: &AppState,
    conn: &mut DbConnection,
    row: &MatchRow,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    for side in [Side::Offer, Side::Need] {
        let (org, tenant, own_title, other_title) = titles(conn, row, side)?;
        let other_org = match side {
            Side::Offer => &row.need_org_id,
            Side::Need => &row.offer_org_id,
        };
        let other_org_name =
            crate::registry::store::find(conn, other_org)?.map(|o| o.row.legal_name).unwrap_or_default();
        let contact = crate::registry::store::contact_of(conn, other_org)?.unwrap_or_default();
        let compose = |lang: Lang| introduction_message(lang, &own_title, &other_title, &other_org_name, &contact);
        tell_side(state, conn, &org, &tenant, &row.id, Kind::MatchResponse, "connected", now, &compose)?;
    }
    Ok(())
}

/// What a side is told once both are interested: the other side's contact details.
/// `own_title` is its listing. Pure.
pub fn introduction_message(
    lang: Lang,
    own_title: &str,
    other_title: &str,
    other_org_name: &str,
    contact: &ContactDetails,
) -> (String, Vec<String>) {
    let (name, email, phone) = contact;
    let unknown = lang.pick("(chưa có)", "(not given)");
    let contact = format!(
        "{}: {}\nEmail: {}\n{}: {}",
        lang.pick("Người liên hệ", "Contact"),
        name.as_deref().unwrap_or(unknown),
        email.as_deref().unwrap_or(unknown),
        lang.pick("Điện thoại", "Phone"),
        phone.as_deref().unwrap_or(unknown)
    );
    match lang {
        Lang::Vi => (
            format!("Kết nối thành công: \"{own_title}\" ↔ \"{other_title}\""),
            vec![
                format!("Cả hai bên đều quan tâm. Xin giới thiệu {other_org_name}, bên có tin \"{other_title}\":"),
                contact,
                "Thông tin bảo mật của tin đăng nay hiển thị cho cả hai bên trên TechBridge.".to_owned(),
            ],
        ),
        Lang::En => (
            format!("Connected: \"{own_title}\" ↔ \"{other_title}\""),
            vec![
                format!("Both sides are interested. Meet {other_org_name}, behind \"{other_title}\":"),
                contact,
                "The listings' confidential details are now visible to both sides on TechBridge.".to_owned(),
            ],
        ),
    }
}

/// (organization, its province, its listing's title, the other listing's title) for a side.
fn titles(conn: &mut DbConnection, row: &MatchRow, side: Side) -> Result<(String, String, String, String), AppError> {
    let title = |conn: &mut DbConnection, listing: Option<&str>, org: &str| -> Result<String, AppError> {
        Ok(match listing {
            Some(id) => crate::listings::store::find(conn, id)?.map(|l| l.row.title_vi).unwrap_or_default(),
            // An interested organization without a listing: its name stands for it.
            None => crate::registry::store::find(conn, org)?.map(|o| o.row.legal_name).unwrap_or_default(),
        })
    };
    let offer = title(conn, row.offer_id.as_deref(), &row.offer_org_id)?;
    let need = title(conn, row.need_id.as_deref(), &row.need_org_id)?;
    Ok(match side {
        Side::Offer => (row.offer_org_id.clone(), row.offer_tenant_id.clone(), offer, need),
        Side::Need => (row.need_org_id.clone(), row.need_tenant_id.clone(), need, offer),
    })
}

/// The three short answers of a request.
#[derive(Debug, Clone, Copy)]
pub struct RequestAnswers<'a> {
    pub purpose: &'a str,
    pub timing: &'a str,
    pub terms: &'a str,
}

/// An organization said "we are interested" on a listing: its owners are told, once each.
#[allow(clippy::too_many_arguments)]
pub fn requested(
    state: &AppState,
    conn: &mut DbConnection,
    match_id: &str,
    listing: &ListingRecord,
    requester_name: &str,
    requester_listing: Option<&str>,
    answers: RequestAnswers<'_>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let compose = |lang: Lang| request_message(lang, &listing.row.title_vi, requester_name, requester_listing, answers);
    tell_side(
        state,
        conn,
        &listing.row.org_id,
        &listing.row.tenant_id,
        match_id,
        Kind::NewMatch,
        "requested",
        now,
        &compose,
    )
}

/// What a listing's owners are told of a request: who asked, for what, when, on what
/// terms; contact details follow only if they accept. Pure.
pub fn request_message(
    lang: Lang,
    own_title: &str,
    requester_name: &str,
    requester_listing: Option<&str>,
    answers: RequestAnswers<'_>,
) -> (String, Vec<String>) {
    let mut paragraphs = match lang {
        Lang::Vi => vec![format!("{requester_name} quan tâm tới tin \"{own_title}\" của bạn.")],
        Lang::En => vec![format!("{requester_name} is interested in your listing \"{own_title}\".")],
    };
    if let Some(theirs) = requester_listing {
        paragraphs.push(match lang {
            Lang::Vi => format!("Tin của họ: \"{theirs}\""),
            Lang::En => format!("Their listing: \"{theirs}\""),
        });
    }
    paragraphs.push(format!(
        "{}: {}\n{}: {}\n{}: {}",
        lang.pick("Để làm gì", "What for"),
        answers.purpose,
        lang.pick("Khi nào", "When"),
        answers.timing,
        lang.pick("Ngân sách hoặc điều kiện", "Budget or terms"),
        answers.terms
    ));
    paragraphs.push(
        lang.pick(
            "Hãy chấp nhận hoặc từ chối (kèm lý do); thông tin liên hệ của hai bên chỉ được chia sẻ khi bạn chấp nhận.",
            "Accept or decline (with a reason); both sides' contact details are shared only if you accept.",
        )
        .to_owned(),
    );
    let title = match lang {
        Lang::Vi => format!("{requester_name} quan tâm tới \"{own_title}\""),
        Lang::En => format!("{requester_name} is interested in \"{own_title}\""),
    };
    (title, paragraphs)
}
