use std::collections::{BTreeMap, HashMap};

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::error::{AppError, FieldError, Text, Violations};
use crate::http::ApiQuery;
use crate::listings::model::{ListingKind, Trl, Vnd};
use crate::listings::store;
use crate::listings::views::ListingView;
use crate::search::{Facet, FacetCount, Filters, SearchQuery, Sort, Strategy};
use crate::taxonomy::Scheme;

/// Results beyond this depth are not served; narrow the search instead.
pub const MAX_RESULT_WINDOW: u32 = 10_000;

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MarketplaceParams {
    /// Words to find, with or without diacritics; one typo is tolerated in words of 4+ letters.
    pub q: Option<String>,
    /// `offer` or `need`.
    pub kind: Option<String>,
    /// Location province code.
    pub province: Option<String>,
    /// S&T field code; its sub-fields match too.
    pub st_field: Option<String>,
    /// Strategic technology code.
    pub tag: Option<String>,
    /// Transfer mode code.
    pub transfer_mode: Option<String>,
    pub trl_min: Option<i64>,
    pub trl_max: Option<i64>,
    /// Offers priced, or needs budgeted, within this range (VND).
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    /// `relevance` (default when `q` is given) or `newest`.
    pub sort: Option<String>,
    /// Comma-separated facet names (kind, province, st_field, tag, transfer_mode, trl) or `all`.
    pub facets: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MarketplacePage {
    pub items: Vec<ListingView>,
    pub page: u32,
    pub per_page: u32,
    /// The number of matching listings when `total_exact`; otherwise at least this many
    /// (matches are counted up to 10 000).
    pub total: i64,
    pub total_exact: bool,
    /// Counts per value for each facet asked for, over the matches counted.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// Whether the facets count every match (otherwise the first 10 000).
    pub facets_exact: bool,
}

fn code_filter(
    v: &mut Violations,
    state: &AppState,
    scheme: Scheme,
    field: &'static str,
    raw: Option<String>,
) -> Option<String> {
    let raw = raw.filter(|c| !c.trim().is_empty())?;
    v.check(state.taxonomy.validate_codes(scheme, field, &[raw], 1))
        .and_then(|codes| codes.into_iter().next())
        .map(|c| c.code)
}

/// Checks marketplace parameters and turns them into a search.
pub fn search_query(state: &AppState, params: MarketplaceParams) -> Result<SearchQuery, AppError> {
    let mut v = Violations::new();
    let page = params.page.unwrap_or(1);
    let per_page = params.per_page.unwrap_or(20);
    if page == 0 || page > MAX_RESULT_WINDOW {
        v.push(FieldError::out_of_range("page", 1, i64::from(MAX_RESULT_WINDOW)));
    }
    if !(1..=100).contains(&per_page) {
        v.push(FieldError::out_of_range("per_page", 1, 100));
    }
    if page.saturating_mul(per_page) > MAX_RESULT_WINDOW && (1..=100).contains(&per_page) && page > 0 {
        v.push(FieldError::new(
            "page",
            "too_deep",
            Text::owned(
                format!("Chỉ xem được {MAX_RESULT_WINDOW} kết quả đầu tiên; hãy lọc hẹp hơn."),
                format!("Only the first {MAX_RESULT_WINDOW} results can be paged through; narrow the search."),
            ),
        ));
    }
    let kind = params.kind.filter(|k| !k.is_empty()).and_then(|raw| v.check(ListingKind::parse_field("kind", &raw)));
    // A well-formed code of no province simply finds nothing.
    let province = params.province.filter(|p| !p.is_empty()).and_then(|code| {
        v.check(crate::tenants::rules::parse_code(&code).map_err(|_| {
            FieldError::invalid(
                "province",
                Text::new("Mã tỉnh gồm 2–3 chữ số, ví dụ 48.", "A province code has 2–3 digits, e.g. 48."),
            )
        }))
    });
    let st_field = code_filter(&mut v, state, Scheme::StField, "st_field", params.st_field);
    let tag = code_filter(&mut v, state, Scheme::StrategicTechnology, "tag", params.tag);
    let mode = code_filter(&mut v, state, Scheme::TransferMode, "transfer_mode", params.transfer_mode);
    let trl_min = params.trl_min.and_then(|t| v.check(Trl::parse("trl_min", t)));
    let trl_max = params.trl_max.and_then(|t| v.check(Trl::parse("trl_max", t)));
    if let (Some(min), Some(max)) = (trl_min, trl_max)
        && min > max
    {
        v.push(FieldError::new(
            "trl_min",
            "greater_than_max",
            Text::new("TRL tối thiểu lớn hơn TRL tối đa.", "trl_min is greater than trl_max."),
        ));
    }
    let price_min = params.price_min.and_then(|p| v.check(Vnd::parse("price_min", p)));
    let price_max = params.price_max.and_then(|p| v.check(Vnd::parse("price_max", p)));
    if let (Some(min), Some(max)) = (price_min, price_max)
        && min > max
    {
        v.push(FieldError::new(
            "price_min",
            "greater_than_max",
            Text::new("Giá tối thiểu lớn hơn giá tối đa.", "price_min is greater than price_max."),
        ));
    }
    let text = params.q.filter(|q| !q.trim().is_empty());
    let sort = match params.sort.as_deref() {
        None | Some("") => Some(if text.is_some() { Sort::Relevance } else { Sort::Newest }),
        Some("relevance") => Some(Sort::Relevance),
        Some("newest") => Some(Sort::Newest),
        Some(_) => {
            v.push(FieldError::one_of("sort", &["relevance", "newest"]));
            None
        }
    };
    let mut facets = Vec::new();
    for name in params.facets.as_deref().unwrap_or("").split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name == "all" {
            facets = Facet::ALL.to_vec();
            break;
        }
        match Facet::parse(name) {
            Some(facet) if !facets.contains(&facet) => facets.push(facet),
            Some(_) => {}
            None => {
                v.push(FieldError::one_of(
                    "facets",
                    &["kind", "province", "st_field", "tag", "transfer_mode", "trl", "all"],
                ));
                break;
            }
        }
    }
    let query = SearchQuery {
        text,
        filters: Filters {
            kind: kind.map(|k| k.as_str().to_owned()),
            province,
            st_field,
            tag,
            mode,
            trl_min: trl_min.map(|t| u64::from(t.level())),
            trl_max: trl_max.map(|t| u64::from(t.level())),
            price_min: price_min.map(Vnd::amount),
            price_max: price_max.map(Vnd::amount),
            exclude_org: None,
            published_after: None,
        },
        sort: sort.unwrap_or_default(),
        offset: (page.max(1) as usize - 1) * per_page.max(1) as usize,
        limit: per_page.clamp(1, 100) as usize,
        facets,
        highlight: true,
        strategy: Strategy::AllWords,
    };
    v.finish(Some(query))
}

