//! A listing as the pages show it, its codes already named in the page's language.

use crate::listings::views::ListingView;
use crate::web::labels::Labels;

pub struct ListingCard {
    pub id: String,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    /// Marketplace search: the title with the matched words in `<b>` (escaped HTML).
    pub title_html: Option<String>,
    pub summary: String,
    pub summary_html: Option<String>,
    pub org_id: String,
    pub org_name: String,
    pub location: String,
    pub trl: Option<i32>,
    /// "850 triệu", "Thỏa thuận", or a budget range for needs.
    pub money: Option<String>,
    pub fields: Vec<String>,
    pub status: String,
    pub status_label: String,
}

impl ListingCard {
    pub fn of(view: &ListingView, labels: &Labels<'_>) -> ListingCard {
        let highlights = view.highlights.as_ref();
        let title = title_in(view, labels);
        // The highlights mark the Vietnamese title.
        let title_html = highlights.and_then(|h| h.title.clone()).filter(|_| title == view.title_vi);
        ListingCard {
            id: view.id.clone(),
            kind: view.kind.clone(),
            kind_label: labels.code(&view.kind),
            title,
            title_html,
            summary: view.summary.clone().unwrap_or_default(),
            summary_html: highlights.and_then(|h| h.summary.clone()),
            org_id: view.organization.id.clone(),
            org_name: view.organization.legal_name.clone(),
            location: labels.province(&view.location),
            trl: view.trl,
            money: money(view, labels),
            fields: view.st_fields.iter().map(|f| labels.field(f)).collect(),
            status: view.status.clone(),
            status_label: labels.code(&view.status),
        }
    }
}

/// The English title for English readers when there is one.
pub fn title_in(view: &ListingView, labels: &Labels<'_>) -> String {
    match (labels.lang, &view.title_en) {
        (crate::i18n::Lang::En, Some(en)) if !en.is_empty() => en.clone(),
        _ => view.title_vi.clone(),
    }
}

/// The price of an offer or the budget of a need, as people say it.
pub fn money(view: &ListingView, labels: &Labels<'_>) -> Option<String> {
    let lang = labels.lang;
    if view.kind == "offer" {
        if view.price_negotiable {
            return Some(lang.pick("Giá thỏa thuận", "Price negotiable").to_owned());
        }
        return view.price_vnd.map(|p| labels.amount(p));
    }
    match (view.budget_min_vnd, view.budget_max_vnd) {
        (Some(min), Some(max)) => Some(format!("{} – {}", labels.amount(min), labels.amount(max))),
        (None, Some(max)) => Some(format!("{} {}", lang.pick("đến", "up to"), labels.amount(max))),
        (Some(min), None) => Some(format!("{} {}", lang.pick("từ", "from"), labels.amount(min))),
        (None, None) => None,
    }
}
