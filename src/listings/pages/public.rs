//! The public pages of the marketplace: the home page, the marketplace itself, and one
//! listing.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::cards::{ListingCard, money, title_in};
use crate::app::AppState;
use crate::error::{AppError, FieldError};
use crate::listings::routes::{MarketplaceParams, marketplace};
use crate::listings::service;
use crate::listings::views::ListingView;
use crate::search::FacetCount;
use crate::taxonomy::Scheme;
use crate::templates::filters;
use crate::web::labels::Labels;
use crate::web::layout::Section;
use crate::web::page::{labels, query_string};
use crate::web::{FieldErrors, Frame, Visitor, render};

#[derive(Template)]
#[template(path = "listings/home.html")]
struct HomePage<'a> {
    frame: Frame<'a>,
    offers: u64,
    needs: u64,
    organizations: i64,
    provinces: usize,
    newest: Vec<ListingCard>,
}

/// `/`: a search box, the size of the market, the newest listings.
pub async fn home(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    let newest = marketplace(
        &state,
        MarketplaceParams {
            sort: Some("newest".into()),
            facets: Some("kind".into()),
            per_page: Some(8),
            ..Default::default()
        },
    )
    .await?;
    let count =
        |kind: &str| newest.facets.get("kind").and_then(|f| f.iter().find(|c| c.value == kind)).map_or(0, |c| c.count);
    let (organizations, provinces) = state
        .db
        .run(|conn| {
            let (_, total) =
                crate::registry::store::directory(conn, &crate::registry::store::DirectoryFilter::default(), 0, 1)?;
            Ok((total, crate::tenants::store::list(conn, false)?.len()))
        })
        .await?;
    let labels = labels(&state, visitor.lang).await?;
    render(&HomePage {
        offers: count("offer"),
        needs: count("need"),
        organizations,
        provinces,
        newest: newest.items.iter().map(|v| ListingCard::of(v, &labels)).collect(),
        frame: Frame::new(
            &visitor,
            visitor.t("Kết nối cung cầu công nghệ", "Connecting technology supply and demand"),
            Section::Home,
        ),
    })
}

/// The marketplace's query as typed in the page (every value a string, so that a wrong
/// one is shown back beside its field rather than refused as a whole).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MarketQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub st_field: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub transfer_mode: String,
    #[serde(default)]
    pub trl_min: String,
    #[serde(default)]
    pub price_min: String,
    #[serde(default)]
    pub price_max: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: String,
}

impl MarketQuery {
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("q", &self.q),
            ("kind", &self.kind),
            ("province", &self.province),
            ("st_field", &self.st_field),
            ("tag", &self.tag),
            ("transfer_mode", &self.transfer_mode),
            ("trl_min", &self.trl_min),
            ("price_min", &self.price_min),
            ("price_max", &self.price_max),
            ("sort", &self.sort),
        ]
    }

    /// The values a form carries along as hidden fields, all but those named in `except`
    /// (separated by spaces).
    pub fn carried(&self, except: &str) -> Vec<(&'static str, String)> {
        self.pairs()
            .into_iter()
            .filter(|(name, value)| !value.is_empty() && !except.split(' ').any(|e| e == *name))
            .map(|(name, value)| (name, value.to_owned()))
            .collect()
    }

    /// This query with one filter set (or cleared, when it is already that value), from
    /// the first page.
    pub fn toggled(&self, name: &str, value: &str) -> String {
        let pairs: Vec<(&str, &str)> = self
            .pairs()
            .into_iter()
            .map(|(n, v)| if n == name { (n, if v == value { "" } else { value }) } else { (n, v) })
            .collect();
        format!("/listings?{}", query_string(&pairs))
    }

    fn at_page(&self, page: u32) -> String {
        let page = page.to_string();
        let mut pairs = self.pairs();
        pairs.push(("page", &page));
        format!("/listings?{}", query_string(&pairs))
    }

    /// The API's parameters, and what was typed wrong.
    fn params(&self, errors: &mut Vec<FieldError>) -> MarketplaceParams {
        let text = |v: &str| crate::web::form::text(v);
        MarketplaceParams {
            q: text(&self.q),
            kind: text(&self.kind),
            province: text(&self.province),
            st_field: text(&self.st_field),
            tag: text(&self.tag),
            transfer_mode: text(&self.transfer_mode),
            trl_min: crate::web::form::number("trl_min", &self.trl_min, errors),
            trl_max: None,
            price_min: crate::web::form::number("price_min", &self.price_min, errors),
            price_max: crate::web::form::number("price_max", &self.price_max, errors),
            sort: text(&self.sort),
            facets: Some("all".into()),
            page: crate::web::form::number("page", &self.page, errors).and_then(|p| u32::try_from(p).ok()),
            per_page: Some(20),
        }
    }
}

