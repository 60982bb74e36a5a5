//! Builds a province's figures and the national table from the counting queries.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use super::figures::{ReviewEvent, per_month, percentile, review_cycles, review_time_per_month, round2};
use super::model::{
    AgeCount, CodeFigures, Indicator, KindCount, KindStatusCount, ListingFigures, MatchFigures, NationalFigures,
    NationalRow, OrganizationFigures, ProvinceFigures, ProvinceRef, QueueFigures, ReviewFigures, StateCount,
    TargetProgress,
};
use super::period::Period;
use super::store::{self, Bounds, CodeCount, Deal, MatchCount, TargetRow, Waiting};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::listings::lifecycle::ListingStatus;
use crate::registry::lifecycle::OrgStatus;
use crate::taxonomy::{Scheme, Taxonomy};
use crate::tenants::store::TenantRow;

/// How much of the figures the caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The province's officers (or, nationally, platform admins).
    Full,
    Public,
}

impl View {
    pub fn as_str(self) -> &'static str {
        match self {
            View::Full => "full",
            View::Public => "public",
        }
    }

    fn full<T>(self, value: impl FnOnce() -> T) -> Option<T> {
        (self == View::Full).then(value)
    }
}

/// One province's counts over a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub organizations: BTreeMap<(String, String), i64>,
    pub listings: BTreeMap<(String, String), i64>,
    pub public_offers: i64,
    pub public_needs: i64,
    pub matches: BTreeMap<String, i64>,
    pub connections: i64,
    pub deals: i64,
    pub deal_value_vnd: i64,
}

impl Tally {
    pub fn approved(&self, kind: Option<&str>) -> i64 {
        self.organizations
            .iter()
            .filter(|((k, status), _)| status == OrgStatus::Approved.as_str() && kind.is_none_or(|kind| kind == k))
            .map(|(_, count)| count)
            .sum()
    }

    pub fn indicator(&self, indicator: Indicator) -> i64 {
        match indicator {
            Indicator::Organizations => self.approved(None),
            Indicator::PublishedOffers => self.public_offers,
            Indicator::PublishedNeeds => self.public_needs,
            Indicator::Connections => self.connections,
            Indicator::Deals => self.deals,
            Indicator::DealValueVnd => self.deal_value_vnd,
            kind => self.approved(kind.org_kind()),
        }
    }
}

/// Counts by province, and for the whole country (where a match between two provinces
/// counts once).
#[derive(Debug, Clone, Default)]
pub struct Tallies {
    pub provinces: BTreeMap<String, Tally>,
    pub nation: Tally,
}

impl Tallies {
    fn of(&mut self, tenant: &str) -> &mut Tally {
        self.provinces.entry(tenant.to_owned()).or_default()
    }

    pub fn province(&self, tenant: &str) -> Tally {
        self.provinces.get(tenant).cloned().unwrap_or_default()
    }

    /// Adds what touches two provinces to each of them, and once to the nation.
    fn add_pair(&mut self, offer: &str, need: &str, add: impl Fn(&mut Tally)) {
        add(self.of(offer));
        if need != offer {
            add(self.of(need));
        }
        add(&mut self.nation);
    }
}

/// Adds up the grouped rows; pure, so the spreading over provinces is tested alone.
pub fn tally(
    organizations: &[store::KindStatusCount],
    listings: &[store::KindStatusCount],
    hidden_listings: &[(String, String, i64)],
    matches: &[MatchCount],
    connections: &[(String, String, i64)],
    deals: &[Deal],
) -> Tallies {
    let mut tallies = Tallies::default();
    for (tenant, kind, status, count) in organizations {
        *tallies.of(tenant).organizations.entry((kind.clone(), status.clone())).or_default() += count;
        *tallies.nation.organizations.entry((kind.clone(), status.clone())).or_default() += count;
    }
    for (tenant, kind, status, count) in listings {
        *tallies.of(tenant).listings.entry((kind.clone(), status.clone())).or_default() += count;
        *tallies.nation.listings.entry((kind.clone(), status.clone())).or_default() += count;
    }
    // The marketplace shows published listings, less those of hidden organizations.
    let published = ListingStatus::Published.as_str();
    let public = listings.iter().filter(|(_, _, status, _)| status == published).map(|(t, k, _, c)| (t, k, *c));
    let hidden = hidden_listings.iter().map(|(t, k, c)| (t, k, -c));
    for (tenant, kind, count) in public.chain(hidden) {
        for tally in [tallies.provinces.entry(tenant.clone()).or_default(), &mut tallies.nation] {
            if kind == "offer" {
                tally.public_offers += count;
            } else {
                tally.public_needs += count;
            }
        }
    }
    for (offer, need, state, count) in matches {
        tallies.add_pair(offer, need, |t| *t.matches.entry(state.clone()).or_default() += count);
    }
    for (offer, need, count) in connections {
        tallies.add_pair(offer, need, |t| t.connections += count);
    }
    for (offer, need, value) in deals {
        tallies.add_pair(offer, need, |t| {
            t.deals += 1;
            t.deal_value_vnd += value.unwrap_or(0);
        });
    }
    tallies
}

