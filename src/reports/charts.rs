//! The province's figures as pictures: each chart with the table of its numbers behind it
//! (for screen readers, and for checking), drawn from the same [`ProvinceFigures`] the API
//! answers with. The officers' dashboard and the public page draw the parts their view
//! holds; the downloads write the same tables.

use super::model::{NationalFigures, NationalRow, ProvinceFigures};
use crate::i18n::Lang;
use crate::web::charts::{self, Bar, Group};
use crate::web::labels::{Labels, code};

/// One line of a figure's table: the key the API uses (a month, a code, a state), its
/// label, and one value per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: String,
    pub label: String,
    pub values: Vec<f64>,
}

/// A chart and the table behind it.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Stable name, used by the downloads (`?chart=`) and the tests.
    pub key: &'static str,
    pub title: String,
    pub svg: String,
    /// The table's value columns.
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

impl Row {
    /// The value cells, as the table prints them.
    pub fn cells(&self) -> Vec<String> {
        self.values.iter().map(|v| charts::number(*v)).collect()
    }
}

fn as_f64(value: i64) -> f64 {
    value as f64
}

/// The figures a view holds, as charts; officer-only parts appear when present.
pub fn province(figures: &ProvinceFigures, labels: &Labels<'_>) -> Vec<Figure> {
    let lang = labels.lang;
    let t = |vi: &'static str, en: &'static str| lang.pick(vi, en).to_owned();
    let empty = t("Chưa có số liệu trong kỳ này.", "No figures in this period.");
    let mut out = Vec::new();

    if let Some(months) = &figures.organizations.registrations_per_month {
        let bars: Vec<Bar> = months.iter().map(|m| Bar::new(m.month.clone(), as_f64(m.count))).collect();
        let title = t("Đăng ký tổ chức theo tháng", "Organization registrations per month");
        out.push(Figure {
            key: "registrations_per_month",
            svg: charts::columns(&title, &bars, &empty),
            title,
            columns: vec![t("Đăng ký", "Registrations")],
            rows: months
                .iter()
                .map(|m| Row { key: m.month.clone(), label: m.month.clone(), values: vec![as_f64(m.count)] })
                .collect(),
        });
    }

    let st = &figures.st_enterprises;
    let caption = match (st.target, st.target_year, lang) {
        (Some(target), Some(year), Lang::Vi) => {
            format!("{} / {target} doanh nghiệp KH&CN (chỉ tiêu năm {year})", st.actual)
        }
        (Some(target), Some(year), Lang::En) => format!("{} / {target} S&T enterprises (target for {year})", st.actual),
        (Some(target), None, _) => format!("{} / {target}", st.actual),
        (None, _, Lang::Vi) => format!("{} doanh nghiệp KH&CN (chưa đặt chỉ tiêu)", st.actual),
        (None, _, Lang::En) => format!("{} S&T enterprises (no target set)", st.actual),
    };
    let title = t("Doanh nghiệp KH&CN so với chỉ tiêu", "S&T enterprises against the target");
    let mut st_values = vec![as_f64(st.actual)];
    st_values.extend(st.target.map(as_f64));
    out.push(Figure {
        key: "st_enterprises",
        svg: charts::progress(&title, as_f64(st.actual), st.target.map(as_f64), &caption),
        title,
        columns: if st.target.is_some() {
            vec![t("Hiện có", "Now"), t("Chỉ tiêu", "Target")]
        } else {
            vec![t("Hiện có", "Now")]
        },
        rows: vec![Row {
            key: "st_enterprises".into(),
            label: t("Doanh nghiệp KH&CN", "S&T enterprises"),
            values: st_values,
        }],
    });

    let kinds = &figures.organizations.approved_by_kind;
    let title = t("Tổ chức đã duyệt theo loại", "Approved organizations by kind");
    out.push(Figure {
        key: "organizations_by_kind",
        svg: charts::bars(
            &title,
            &kinds.iter().map(|k| Bar::new(code(&k.kind, lang), as_f64(k.count))).collect::<Vec<_>>(),
            &empty,
        ),
        title,
        columns: vec![t("Số lượng", "Count")],
        rows: kinds
            .iter()
            .map(|k| Row { key: k.kind.clone(), label: code(&k.kind, lang), values: vec![as_f64(k.count)] })
            .collect(),
    });

    let fields = &figures.listings.by_st_field;
    let name = |f: &super::model::CodeFigures| {
        let name = match lang {
            Lang::En => f.name_en.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| f.name_vi.clone()),
            Lang::Vi => f.name_vi.clone(),
        };
        format!("{} {name}", f.code)
    };
    let title = t("Tin đã đăng theo lĩnh vực KH&CN", "Published listings by S&T field");
    let (offers, needs) = (t("Chào bán", "Offers"), t("Nhu cầu", "Needs"));
    out.push(Figure {
        key: "listings_by_field",
        svg: charts::grouped(
            &title,
            &[offers.as_str(), needs.as_str()],
            &fields
                .iter()
                .take(15)
                .map(|f| Group { label: name(f), values: vec![as_f64(f.offers), as_f64(f.needs)] })
                .collect::<Vec<_>>(),
            &empty,
        ),
        title,
        columns: vec![offers.clone(), needs.clone()],
        rows: fields
            .iter()
            .map(|f| Row { key: f.code.clone(), label: name(f), values: vec![as_f64(f.offers), as_f64(f.needs)] })
            .collect(),
    });

    let matches = &figures.matches;
    let mut funnel = Vec::new();
    if let Some(total) = matches.total {
        funnel.push(Row {
            key: "suggested".into(), label: t("Được gợi ý", "Suggested"), values: vec![as_f64(total)]
        });
    }
    funnel.push(Row {
        key: "connected".into(),
        label: t("Đã kết nối", "Connected"),
        values: vec![as_f64(matches.connections)],
    });
    funnel.push(Row { key: "deal".into(), label: t("Có giao dịch", "Deal"), values: vec![as_f64(matches.deals)] });
    let title = t("Từ gợi ý đến kết nối và giao dịch", "From suggestion to connection to deal");
    out.push(Figure {
        key: "match_funnel",
        svg: charts::bars(
            &title,
            &funnel.iter().map(|r| Bar::new(r.label.clone(), r.values[0])).collect::<Vec<_>>(),
            &empty,
        ),
        title,
        columns: vec![t("Số kết nối", "Matches")],
        rows: funnel,
    });

    if let Some(review) = &figures.review {
        let months = &review.per_month;
        let title = t("Thời gian duyệt theo tháng (giờ)", "Review time per month (hours)");
        let (median, p90) = (t("Trung vị", "Median"), t("Phân vị 90", "90th percentile"));
        out.push(Figure {
            key: "review_time",
            svg: charts::grouped(
                &title,
                &[median.as_str(), p90.as_str()],
                &months
                    .iter()
                    .map(|m| Group { label: m.month.clone(), values: vec![m.median_hours, m.p90_hours] })
                    .collect::<Vec<_>>(),
                &empty,
            ),
            title,
            columns: vec![t("Quyết định", "Decisions"), median, p90],
            rows: months
                .iter()
                .map(|m| Row {
                    key: m.month.clone(),
                    label: m.month.clone(),
                    values: vec![as_f64(m.decisions), m.median_hours, m.p90_hours],
                })
                .collect(),
        });
        let ages = &review.queue.by_age;
        let age_label = |age: &str| {
            let (vi, en) = match age {
                "under_1_day" => ("Dưới 1 ngày", "Under a day"),
                "1_to_3_days" => ("1–3 ngày", "1–3 days"),
                "3_to_7_days" => ("3–7 ngày", "3–7 days"),
                "7_to_14_days" => ("7–14 ngày", "7–14 days"),
                "over_14_days" => ("Trên 14 ngày", "Over 14 days"),
                other => (other, other),
            };
            lang.pick(vi, en).to_owned()
        };
        let title = t("Hồ sơ đang chờ, theo thời gian chờ", "What waits, by how long");
        out.push(Figure {
            key: "queue_age",
            svg: charts::bars(
                &title,
                &ages.iter().map(|a| Bar::new(age_label(&a.age), as_f64(a.count))).collect::<Vec<_>>(),
                &empty,
            ),
            title,
            columns: vec![t("Số hồ sơ", "Items")],
            rows: ages
                .iter()
                .map(|a| Row { key: a.age.clone(), label: age_label(&a.age), values: vec![as_f64(a.count)] })
                .collect(),
        });
    }
    out.extend(super::outcome_charts::figures(&figures.deals, labels));
    out
}

