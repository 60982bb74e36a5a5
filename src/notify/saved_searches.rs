//! Saved searches: a user keeps a marketplace search and is told of listings published
//! after it, each listing once.

use actix_web::web;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Kind, Notice};
use crate::app::AppState;
use crate::code_enum;
use crate::db::schema::{saved_search_hits, saved_searches};
use crate::db::{DbConnection, insert_ignoring_duplicates};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::listings::routes::MarketplaceParams;
use crate::search::Sort;

code_enum! {
    pub enum Frequency {
        Instant => "instant",
        Daily => "daily",
        Weekly => "weekly",
    }
}

impl Frequency {
    /// How long after a check the next one is due.
    pub fn period(self) -> Duration {
        match self {
            Frequency::Instant => Duration::zero(),
            Frequency::Daily => Duration::days(1),
            Frequency::Weekly => Duration::days(7),
        }
    }
}

/// Index updates follow publication by a moment; a search looks this far back, and the
/// hits table keeps a listing from being told twice.
const GRACE: Duration = Duration::hours(1);
const HITS_PER_RUN: usize = 20;

/// The search a user saved: the marketplace's text and filters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct SavedQuery {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub province: Option<String>,
    pub st_field: Option<String>,
    pub tag: Option<String>,
    pub transfer_mode: Option<String>,
    pub trl_min: Option<i64>,
    pub trl_max: Option<i64>,
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
}