fn gather(conn: &mut DbConnection, tenant: Option<&str>, period: &Period) -> Result<Tallies, AppError> {
    let bounds: Bounds = period.utc();
    Ok(tally(
        &store::without_ended_certificates(
            store::organizations_by_kind_status(conn, tenant, bounds)?,
            &store::ended_st_enterprises(conn, tenant, bounds)?,
        ),
        &store::listings_by_kind_status(conn, tenant, bounds)?,
        &store::hidden_listings_by_kind(conn, tenant, bounds)?,
        &store::matches_by_state(conn, tenant, bounds)?,
        &store::connections(conn, tenant, bounds)?,
        &store::deals(conn, tenant, period.from, period.to)?,
    ))
}

/// The counts as they stand now, for targets: the period's own when it is open.
fn gather_now(
    conn: &mut DbConnection,
    tenant: Option<&str>,
    period: &Period,
    in_period: &Tallies,
) -> Result<Tallies, AppError> {
    if *period == Period::default() { Ok(in_period.clone()) } else { gather(conn, tenant, &Period::default()) }
}

fn progress(targets: &[TargetRow], tenant: &str, now: &Tally) -> Vec<TargetProgress> {
    targets
        .iter()
        .filter(|t| t.tenant_id == tenant)
        .filter_map(|t| {
            let indicator = Indicator::parse(&t.indicator)?;
            Some(TargetProgress {
                indicator: t.indicator.clone(),
                actual: now.indicator(indicator),
                target: Some(t.value),
                target_year: Some(t.year),
            })
        })
        .collect()
}

fn st_enterprises(targets: &[TargetProgress], now: &Tally) -> TargetProgress {
    let indicator = Indicator::StEnterprises.as_str();
    targets.iter().find(|t| t.indicator == indicator).cloned().unwrap_or(TargetProgress {
        indicator: indicator.to_owned(),
        actual: now.indicator(Indicator::StEnterprises),
        target: None,
        target_year: None,
    })
}

/// Review cycles decided within the period, with their hours.
fn cycles_in(events: &[ReviewEvent], period: &Period) -> Vec<(NaiveDateTime, f64)> {
    review_cycles(events).into_iter().filter(|(at, _)| period.contains_instant(*at)).collect()
}

fn summary(cycles: &[(NaiveDateTime, f64)]) -> (i64, Option<f64>, Option<f64>) {
    let mut hours: Vec<f64> = cycles.iter().map(|c| c.1).collect();
    hours.sort_by(f64::total_cmp);
    (hours.len() as i64, percentile(&hours, 0.5).map(round2), percentile(&hours, 0.9).map(round2))
}

/// What waits now; `by_age` is given for a province's figures only.
fn queue_figures(waiting: Option<&Waiting>, by_age: Vec<AgeCount>, now: NaiveDateTime) -> QueueFigures {
    let waiting = waiting.cloned().unwrap_or_default();
    QueueFigures {
        organizations: waiting.organizations,
        listings: waiting.listings,
        total: waiting.organizations + waiting.listings,
        oldest_submitted_at: waiting.oldest,
        oldest_waiting_hours: waiting.oldest.map(|at| round2((now - at).num_seconds() as f64 / 3600.0)),
        by_age,
    }
}

fn kind_status(counts: &BTreeMap<(String, String), i64>) -> Vec<KindStatusCount> {
    counts
        .iter()
        .map(|((kind, status), count)| KindStatusCount { kind: kind.clone(), status: status.clone(), count: *count })
        .collect()
}