/// The national marketplace: published offers and needs, searched in Vietnamese with or
/// without diacritics, filtered, counted by facet, newest or most relevant first.
#[utoipa::path(
    tag = "listings",
    params(MarketplaceParams),
    responses(
        (status = 200, body = MarketplacePage),
        (status = 422, description = "A filter or paging value is invalid", body = crate::error::ProblemBody),
    )
)]
#[get("/listings")]
pub async fn search(state: web::Data<AppState>, params: ApiQuery<MarketplaceParams>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(marketplace(&state, params.0).await?))
}

/// One page of the marketplace, as the API and the marketplace page show it. The cards
/// come from the index; only a hit without one (an index written before cards were kept)
/// is read from the database.
pub async fn marketplace(state: &AppState, params: MarketplaceParams) -> Result<MarketplacePage, AppError> {
    let (page, per_page) = (params.page.unwrap_or(1), params.per_page.unwrap_or(20));
    let query = search_query(state, params)?;
    let results = state.search.search(query).await?;
    let mut cards: Vec<(Option<ListingView>, &crate::search::Hit)> = results
        .hits
        .iter()
        .map(|hit| (serde_json::from_str::<ListingView>(&hit.card).ok().filter(|v| v.id == hit.id), hit))
        .collect();
    let missing: Vec<String> = cards.iter().filter(|(card, _)| card.is_none()).map(|(_, hit)| hit.id.clone()).collect();
    if !missing.is_empty() {
        let records = state.db.run(move |conn| store::find_many(conn, &missing)).await?;
        let mut by_id: HashMap<String, _> =
            records.into_iter().filter(|r| r.is_public()).map(|r| (r.row.id.clone(), r)).collect();
        for (card, hit) in &mut cards {
            if card.is_none() {
                *card = by_id.remove(&hit.id).map(|record| ListingView::public(&record));
            }
        }
    }
    let items = cards
        .into_iter()
        .filter_map(|(card, hit)| {
            card.map(|mut view| {
                view.highlights = hit.highlights.clone();
                view
            })
        })
        .collect();
    Ok(MarketplacePage {
        items,
        page,
        per_page,
        total: i64::try_from(results.total).unwrap_or(i64::MAX),
        total_exact: results.total_exact,
        facets: results.facets.clone(),
        facets_exact: results.facets_exact,
    })
}
