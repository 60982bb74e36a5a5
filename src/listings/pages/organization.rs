//! An organization's page in the marketplace: its profile (public fields; for members and
//! the province's officers also the contact and the review state, an officer's read
//! logged) and its listings. It lives with the listings, which come after organizations.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::cards::ListingCard;
use crate::app::AppState;
use crate::auth::MaybePrincipal;
use crate::error::AppError;
use crate::registry::routes::organizations::organization_view;
use crate::registry::views::OrganizationView;
use crate::templates::filters;
use crate::web::layout::Section;
use crate::web::page::labels;
use crate::web::{Frame, Visitor, render};

pub struct Shown {
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "registry/profile.html")]
struct ProfilePage<'a> {
    frame: Frame<'a>,
    view: OrganizationView,
    kind_label: String,
    status_label: String,
    fields: Vec<Shown>,
    listings: Vec<ListingCard>,
    is_member: bool,
    /// The province's comments of the last request for changes, per field.
    comments: Vec<(String, String)>,
    warning: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ProfileQuery {
    done: Option<String>,
    warning: Option<String>,
}

/// `/orgs/{id}`: public fields and published listings; members and the province's
/// officers also see the contact and the review state (an officer's read is logged by
/// `organization_view`).
pub async fn profile(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<String>,
    query: web::Query<ProfileQuery>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let caller = MaybePrincipal(visitor.principal.clone());
    let view = organization_view(&state, caller.clone(), id.clone()).await?;
    let is_member = view.private.as_ref().is_some_and(|p| p.my_role.is_some());
    let listings = crate::listings::routes::manage::listings_of_org(&state, caller, id.clone()).await?;
    let labels = labels(&state, visitor.lang).await?;
    let lang = visitor.lang;
    let t = |vi, en| lang.pick(vi, en);
    let mut fields = vec![Shown { label: t("Tỉnh, thành", "Province"), value: labels.province(&view.province) }];
    let mut push = |label, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            fields.push(Shown { label, value });
        }
    };
    push(t("Tên tiếng Anh", "English name"), view.name_en.clone());
    push(t("Tên viết tắt", "Short name"), view.short_name.clone());
    push(t("Mã số thuế", "Tax code"), view.tax_code.clone());
    push(t("Loại tổ chức trung gian", "Intermediary type"), view.intermediary_type.as_deref().map(|c| labels.code(c)));
    push(t("Địa chỉ", "Address"), view.address.clone());
    push(t("Trang web", "Website"), view.website.clone());
    push(t("Năm thành lập", "Founded"), view.year_founded.map(|y| y.to_string()));
    push(t("Quy mô", "Size"), view.size_band.as_deref().map(|c| labels.code(c)));
    push(t("Đơn vị chủ trì", "Host institution"), view.host_institution.clone());
    push(t("Giấy chứng nhận DN KH&CN", "S&T enterprise certificate"), view.certificate_number.clone());
    push(t("Ngày cấp", "Issued on"), view.certificate_date.as_ref().map(|d| labels.date(d)));
    push(t("Nơi cấp", "Issued by"), view.certificate_issuer.clone());
    push(t("Tình trạng giấy chứng nhận", "Certificate standing"), certificate_ended(&view, lang));
    push(
        t("Lĩnh vực KH&CN", "S&T fields"),
        Some(view.st_fields.iter().map(|f| labels.field(f)).collect::<Vec<_>>().join(", ")),
    );
    push(
        t("Công nghệ chiến lược", "Strategic technologies"),
        Some(view.strategic_tags.iter().map(|f| labels.tag(f)).collect::<Vec<_>>().join(", ")),
    );
    if let Some(trust) = &view.trust {
        push(
            t("Được duyệt từ", "Approved since"),
            trust.approved_since.zip(trust.approved_days).map(|(day, days)| {
                format!("{} ({})", labels.date(&day), crate::web::display::duration_in_days(days, lang))
            }),
        );
        push(t("Giao dịch đã xác minh", "Verified deals"), Some(trust.verified_deals.to_string()));
    }
    if let Some(private) = &view.private {
        push(t("Người liên hệ", "Contact person"), private.contact_name.clone());
        push(t("Email liên hệ", "Contact email"), private.contact_email.clone());
        push(t("Điện thoại liên hệ", "Contact phone"), private.contact_phone.clone());
    }
    let comments = view
        .private
        .as_ref()
        .and_then(|p| p.field_comments.as_ref())
        .and_then(|c| c.as_object())
        .map(|c| c.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default();
    let flash = match query.done.as_deref() {
        Some("created") => Some(t(
            "Đã lưu bản nháp. Kiểm tra lại rồi gửi Sở KH&CN duyệt.",
            "Draft saved. Check it, then send it to the Department of S&T.",
        )),
        Some("submitted") => Some(t(
            "Đã gửi duyệt. Sở KH&CN của tỉnh sẽ xem xét và báo kết quả qua email.",
            "Submitted. The province's Department of S&T will review it and tell you by email.",
        )),
        Some("saved") => Some(t("Đã lưu thay đổi.", "Changes saved.")),
        Some("joined") => Some(t("Bạn đã tham gia tổ chức.", "You joined the organization.")),
        _ => None,
    }
    .map(str::to_owned);
    let warning = (query.warning.as_deref() == Some("similar_name")).then(|| {
        t(
            "Tỉnh này đã có tổ chức với tên rất giống. Nếu đó là tổ chức của bạn, hãy đề nghị được mời tham gia thay vì đăng ký mới.",
            "This province already has an organization with a very similar name. If it is yours, ask to be invited instead of registering anew.",
        )
        .to_owned()
    });
    render(&ProfilePage {
        frame: Frame::new(&visitor, view.legal_name.clone(), Section::Directory).with_flash(flash),
        kind_label: labels.code(&view.kind),
        status_label: labels.code(&view.status),
        listings: listings.iter().map(|l| ListingCard::of(l, &labels)).collect(),
        fields,
        is_member,
        comments,
        warning,
        view,
    })
}

/// "Giấy chứng nhận DN KH&CN đã bị thu hồi/hủy bỏ ngày …", once its standing ended.
fn certificate_ended(view: &OrganizationView, lang: crate::i18n::Lang) -> Option<String> {
    let standing = view.certificate_standing.as_ref()?;
    let ending = crate::certificates::rules::Ending::parse(&standing.status)?;
    Some(crate::certificates::emails::ended_sentence(ending, standing.decided_on, lang))
}