pub struct FacetOption {
    pub label: String,
    pub count: u64,
    pub href: String,
    pub selected: bool,
}

pub struct FacetView {
    pub legend: &'static str,
    pub options: Vec<FacetOption>,
}

#[derive(Template)]
#[template(path = "listings/marketplace.html")]
struct MarketplacePage<'a> {
    frame: Frame<'a>,
    query: MarketQuery,
    errors: FieldErrors,
    total: i64,
    /// `false`: at least `total` (counting stops at 10 000).
    total_exact: bool,
    cards: Vec<ListingCard>,
    facets: Vec<FacetView>,
    /// `false`: the facet counts cover the first 10 000 matches.
    facets_exact: bool,
    previous: Option<String>,
    next: Option<String>,
    page: u32,
    pages: u32,
    /// The query as a saved search would keep it (signed-in visitors may save it).
    saved_query: String,
}

fn facet(
    legend: &'static str,
    name: &str,
    counts: Option<&Vec<FacetCount>>,
    selected: &str,
    query: &MarketQuery,
    label: impl Fn(&str) -> String,
) -> FacetView {
    let mut options: Vec<FacetOption> = counts
        .into_iter()
        .flatten()
        .map(|c| FacetOption {
            label: label(&c.value),
            count: c.count,
            href: query.toggled(name, &c.value),
            selected: c.value == selected,
        })
        .collect();
    options.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    options.truncate(12);
    FacetView { legend, options }
}

fn facets(
    facets: &BTreeMap<String, Vec<FacetCount>>,
    query: &MarketQuery,
    labels: &Labels<'_>,
    lang: crate::i18n::Lang,
) -> Vec<FacetView> {
    let t = |vi, en| lang.pick(vi, en);
    // Only the two-level field codes: their sub-fields are counted with them.
    let fields: Vec<FacetCount> =
        facets.get("st_field").into_iter().flatten().filter(|c| c.value.len() == 3).cloned().collect();
    vec![
        facet(t("Loại tin", "Kind"), "kind", facets.get("kind"), &query.kind, query, |v| labels.code(v)),
        facet(t("Tỉnh, thành", "Province"), "province", facets.get("province"), &query.province, query, |v| {
            labels.province(v)
        }),
        facet(t("Lĩnh vực KH&CN", "S&T field"), "st_field", Some(&fields), &query.st_field, query, |v| {
            labels.current(Scheme::StField, v)
        }),
        facet(
            t("Công nghệ chiến lược", "Strategic technology"),
            "tag",
            facets.get("tag"),
            &query.tag,
            query,
            |v| labels.current(Scheme::StrategicTechnology, v),
        ),
        facet(
            t("Phương thức chuyển giao", "Transfer mode"),
            "transfer_mode",
            facets.get("transfer_mode"),
            &query.transfer_mode,
            query,
            |v| labels.current(Scheme::TransferMode, v),
        ),
        facet(
            t("Mức sẵn sàng (TRL) từ", "Readiness (TRL) from"),
            "trl_min",
            facets.get("trl"),
            &query.trl_min,
            query,
            |v| format!("TRL {v}"),
        ),
    ]
}