impl SavedQuery {
    pub fn params(&self) -> MarketplaceParams {
        MarketplaceParams {
            q: self.q.clone(),
            kind: self.kind.clone(),
            province: self.province.clone(),
            st_field: self.st_field.clone(),
            tag: self.tag.clone(),
            transfer_mode: self.transfer_mode.clone(),
            trl_min: self.trl_min,
            trl_max: self.trl_max,
            price_min: self.price_min,
            price_max: self.price_max,
            sort: Some("newest".into()),
            facets: None,
            page: Some(1),
            per_page: Some(HITS_PER_RUN as u32),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = saved_searches)]
pub struct SavedSearchRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub query: String,
    pub frequency: String,
    pub checked_until: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SavedSearchView {
    pub id: String,
    pub name: String,
    pub query: SavedQuery,
    pub frequency: String,
    #[serde(serialize_with = "crate::http::time::utc")]
    pub created_at: NaiveDateTime,
}

impl From<SavedSearchRow> for SavedSearchView {
    fn from(row: SavedSearchRow) -> Self {
        SavedSearchView {
            query: serde_json::from_str(&row.query).unwrap_or_default(),
            id: row.id,
            name: row.name,
            frequency: row.frequency,
            created_at: row.created_at,
        }
    }
}

pub fn insert(
    conn: &mut DbConnection,
    id: &str,
    user_id: &str,
    name: &str,
    query: &SavedQuery,
    frequency: Frequency,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(saved_searches::table)
        .values((
            saved_searches::id.eq(id),
            saved_searches::user_id.eq(user_id),
            saved_searches::name.eq(name),
            saved_searches::query.eq(serde_json::to_string(query)?),
            saved_searches::frequency.eq(frequency.as_str()),
            saved_searches::checked_until.eq(now),
            saved_searches::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn of_user(conn: &mut DbConnection, user_id: &str) -> Result<Vec<SavedSearchRow>, AppError> {
    Ok(saved_searches::table
        .filter(saved_searches::user_id.eq(user_id))
        .order(saved_searches::created_at.desc())
        .select(SavedSearchRow::as_select())
        .load(conn)?)
}

pub fn count_of_user(conn: &mut DbConnection, user_id: &str) -> Result<i64, AppError> {
    Ok(saved_searches::table.filter(saved_searches::user_id.eq(user_id)).count().get_result(conn)?)
}

pub fn delete(conn: &mut DbConnection, user_id: &str, id: &str) -> Result<bool, AppError> {
    Ok(diesel::delete(
        saved_searches::table.filter(saved_searches::id.eq(id)).filter(saved_searches::user_id.eq(user_id)),
    )
    .execute(conn)?
        == 1)
}

fn due(conn: &mut DbConnection, now: NaiveDateTime) -> Result<Vec<SavedSearchRow>, AppError> {
    let condition = saved_searches::frequency
        .eq(Frequency::Instant.as_str())
        .or(saved_searches::frequency
            .eq(Frequency::Daily.as_str())
            .and(saved_searches::checked_until.le(now - Frequency::Daily.period())))
        .or(saved_searches::frequency
            .eq(Frequency::Weekly.as_str())
            .and(saved_searches::checked_until.le(now - Frequency::Weekly.period())));
    Ok(saved_searches::table
        .filter(condition)
        .order(saved_searches::id)
        .select(SavedSearchRow::as_select())
        .load(conn)?)
}

/// Runs every saved search that is due; returns how many listings were told.
pub async fn run_due(state: &web::Data<AppState>) -> Result<usize, AppError> {
    let now = state.clock.now();
    let searches = state.db.run(move |conn| due(conn, now)).await?;
    let mut told = 0;
    for search in searches {
        told += run_one(state, search, now).await?;
    }
    if told > 0 {
        state.jobs.wake();
    }
    Ok(told)
}

async fn run_one(state: &web::Data<AppState>, search: SavedSearchRow, now: NaiveDateTime) -> Result<usize, AppError> {
    let saved: SavedQuery = serde_json::from_str(&search.query).unwrap_or_default();
    let Ok(mut query) = crate::listings::routes::search_query(state, saved.params()) else {
        // The lists it names changed since it was saved; it finds nothing now.
        return Ok(0);
    };
    let since = (search.checked_until - GRACE).max(search.created_at);
    query.filters.published_after = Some(since.and_utc().timestamp_micros());
    query.sort = Sort::Newest;
    query.highlight = false;
    let hits = state.search.engine.search(query).await?;
    let ids: Vec<String> = hits.hits.into_iter().map(|h| h.id).collect();
    let app = state.clone();
    state
        .db
        .write(move |conn| {
            let mut fresh = Vec::new();
            for record in crate::listings::store::find_many(conn, &ids)?.into_iter().filter(|r| r.is_public()) {
                let inserted = insert_ignoring_duplicates(conn, |conn| {
                    diesel::insert_into(saved_search_hits::table)
                        .values((
                            saved_search_hits::saved_search_id.eq(&search.id),
                            saved_search_hits::listing_id.eq(&record.row.id),
                            saved_search_hits::created_at.eq(now),
                        ))
                        .execute(conn)
                })?;
                if inserted {
                    fresh.push(record);
                }
            }
            diesel::update(saved_searches::table.find(&search.id))
                .set(saved_searches::checked_until.eq(now))
                .execute(conn)?;
            if fresh.is_empty() {
                return Ok(0);
            }
            let Some((email, name, language)) = super::store::recipient(conn, &search.user_id)? else {
                return Ok(0);
            };
            let lang = Lang::parse(&language).unwrap_or_default();
            let public_url = app.settings.server.public_url.trim_end_matches('/').to_owned();
            let found: Vec<FoundListing<'_>> = fresh
                .iter()
                .map(|r| FoundListing { id: &r.row.id, title: &r.row.title_vi, org_name: &r.org_name })
                .collect();
            let (title, paragraphs) = new_listings_message(lang, &search.name, &public_url, &found);
            super::publish(
                conn,
                &app,
                Notice {
                    user_id: &search.user_id,
                    kind: Kind::SavedSearch,
                    event_key: format!(
                        "saved-search:{}:{}",
                        search.id,
                        fingerprint(fresh.iter().map(|r| r.row.id.as_str()))
                    ),
                    lang,
                    to: &email,
                    to_name: &name,
                    province_name: None,
                    tenant_id: None,
                    title,
                    paragraphs,
                    link: Some(format!("{public_url}/listings")),
                    entity: Some(("saved_search", &search.id)),
                },
                now,
            )?;
            Ok(fresh.len())
        })
        .await
}

/// A listing a saved search found, as its notice names it.
pub struct FoundListing<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub org_name: &'a str,
}

/// The title and paragraphs telling a user of new listings for a saved search, each with
/// its address under `public_url` (no trailing slash). Pure.
pub fn new_listings_message(
    lang: Lang,
    search_name: &str,
    public_url: &str,
    found: &[FoundListing<'_>],
) -> (String, Vec<String>) {
    let count = found.len();
    let mut paragraphs = vec![match lang {
        Lang::Vi => format!("Có {count} tin mới khớp tìm kiếm \"{search_name}\" của bạn:"),
        Lang::En => format!("{count} new listings match your saved search \"{search_name}\":"),
    }];
    paragraphs.extend(
        found.iter().map(|listing| {
            format!("• {} — {}\n  {public_url}/listings/{}", listing.title, listing.org_name, listing.id)
        }),
    );
    let title = match lang {
        Lang::Vi => format!("{count} tin mới cho tìm kiếm \"{search_name}\""),
        Lang::En => format!("{count} new listings for \"{search_name}\""),
    };
    (title, paragraphs)
}

/// A short, stable name for a set of listings (part of an email's idempotency key).
pub(crate) fn fingerprint<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for id in ids {
        hasher.update(id.as_bytes());
        hasher.update(b",");
    }
    hex::encode(&hasher.finalize()[..12])
}