/// Listings by code, most listed first, named from the taxonomy.
pub fn by_code(rows: &[CodeCount], taxonomy: &Taxonomy, scheme: Scheme) -> Vec<CodeFigures> {
    let mut codes: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for (code, version, kind, count) in rows {
        let entry = codes.entry((code.clone(), version.clone())).or_default();
        if kind == "offer" {
            entry.0 += count;
        } else {
            entry.1 += count;
        }
    }
    let mut figures: Vec<CodeFigures> = codes
        .into_iter()
        .map(|((code, version), (offers, needs))| {
            let term = taxonomy.term(scheme, &version, &code);
            CodeFigures {
                name_vi: term.map(|t| t.name_vi.clone()).unwrap_or_default(),
                name_en: term.and_then(|t| t.name_en.clone()),
                code,
                version,
                offers,
                needs,
            }
        })
        .collect();
    figures.sort_by(|a, b| (b.offers + b.needs).cmp(&(a.offers + a.needs)).then_with(|| a.code.cmp(&b.code)));
    figures
}

/// Everything one province reports on, for the period.
pub fn province_figures(
    conn: &mut DbConnection,
    taxonomy: &Taxonomy,
    province: &TenantRow,
    period: Period,
    view: View,
    now: NaiveDateTime,
) -> Result<ProvinceFigures, AppError> {
    let tenant = province.id.as_str();
    let bounds = period.utc();
    let tallies = gather(conn, Some(tenant), &period)?;
    let current = gather_now(conn, Some(tenant), &period, &tallies)?.province(tenant);
    let tally = tallies.province(tenant);
    let targets = progress(&store::targets(conn, Some(tenant))?, tenant, &current);

    let approved_by_kind: Vec<KindCount> = tally
        .organizations
        .iter()
        .filter(|((_, status), _)| status == OrgStatus::Approved.as_str())
        .map(|((kind, _), count)| KindCount { kind: kind.clone(), count: *count })
        .collect();
    let registrations = match view {
        View::Full => Some(per_month(&store::registration_times(conn, tenant, bounds)?)),
        View::Public => None,
    };
    let review = match view {
        View::Full => {
            let events: Vec<ReviewEvent> =
                store::review_events(conn, Some(tenant), bounds.1)?.into_iter().map(|(_, e)| e).collect();
            let cycles = cycles_in(&events, &period);
            let (decisions, median_hours, p90_hours) = summary(&cycles);
            let waiting = store::waiting(conn, Some(tenant))?;
            let by_age = super::figures::queue_by_age(&store::waiting_since(conn, tenant)?, now)
                .into_iter()
                .map(|(age, count)| AgeCount { age: age.to_owned(), count })
                .collect();
            Some(ReviewFigures {
                decisions,
                median_hours,
                p90_hours,
                per_month: review_time_per_month(&cycles, NaiveDateTime::MIN, NaiveDateTime::MAX),
                queue: queue_figures(waiting.get(tenant), by_age, now),
            })
        }
        View::Public => None,
    };
    Ok(ProvinceFigures {
        province: ProvinceRef { code: province.id.clone(), name_vi: province.name_vi.clone() },
        view: view.as_str().to_owned(),
        period,
        generated_at: now,
        st_enterprises: st_enterprises(&targets, &current),
        targets,
        organizations: OrganizationFigures {
            approved: tally.approved(None),
            approved_by_kind,
            registered: view.full(|| tally.organizations.values().sum()),
            by_kind_status: view.full(|| kind_status(&tally.organizations)),
            registrations_per_month: registrations,
        },
        listings: ListingFigures {
            published_offers: tally.public_offers,
            published_needs: tally.public_needs,
            by_kind_status: view.full(|| kind_status(&tally.listings)),
            by_st_field: by_code(&store::public_listings_by_field(conn, tenant, bounds)?, taxonomy, Scheme::StField),
            by_strategic_tag: by_code(
                &store::public_listings_by_tag(conn, tenant, bounds)?,
                taxonomy,
                Scheme::StrategicTechnology,
            ),
        },
        matches: MatchFigures {
            by_state: view.full(|| {
                tally.matches.iter().map(|(state, count)| StateCount { state: state.clone(), count: *count }).collect()
            }),
            total: view.full(|| tally.matches.values().sum()),
            connections: tally.connections,
            deals: tally.deals,
            deal_value_vnd: view.full(|| tally.deal_value_vnd),
        },
        deals: crate::outcomes::figures_store::province(
            conn,
            tenant,
            period.from,
            period.to,
            crate::notify::digest::local_time(now).date(),
            view == View::Full,
        )?,
        review,
    })
}