/// `/listings`: the national marketplace, one box, facets with counts, pages.
pub async fn market(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<MarketQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let mut typed_wrong = Vec::new();
    let params = query.params(&mut typed_wrong);
    let mut errors = FieldErrors::default();
    for error in &typed_wrong {
        errors.add(error, visitor.lang);
    }
    let labels = labels(&state, visitor.lang).await?;
    let (results, errors) = if typed_wrong.is_empty() {
        match marketplace(&state, params.clone()).await {
            Ok(results) => (Some(results), errors),
            Err(error @ AppError::Validation(_)) => (None, FieldErrors::from_error(&error, visitor.lang)),
            Err(other) => return Err(other),
        }
    } else {
        (None, errors)
    };
    let page = params.page.unwrap_or(1).max(1);
    let (total, cards, facet_views) = match &results {
        Some(results) => (
            results.total,
            results.items.iter().map(|v| ListingCard::of(v, &labels)).collect(),
            facets(&results.facets, &query, &labels, visitor.lang),
        ),
        None => (0, Vec::new(), Vec::new()),
    };
    let (total_exact, facets_exact) = results.as_ref().map_or((true, true), |r| (r.total_exact, r.facets_exact));
    let pages = u32::try_from((total + 19) / 20).unwrap_or(u32::MAX).clamp(1, 500);
    let saved_query = serde_json::to_string(&saved_search_query(&query)).unwrap_or_default();
    let title = match query.q.trim() {
        "" => visitor.t("Chợ công nghệ", "Marketplace").to_owned(),
        q => format!("{} “{q}”", visitor.t("Tìm", "Search")),
    };
    render(&MarketplacePage {
        previous: (page > 1).then(|| query.at_page(page - 1)),
        next: (page < pages).then(|| query.at_page(page + 1)),
        page,
        pages,
        total,
        total_exact,
        cards,
        facets: facet_views,
        facets_exact,
        errors,
        saved_query,
        frame: Frame::new(&visitor, title, Section::Marketplace),
        query,
    })
}

/// A marketplace query as saved searches keep it (the API's `SavedQuery`).
fn saved_search_query(query: &MarketQuery) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    for (name, value) in query.pairs() {
        if value.is_empty() || name == "sort" {
            continue;
        }
        let json = match name {
            "trl_min" | "price_min" | "price_max" => value.parse::<i64>().map(serde_json::Value::from).ok(),
            _ => Some(serde_json::Value::from(value)),
        };
        if let Some(json) = json {
            object.insert(name.to_owned(), json);
        }
    }
    serde_json::Value::Object(object)
}

/// One field of a listing as the page shows it.
pub struct Shown {
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "listings/detail.html")]
struct DetailPage<'a> {
    frame: Frame<'a>,
    view: ListingView,
    title: String,
    kind_label: String,
    status_label: String,
    fields: Vec<Shown>,
    keywords: Vec<String>,
    /// Members and officers: the whole private part; a connected partner: the details.
    confidential: Option<String>,
    is_member: bool,
    review_comments: Vec<(String, String)>,
}