/// The indicators of the national page, one chart each: (key, Vietnamese, English, value).
pub type Indicator = (&'static str, &'static str, &'static str, fn(&NationalRow) -> Option<f64>);

pub const NATIONAL_INDICATORS: &[Indicator] = &[
    ("organizations_approved", "Tổ chức đã duyệt", "Approved organizations", |r| {
        Some(as_f64(r.organizations_approved))
    }),
    ("st_enterprises", "Doanh nghiệp KH&CN", "S&T enterprises", |r| Some(as_f64(r.st_enterprises))),
    ("published_offers", "Chào bán đang đăng", "Published offers", |r| Some(as_f64(r.published_offers))),
    ("published_needs", "Nhu cầu đang đăng", "Published needs", |r| Some(as_f64(r.published_needs))),
    ("connections", "Kết nối", "Connections", |r| Some(as_f64(r.connections))),
    ("deals", "Giao dịch", "Deals", |r| Some(as_f64(r.deals))),
    ("verified_deals", "Giao dịch đã xác minh", "Verified deals", |r| {
        Some(as_f64(r.deal_records.totals.verified_deals))
    }),
    ("officer_recorded_deals", "Giao dịch do cán bộ ghi nhận", "Officer-recorded deals", |r| {
        Some(as_f64(r.deal_records.totals.officer_recorded_deals))
    }),
    ("intermediaries", "Tổ chức trung gian đã duyệt", "Approved intermediaries", |r| {
        Some(as_f64(r.deal_records.totals.intermediaries.total))
    }),
    ("review_median_hours", "Thời gian duyệt, trung vị (giờ)", "Review time, median (hours)", |r| {
        r.review_median_hours
    }),
    ("queue_length", "Hồ sơ đang chờ", "Waiting for review", |r| r.queue_length.map(as_f64)),
];

/// One chart per indicator, the provinces side by side (largest first).
pub fn national(figures: &NationalFigures, lang: Lang) -> Vec<Figure> {
    let empty = lang.pick("Chưa có số liệu.", "No figures.").to_owned();
    NATIONAL_INDICATORS
        .iter()
        .filter(|(_, _, _, value)| figures.provinces.iter().any(|p| value(p).is_some()))
        .map(|(key, vi, en, value)| {
            let mut rows: Vec<Row> = figures
                .provinces
                .iter()
                .map(|p| Row { key: p.code.clone(), label: p.name_vi.clone(), values: vec![value(p).unwrap_or(0.0)] })
                .collect();
            rows.sort_by(|a, b| b.values[0].total_cmp(&a.values[0]).then_with(|| a.label.cmp(&b.label)));
            let title = lang.pick(vi, en).to_owned();
            let bars: Vec<Bar> =
                rows.iter().filter(|r| r.values[0] > 0.0).map(|r| Bar::new(r.label.clone(), r.values[0])).collect();
            Figure { key, svg: charts::bars(&title, &bars, &empty), title: title.clone(), columns: vec![title], rows }
        })
        .collect()
}

/// The figures' tables as one CSV (UTF-8 with a BOM, for Excel): one line per value, with
/// the chart, the key, the label and the column it belongs to. Labels are neutralised like
/// every other exported text.
pub fn csv(figures: &[Figure]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    writer.write_record(["chart", "key", "label", "column", "value"])?;
    for figure in figures {
        for row in &figure.rows {
            for (column, value) in figure.columns.iter().zip(&row.values) {
                writer.write_record([
                    figure.key,
                    super::csv_cell::neutralise_formula(&row.key).as_ref(),
                    super::csv_cell::neutralise_formula(&row.label).as_ref(),
                    column.as_str(),
                    charts::number(*value).as_str(),
                ])?;
            }
        }
    }
    writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_has_one_line_per_value_and_neutral_labels() {
        let figure = Figure {
            key: "listings_by_field",
            title: "t".into(),
            svg: String::new(),
            columns: vec!["Offers".into(), "Needs".into()],
            rows: vec![Row { key: "207".into(), label: "=cmd|' /C calc'!A0".into(), values: vec![3.0, 1.5] }],
        };
        let text = String::from_utf8(csv(&[figure]).unwrap()).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "chart,key,label,column,value");
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("listings_by_field,207,'=cmd"), "{}", lines[1]);
        assert!(lines[1].ends_with(",Offers,3") && lines[2].ends_with(",Needs,1.5"), "{text}");
    }
}
