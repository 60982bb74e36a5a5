//! The outcome figures (Programme 1158/QĐ-TTg) as charts with their tables: deals and
//! their value by year with growth, intermediaries by subtype; for officers also the
//! shares, the days to a deal, the follow-up response rate and the decline reasons.

use super::charts::{Figure, Row};
use crate::outcomes::figures::DealFigures;
use crate::web::charts::{self, Bar, Group};
use crate::web::labels::{Labels, code};

fn as_f64(value: i64) -> f64 {
    value as f64
}

fn percent(share: f64) -> f64 {
    (share * 10_000.0).round() / 100.0
}

/// The charts of the outcome figures a view holds.
pub fn figures(deals: &DealFigures, labels: &Labels<'_>) -> Vec<Figure> {
    let lang = labels.lang;
    let t = |vi: &'static str, en: &'static str| lang.pick(vi, en).to_owned();
    let empty = t("Chưa có số liệu trong kỳ này.", "No figures in this period.");
    let years = &deals.by_year;
    let mut out = Vec::new();

    let (confirmed, officer) =
        (t("Hai bên xác nhận", "Confirmed by both sides"), t("Cán bộ ghi nhận", "Recorded by an officer"));
    let title = t("Giao dịch đã xác minh theo năm", "Verified deals by year");
    out.push(Figure {
        key: "deals_by_year",
        svg: charts::grouped(
            &title,
            &[confirmed.as_str(), officer.as_str()],
            &years
                .iter()
                .map(|y| Group {
                    label: y.year.to_string(),
                    values: vec![as_f64(y.figures.confirmed_deals), as_f64(y.figures.officer_recorded_deals)],
                })
                .collect::<Vec<_>>(),
            &empty,
        ),
        title,
        columns: vec![t("Tổng", "Total"), confirmed, officer, t("Cùng kỳ năm trước", "Same days a year before")],
        rows: years
            .iter()
            .map(|y| Row {
                key: y.year.to_string(),
                label: format!("{} ({} – {})", y.year, labels.date(&y.from), labels.date(&y.to)),
                values: vec![
                    as_f64(y.figures.verified_deals),
                    as_f64(y.figures.confirmed_deals),
                    as_f64(y.figures.officer_recorded_deals),
                    as_f64(y.year_before.verified_deals),
                ],
            })
            .collect(),
    });

    let full = deals.totals.share_with_ip_assets.is_some() || deals.declines.is_some();
    let title = if full {
        t("Giá trị giao dịch theo năm (triệu đồng)", "Deal value by year (million VND)")
    } else {
        t("Giá trị được công bố theo năm (triệu đồng)", "Published deal value by year (million VND)")
    };
    out.push(Figure {
        key: "deal_value_by_year",
        svg: charts::columns(
            &title,
            &years.iter().map(|y| Bar::new(y.year.to_string(), y.figures.value_vnd as f64 / 1e6)).collect::<Vec<_>>(),
            &empty,
        ),
        title,
        columns: vec![
            t("Giá trị (đồng)", "Value (VND)"),
            t("Cùng kỳ năm trước (đồng)", "Same days a year before (VND)"),
        ],
        rows: years
            .iter()
            .map(|y| Row {
                key: y.year.to_string(),
                label: y.year.to_string(),
                values: vec![as_f64(y.figures.value_vnd), as_f64(y.year_before.value_vnd)],
            })
            .collect(),
    });

    let mut growth_rows = Vec::new();
    for y in years {
        let measures = [
            ("verified_deals", t("Số giao dịch", "Deals"), y.growth.verified_deals),
            (
                "officer_recorded_deals",
                t("Giao dịch do cán bộ ghi nhận", "Officer-recorded deals"),
                y.growth.officer_recorded_deals,
            ),
            ("value_vnd", t("Giá trị", "Value"), y.growth.value_vnd),
            ("intermediaries", t("Tổ chức trung gian", "Intermediaries"), y.growth.intermediaries),
        ];
        for (key, name, growth) in measures {
            if let Some(growth) = growth {
                growth_rows.push(Row {
                    key: format!("{}.{key}", y.year),
                    label: format!("{} · {name}", y.year),
                    values: vec![percent(growth)],
                });
            }
        }
    }
    let title = t("Tăng trưởng so với cùng kỳ năm trước (%)", "Growth over the same days a year before (%)");
    out.push(Figure {
        key: "growth",
        svg: charts::bars(
            &title,
            &growth_rows.iter().map(|r| Bar::new(r.label.clone(), r.values[0])).collect::<Vec<_>>(),
            &empty,
        ),
        title,
        columns: vec![t("Tăng trưởng (%)", "Growth (%)")],
        rows: growth_rows,
    });

    let subtypes = &deals.totals.intermediaries.by_subtype;
    let title = t("Tổ chức trung gian đã duyệt theo loại hình", "Approved intermediaries by subtype");
    out.push(Figure {
        key: "intermediaries_by_subtype",
        svg: charts::bars(
            &title,
            &subtypes.iter().map(|s| Bar::new(code(&s.subtype, lang), as_f64(s.count))).collect::<Vec<_>>(),
            &empty,
        ),
        title,
        columns: vec![t("Số tổ chức", "Organizations")],
        rows: subtypes
            .iter()
            .map(|s| Row { key: s.subtype.clone(), label: code(&s.subtype, lang), values: vec![as_f64(s.count)] })
            .collect(),
    });

    let totals = &deals.totals;
    let shares = [
        ("with_ip_assets", t("Có tài sản trí tuệ", "With IP assets"), totals.share_with_ip_assets),
        ("from_institutes", t("Từ viện, trường", "From institutes and universities"), totals.share_from_institutes),
        ("from_abroad", t("Từ nước ngoài", "From abroad"), totals.share_from_abroad),
        (
            "from_developed_countries",
            t("Từ nước phát triển", "From developed countries"),
            totals.share_from_developed_countries,
        ),
    ];
    if full {
        let rows: Vec<Row> = shares
            .into_iter()
            .filter_map(|(key, label, share)| share.map(|s| Row { key: key.into(), label, values: vec![percent(s)] }))
            .collect();
        let title = t("Tỷ lệ giao dịch trong kỳ (%)", "Shares of the period's deals (%)");
        out.push(Figure {
            key: "deal_shares",
            svg: charts::bars(
                &title,
                &rows.iter().map(|r| Bar::new(r.label.clone(), r.values[0])).collect::<Vec<_>>(),
                &empty,
            ),
            title,
            columns: vec![t("Tỷ lệ (%)", "Share (%)")],
            rows,
        });

        let timed: Vec<&crate::outcomes::figures::YearFigures> =
            years.iter().filter(|y| y.figures.median_days_to_deal.is_some()).collect();
        let title = t("Số ngày từ kết nối đến giao dịch (trung vị)", "Days from connection to deal (median)");
        out.push(Figure {
            key: "days_to_deal",
            svg: charts::columns(
                &title,
                &timed
                    .iter()
                    .map(|y| Bar::new(y.year.to_string(), y.figures.median_days_to_deal.unwrap_or(0.0)))
                    .collect::<Vec<_>>(),
                &empty,
            ),
            title,
            columns: vec![t("Ngày (trung vị)", "Days (median)")],
            rows: timed
                .iter()
                .map(|y| Row {
                    key: y.year.to_string(),
                    label: y.year.to_string(),
                    values: vec![y.figures.median_days_to_deal.unwrap_or(0.0)],
                })
                .collect(),
        });

        let asked: Vec<(i32, &crate::outcomes::figures::FollowUpFigures)> = years
            .iter()
            .filter_map(|y| y.figures.follow_ups.as_ref().filter(|f| f.sent > 0).map(|f| (y.year, f)))
            .collect();
        let title = t("Tỷ lệ trả lời thư hỏi thăm (%)", "Follow-up response rate (%)");
        out.push(Figure {
            key: "follow_up_response",
            svg: charts::columns(
                &title,
                &asked
                    .iter()
                    .map(|(year, f)| Bar::new(year.to_string(), percent(f.response_rate.unwrap_or(0.0))))
                    .collect::<Vec<_>>(),
                &empty,
            ),
            title,
            columns: vec![t("Đã gửi", "Sent"), t("Được trả lời", "Answered"), t("Tỷ lệ (%)", "Rate (%)")],
            rows: asked
                .iter()
                .map(|(year, f)| Row {
                    key: year.to_string(),
                    label: year.to_string(),
                    values: vec![as_f64(f.sent), as_f64(f.answered), percent(f.response_rate.unwrap_or(0.0))],
                })
                .collect(),
        });
    }

    if let Some(declines) = &deals.declines {
        let reason = |r: &str| crate::matching::pages::decline_label(r, lang);
        let rows: Vec<Row> = declines
            .by_field
            .iter()
            .map(|d| Row {
                key: format!("{}.{}.{}", d.year, d.reason, d.field.code),
                label: format!("{} · {} · {}", d.year, reason(&d.reason), labels.field(&d.field)),
                values: vec![as_f64(d.count)],
            })
            .collect();
        let title = t("Lý do từ chối theo lĩnh vực KH&CN", "Decline reasons by S&T field");
        out.push(Figure {
            key: "declines_by_field",
            svg: charts::bars(
                &title,
                &rows.iter().take(15).map(|r| Bar::new(r.label.clone(), r.values[0])).collect::<Vec<_>>(),
                &empty,
            ),
            title,
            columns: vec![t("Lần từ chối", "Declines")],
            rows,
        });
        let rows: Vec<Row> = declines
            .by_province
            .iter()
            .map(|d| Row {
                key: format!("{}.{}.{}", d.year, d.reason, d.province),
                label: format!("{} · {} · {}", d.year, reason(&d.reason), labels.province(&d.province)),
                values: vec![as_f64(d.count)],
            })
            .collect();
        let title = t("Lý do từ chối theo tỉnh của bên từ chối", "Decline reasons by the declining side's province");
        out.push(Figure {
            key: "declines_by_province",
            svg: charts::bars(
                &title,
                &rows.iter().take(15).map(|r| Bar::new(r.label.clone(), r.values[0])).collect::<Vec<_>>(),
                &empty,
            ),
            title,
            columns: vec![t("Lần từ chối", "Declines")],
            rows,
        });
    }
    out
}