/// `/listings/{id}`: the public fields; for the organization's members and its officers
/// the review state too; the confidential details for them and a connected partner.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn detail(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<String>,
    done: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let principal = visitor.principal.clone();
    let now = state.clock.now();
    let (view, partner_sees) = state
        .db
        .run(move |conn| {
            let (record, access) = service::load(conn, principal.as_ref(), &id)?;
            let partner = match &principal {
                Some(p) if !access.private => {
                    crate::matching::store::connected_partner_of(conn, &record.row.id, &p.user_id)?
                }
                _ => None,
            };
            if let (Some(p), Some(_)) = (&principal, &partner) {
                crate::privacy::access_log::record(
                    conn,
                    &p.user_id,
                    &record.row.org_id,
                    "listing_confidential_details",
                    now,
                )?;
            }
            let view = if access.private {
                ListingView::private(&record, access.member.map(|r| r.as_str().to_owned()))
            } else {
                ListingView::public(&record)
            };
            Ok((view, partner.and(record.row.confidential_details.clone())))
        })
        .await?;
    let labels = labels(&state, visitor.lang).await?;
    let lang = visitor.lang;
    let t = |vi, en| lang.pick(vi, en);
    let mut fields = vec![
        Shown { label: t("Tổ chức", "Organization"), value: view.organization.legal_name.clone() },
        Shown { label: t("Địa điểm", "Location"), value: labels.province(&view.location) },
    ];
    if let Some(trl) = view.trl {
        let label = if view.kind == "offer" {
            t("Mức sẵn sàng (TRL)", "Readiness (TRL)")
        } else {
            t("TRL tối thiểu", "Minimum TRL")
        };
        fields.push(Shown { label, value: trl.to_string() });
    }
    if let Some(money) = money(&view, &labels) {
        let label = if view.kind == "offer" { t("Giá", "Price") } else { t("Ngân sách", "Budget") };
        fields.push(Shown { label, value: money });
    }
    let join = |items: Vec<String>| items.join(", ");
    if !view.st_fields.is_empty() {
        fields.push(Shown {
            label: t("Lĩnh vực KH&CN", "S&T fields"),
            value: join(view.st_fields.iter().map(|f| labels.field(f)).collect()),
        });
    }
    if !view.strategic_tags.is_empty() {
        fields.push(Shown {
            label: t("Công nghệ chiến lược", "Strategic technologies"),
            value: join(view.strategic_tags.iter().map(|f| labels.tag(f)).collect()),
        });
    }
    if !view.transfer_modes.is_empty() {
        fields.push(Shown {
            label: t("Phương thức chuyển giao", "Transfer modes"),
            value: join(view.transfer_modes.iter().map(|f| labels.mode(f)).collect()),
        });
    }
    if let Some(ip) = &view.ip_status {
        let mut value = labels.code(ip);
        if let Some(number) = &view.patent_number {
            value = format!("{value} ({number})");
        }
        fields.push(Shown { label: t("Sở hữu trí tuệ", "Intellectual property"), value });
    }
    if let Some(vsic) = &view.vsic {
        let code = vsic.code.as_deref().map(|c| format!(" {c}")).unwrap_or_default();
        fields.push(Shown {
            label: t("Ngành (VSIC)", "Industry (VSIC)"),
            value: format!("{}{code} ({})", vsic.section, vsic.version),
        });
    }
    if let Some(deadline) = &view.deadline {
        fields.push(Shown { label: t("Hạn cần", "Needed by"), value: labels.date(deadline) });
    }
    if let Some(published) = &view.published_at {
        fields.push(Shown { label: t("Ngày đăng", "Published"), value: labels.moment(published) });
    }
    if let Some(expires) = &view.expires_at {
        fields.push(Shown { label: t("Hết hạn", "Expires"), value: labels.moment(expires) });
    }
    let is_member = view.private.as_ref().is_some_and(|p| p.my_role.is_some());
    let review_comments = view
        .private
        .as_ref()
        .and_then(|p| p.field_comments.as_ref())
        .and_then(|c| c.as_object())
        .map(|c| c.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default();
    let confidential = view.private.as_ref().and_then(|p| p.confidential_details.clone()).or(partner_sees);
    render(&DetailPage {
        title: title_in(&view, &labels),
        kind_label: labels.code(&view.kind),
        status_label: labels.code(&view.status),
        keywords: view.keywords.clone(),
        fields,
        confidential,
        is_member,
        review_comments,
        frame: Frame::new(&visitor, title_in(&view, &labels), Section::Marketplace)
            .with_flash(done_message(done.done.as_deref(), lang)),
        view,
    })
}

/// What the page says after a member's step.
fn done_message(done: Option<&str>, lang: crate::i18n::Lang) -> Option<String> {
    let (vi, en) = match done? {
        "created" => {
            ("Đã lưu bản nháp. Kiểm tra lại rồi gửi duyệt.", "Draft saved. Check it, then submit it for review.")
        }
        "saved" => ("Đã lưu thay đổi.", "Changes saved."),
        "submitted" => (
            "Đã gửi duyệt (hoặc đã đăng, nếu tỉnh đăng ngay).",
            "Submitted for review (or published, where the province publishes at once).",
        ),
        "closed" => ("Đã đóng tin.", "The listing is closed."),
        "renewed" => ("Đã gia hạn tin.", "The listing is renewed."),
        _ => return None,
    };
    Some(lang.pick(vi, en).to_owned())
}
