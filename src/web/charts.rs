//! Charts drawn on the server as SVG: no chart library in the browser. Each is an image
//! with a title for screen readers; the page puts the figures' table right after it. Only
//! presentation attributes and the stylesheet's classes are used, so the content security
//! policy (no inline style) holds.

use std::fmt::Write;

/// One bar: its label and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: impl Into<f64>) -> Bar {
        Bar { label: label.into(), value: value.into() }
    }
}

/// A group of bars under one label (e.g. offers and needs of one field).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub label: String,
    pub values: Vec<f64>,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A label cut to `max` characters, with an ellipsis.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// A number as the chart prints it: whole numbers without decimals, others with one.
pub fn number(value: f64) -> String {
    // Two decimals at most (a median of 12.25 days stays 12.25), none that say nothing.
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_owned() } else { text.to_owned() }
}

fn open(out: &mut String, width: u32, height: u32, title: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    let _ = write!(out, "<title>{}</title>", escape(title));
}

/// Horizontal bars, one per line, largest scale at the widest value; `empty` is drawn when
/// there is nothing to show.
pub fn bars(title: &str, bars: &[Bar], empty: &str) -> String {
    let (label_width, bar_width, row) = (260_u32, 380_u32, 26_u32);
    let height = row * u32::try_from(bars.len().max(1)).unwrap_or(1) + 8;
    let mut out = String::new();
    open(&mut out, label_width + bar_width + 70, height, title);
    if bars.is_empty() {
        let _ = write!(out, r#"<text class="chart-empty" x="8" y="20">{}</text></svg>"#, escape(empty));
        return out;
    }
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max).max(1.0);
    for (i, bar) in bars.iter().enumerate() {
        let y = 4 + row * u32::try_from(i).unwrap_or(0);
        let length = ((bar.value.max(0.0) / max) * f64::from(bar_width)).round();
        let _ = write!(
            out,
            r#"<text class="chart-label" x="{x}" y="{ty}" text-anchor="end">{label}</text><rect class="chart-bar" x="{bx}" y="{y}" width="{length}" height="{h}" rx="2"/><text class="chart-value" x="{vx}" y="{ty}">{value}</text>"#,
            x = label_width - 8,
            ty = y + 15,
            label = escape(&short(&bar.label, 38)),
            bx = label_width,
            h = row - 8,
            vx = f64::from(label_width) + length + 6.0,
            value = number(bar.value),
        );
    }
    out.push_str("</svg>");
    out
}