/// Every province side by side, and the country.
pub fn national_figures(
    conn: &mut DbConnection,
    provinces: &[TenantRow],
    period: Period,
    view: View,
    now: NaiveDateTime,
) -> Result<NationalFigures, AppError> {
    let bounds = period.utc();
    let tallies = gather(conn, None, &period)?;
    let current = gather_now(conn, None, &period, &tallies)?;
    let targets = store::targets(conn, None)?;
    let (cycles, waiting) = match view {
        View::Full => {
            let mut events: BTreeMap<String, Vec<ReviewEvent>> = BTreeMap::new();
            for (tenant, event) in store::review_events(conn, None, bounds.1)? {
                events.entry(tenant).or_default().push(event);
            }
            let cycles: BTreeMap<String, Vec<(NaiveDateTime, f64)>> =
                events.into_iter().map(|(tenant, events)| (tenant, cycles_in(&events, &period))).collect();
            (cycles, store::waiting(conn, None)?)
        }
        View::Public => (BTreeMap::new(), BTreeMap::new()),
    };
    let tenants: Vec<&str> = provinces.iter().map(|p| p.id.as_str()).collect();
    let today = crate::notify::digest::local_time(now).date();
    let (mut deal_records, national_deals) =
        crate::outcomes::figures_store::national(conn, &tenants, period.from, period.to, today, view == View::Full)?;
    let mut national_deals = Some(national_deals);
    let mut row = |code: &str,
                   name: &str,
                   tally: &Tally,
                   now_tally: &Tally,
                   cycles: &[(NaiveDateTime, f64)],
                   waiting: Option<&Waiting>| {
        let st = st_enterprises(&progress(&targets, code, now_tally), now_tally);
        let (decisions, median, p90) = summary(cycles);
        let queue = queue_figures(waiting, Vec::new(), now);
        NationalRow {
            code: code.to_owned(),
            name_vi: name.to_owned(),
            organizations_approved: tally.approved(None),
            st_enterprises: st.actual,
            st_enterprises_target: st.target,
            st_enterprises_target_year: st.target_year,
            published_offers: tally.public_offers,
            published_needs: tally.public_needs,
            connections: tally.connections,
            deals: tally.deals,
            deal_records: if code == "VN" { national_deals.take() } else { deal_records.remove(code) }
                .unwrap_or_else(|| no_deals(view)),
            registered: view.full(|| tally.organizations.values().sum()),
            matches: view.full(|| tally.matches.values().sum()),
            deal_value_vnd: view.full(|| tally.deal_value_vnd),
            review_decisions: view.full(|| decisions),
            review_median_hours: view.full(|| median).flatten(),
            review_p90_hours: view.full(|| p90).flatten(),
            queue_length: view.full(|| queue.total),
            oldest_waiting_hours: view.full(|| queue.oldest_waiting_hours).flatten(),
        }
    };
    let rows: Vec<NationalRow> = provinces
        .iter()
        .map(|p| {
            row(
                &p.id,
                &p.name_vi,
                &tallies.province(&p.id),
                &current.province(&p.id),
                cycles.get(&p.id).map(Vec::as_slice).unwrap_or_default(),
                waiting.get(&p.id),
            )
        })
        .collect();
    let all_cycles: Vec<(NaiveDateTime, f64)> = cycles.values().flatten().copied().collect();
    let all_waiting = waiting.values().fold(None::<Waiting>, |acc, w| {
        let mut total = acc.unwrap_or_default();
        total.organizations += w.organizations;
        total.listings += w.listings;
        total.oldest = match (total.oldest, w.oldest) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Some(total)
    });
    let mut totals = row("VN", "Toàn quốc", &tallies.nation, &current.nation, &all_cycles, all_waiting.as_ref());
    // The nation has no target of its own: the provinces' add up.
    let provincial_targets: Vec<i64> = rows.iter().filter_map(|r| r.st_enterprises_target).collect();
    totals.st_enterprises_target = (!provincial_targets.is_empty()).then(|| provincial_targets.iter().sum());
    totals.st_enterprises_target_year = rows.iter().filter_map(|r| r.st_enterprises_target_year).max();
    Ok(NationalFigures { view: view.as_str().to_owned(), period, generated_at: now, totals, provinces: rows })
}

/// Outcome figures of a province with nothing to count.
fn no_deals(view: View) -> crate::outcomes::figures::DealFigures {
    crate::outcomes::figures::DealFigures::empty(view == View::Full)
}