/// Vertical columns along a time line (months): labels under the columns, values above.
pub fn columns(title: &str, bars: &[Bar], empty: &str) -> String {
    let (height, chart_height, base) = (220_u32, 160_u32, 180_u32);
    let slot = 48_u32;
    let width = (slot * u32::try_from(bars.len().max(1)).unwrap_or(1) + 20).max(320);
    let mut out = String::new();
    open(&mut out, width, height, title);
    if bars.is_empty() {
        let _ = write!(out, r#"<text class="chart-empty" x="8" y="20">{}</text></svg>"#, escape(empty));
        return out;
    }
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max).max(1.0);
    let _ = write!(out, r#"<line class="chart-axis" x1="10" y1="{base}" x2="{}" y2="{base}"/>"#, width - 10);
    for (i, bar) in bars.iter().enumerate() {
        let x = 14 + slot * u32::try_from(i).unwrap_or(0);
        let length = ((bar.value.max(0.0) / max) * f64::from(chart_height - 20)).round();
        let _ = write!(
            out,
            r#"<rect class="chart-bar" x="{x}" y="{y}" width="{w}" height="{length}" rx="2"/><text class="chart-value" x="{cx}" y="{vy}" text-anchor="middle">{value}</text><text class="chart-label" x="{cx}" y="{ly}" text-anchor="middle">{label}</text>"#,
            y = f64::from(base) - length,
            w = slot - 12,
            cx = x + (slot - 12) / 2,
            vy = f64::from(base) - length - 4.0,
            value = number(bar.value),
            ly = base + 16,
            label = escape(&short(&bar.label, 8)),
        );
    }
    out.push_str("</svg>");
    out
}

/// Groups of horizontal bars (one per series, told apart by class `chart-series-N`) with a
/// legend.
pub fn grouped(title: &str, series: &[&str], groups: &[Group], empty: &str) -> String {
    let (label_width, bar_width) = (260_u32, 380_u32);
    let bar = 12_u32;
    let per_group = bar * u32::try_from(series.len().max(1)).unwrap_or(1) + 10;
    let legend = 24_u32;
    let height = legend + per_group * u32::try_from(groups.len().max(1)).unwrap_or(1) + 4;
    let mut out = String::new();
    open(&mut out, label_width + bar_width + 70, height, title);
    if groups.is_empty() {
        let _ = write!(out, r#"<text class="chart-empty" x="8" y="20">{}</text></svg>"#, escape(empty));
        return out;
    }
    let mut x = label_width;
    for (i, name) in series.iter().enumerate() {
        let _ = write!(
            out,
            r#"<rect class="chart-series-{i}" x="{x}" y="4" width="12" height="12"/><text class="chart-label" x="{tx}" y="15">{}</text>"#,
            escape(name),
            tx = x + 16,
        );
        x += 16 + 9 * u32::try_from(name.chars().count()).unwrap_or(8) + 16;
    }
    let max = groups.iter().flat_map(|g| g.values.iter().copied()).fold(0.0_f64, f64::max).max(1.0);
    for (g, group) in groups.iter().enumerate() {
        let top = legend + per_group * u32::try_from(g).unwrap_or(0);
        let _ = write!(
            out,
            r#"<text class="chart-label" x="{x}" y="{y}" text-anchor="end">{}</text>"#,
            escape(&short(&group.label, 38)),
            x = label_width - 8,
            y = top + per_group / 2 + 3,
        );
        for (i, value) in group.values.iter().enumerate() {
            let y = top + bar * u32::try_from(i).unwrap_or(0);
            let length = ((value.max(0.0) / max) * f64::from(bar_width)).round();
            let _ = write!(
                out,
                r#"<rect class="chart-series-{i}" x="{label_width}" y="{y}" width="{length}" height="{h}"/><text class="chart-value" x="{vx}" y="{ty}">{}</text>"#,
                number(*value),
                h = bar - 2,
                vx = f64::from(label_width) + length + 4.0,
                ty = y + 10,
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// Progress towards a target: the figure as a filled part of the target's bar.
pub fn progress(title: &str, actual: f64, target: Option<f64>, caption: &str) -> String {
    let width = 600_u32;
    let mut out = String::new();
    open(&mut out, width + 20, 58, title);
    let whole = target.filter(|t| *t > 0.0).unwrap_or_else(|| actual.max(1.0));
    let filled = ((actual.max(0.0) / whole).min(1.0) * f64::from(width)).round();
    let _ = write!(
        out,
        r#"<rect class="chart-track" x="10" y="8" width="{width}" height="22" rx="4"/><rect class="chart-bar" x="10" y="8" width="{filled}" height="22" rx="4"/><text class="chart-label" x="10" y="50">{}</text></svg>"#,
        escape(caption)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_escape_their_labels() {
        let svg = bars("Tin theo lĩnh vực", &[Bar::new("<script>", 10.0), Bar::new("Thủy sản", 5.0)], "—");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title>Tin theo lĩnh vực</title>"));
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.contains(r#"width="380""#), "the largest bar is full width: {svg}");
        assert!(svg.contains(r#"width="190""#), "half the value, half the width: {svg}");
        assert!(!svg.contains("style="), "no inline style under the CSP");
    }

    #[test]
    fn an_empty_chart_says_so() {
        for svg in [
            bars("t", &[], "Chưa có số liệu"),
            columns("t", &[], "Chưa có số liệu"),
            grouped("t", &["a"], &[], "Chưa có số liệu"),
        ] {
            assert!(svg.contains("Chưa có số liệu"), "{svg}");
        }
    }

    #[test]
    fn columns_and_groups_draw_every_value() {
        let months = [Bar::new("2026-10", 3.0), Bar::new("2026-11", 0.0), Bar::new("2026-12", 7.0)];
        let svg = columns("Đăng ký theo tháng", &months, "—");
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains(">7<") && svg.contains(">0<"));
        let svg = grouped(
            "Chào bán và nhu cầu",
            &["Chào bán", "Nhu cầu"],
            &[Group { label: "207".into(), values: vec![4.0, 2.0] }],
            "—",
        );
        assert_eq!(svg.matches("chart-series-1").count(), 2, "legend and bar");
    }

    #[test]
    fn progress_fills_its_share_of_the_target() {
        assert!(progress("t", 15.0, Some(30.0), "15 / 30").contains(r#"width="300""#));
        assert!(progress("t", 45.0, Some(30.0), "45 / 30").contains(r#"width="600" height="22" rx="4"/><text"#));
        assert!(progress("t", 3.0, None, "3").contains("3"));
    }

    #[test]
    fn numbers_print_without_needless_decimals() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(12.25), "12.25");
        assert_eq!(number(26.5), "26.5");
        assert_eq!(number(0.0), "0");
    }
}