/// Every indicator of a province beside its target, if it set one.
pub fn targets_of(conn: &mut DbConnection, tenant: &str) -> Result<Vec<TargetProgress>, AppError> {
    let now = gather(conn, Some(tenant), &Period::default())?.province(tenant);
    let set = store::targets(conn, Some(tenant))?;
    Ok(Indicator::ALL
        .iter()
        .map(|indicator| {
            let target = set.iter().find(|t| t.indicator == indicator.as_str());
            TargetProgress {
                indicator: indicator.as_str().to_owned(),
                actual: now.indicator(*indicator),
                target: target.map(|t| t.value),
                target_year: target.map(|t| t.year),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> String {
        v.to_owned()
    }

    #[test]
    fn a_match_between_two_provinces_counts_in_each_and_once_nationally() {
        let matches = vec![(s("01"), s("79"), s("connected"), 2), (s("01"), s("01"), s("suggested"), 3)];
        let connections = vec![(s("01"), s("79"), 2)];
        let deals = vec![(s("79"), s("01"), Some(5_000_000)), (s("79"), s("79"), None)];
        let tallies = tally(&[], &[], &[], &matches, &connections, &deals);
        let hanoi = tallies.province("01");
        assert_eq!(hanoi.matches.get("connected"), Some(&2));
        assert_eq!(hanoi.matches.get("suggested"), Some(&3));
        assert_eq!(hanoi.connections, 2);
        assert_eq!((hanoi.deals, hanoi.deal_value_vnd), (1, 5_000_000));
        let hcmc = tallies.province("79");
        assert_eq!(hcmc.matches.values().sum::<i64>(), 2);
        assert_eq!((hcmc.deals, hcmc.deal_value_vnd), (2, 5_000_000));
        assert_eq!(tallies.nation.matches.values().sum::<i64>(), 5);
        assert_eq!(tallies.nation.connections, 2);
        assert_eq!((tallies.nation.deals, tallies.nation.deal_value_vnd), (2, 5_000_000));
        assert_eq!(tallies.province("48"), Tally::default());
    }

    #[test]
    fn ended_certificates_count_as_enterprises() {
        let rows = vec![
            (s("01"), s("st_enterprise"), s("approved"), 3),
            (s("01"), s("enterprise"), s("approved"), 2),
            (s("79"), s("st_enterprise"), s("approved"), 1),
        ];
        let ended = vec![(s("01"), s("approved"), 1), (s("79"), s("approved"), 1)];
        let rows = store::without_ended_certificates(rows, &ended);
        assert_eq!(
            rows,
            vec![
                (s("01"), s("st_enterprise"), s("approved"), 2),
                (s("01"), s("enterprise"), s("approved"), 3),
                (s("79"), s("enterprise"), s("approved"), 1),
            ]
        );
    }

    #[test]
    fn indicators_read_the_tally() {
        let organizations = vec![
            (s("01"), s("st_enterprise"), s("approved"), 4),
            (s("01"), s("st_enterprise"), s("submitted"), 1),
            (s("01"), s("startup"), s("approved"), 2),
        ];
        let listings = vec![
            (s("01"), s("offer"), s("published"), 8),
            (s("01"), s("offer"), s("draft"), 2),
            (s("01"), s("need"), s("published"), 3),
        ];
        // One published offer belongs to a suspended organization.
        let hidden = vec![(s("01"), s("offer"), 1)];
        let tallies = tally(&organizations, &listings, &hidden, &[], &[], &[]);
        let hanoi = tallies.province("01");
        assert_eq!(hanoi.indicator(Indicator::StEnterprises), 4);
        assert_eq!(hanoi.indicator(Indicator::Startups), 2);
        assert_eq!(hanoi.indicator(Indicator::Organizations), 6);
        assert_eq!(hanoi.indicator(Indicator::Funds), 0);
        assert_eq!(hanoi.indicator(Indicator::PublishedOffers), 7);
        assert_eq!(hanoi.indicator(Indicator::PublishedNeeds), 3);
        assert_eq!(tallies.nation.indicator(Indicator::Organizations), 6);
    }

    #[test]
    fn codes_are_ordered_by_listings() {
        let rows = vec![
            (s("102"), s("2008"), s("offer"), 1),
            (s("201"), s("2008"), s("offer"), 2),
            (s("201"), s("2008"), s("need"), 2),
            (s("101"), s("2008"), s("need"), 1),
        ];
        let figures = by_code(&rows, &Taxonomy::default(), Scheme::StField);
        let order: Vec<(&str, i64, i64)> = figures.iter().map(|f| (f.code.as_str(), f.offers, f.needs)).collect();
        assert_eq!(order, vec![("201", 2, 2), ("101", 0, 1), ("102", 1, 0)]);
    }
}
