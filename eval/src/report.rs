//! Markdown tables and SVG charts of evaluation reports.

use std::fmt::Write as _;

use crate::metrics::METRIC_NAMES;
use crate::runner::{EvalReport, GroupSummary};

/// Column headers for [`METRIC_NAMES`], in the same order.
const METRIC_LABELS: [&str; 6] = ["nDCG@10", "MRR@10", "R@10", "R@100", "MAP@100", "P@10"];

/// Bar colours, one per mode, repeating after eight modes.
const PALETTE: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f",
];

/// Renders one section per set: a table of mean metrics per mode (overall
/// and per query language), then the significance tests between modes.
///
/// `reports` pairs each set name with its report; values have 4 decimals.
pub fn report_markdown(reports: &[(String, EvalReport)]) -> String {
    let mut out = String::new();

    for (set_name, report) in reports {
        let _ = writeln!(out, "## {}\n", escape_markdown(set_name));
        let _ = writeln!(
            out,
            "{} judged queries ({} unjudged skipped), k = {}.\n",
            report.judged_queries, report.unjudged_queries, report.k
        );

        out.push_str("| mode | group | queries |");
        for label in METRIC_LABELS {
            let _ = write!(out, " {label} |");
        }
        out.push_str("\n|---|---|---:|");
        out.push_str(&"---:|".repeat(METRIC_LABELS.len()));
        out.push('\n');

        for mode in &report.modes {
            markdown_row(&mut out, &mode.mode, "all", &mode.overall);
            for (lang, group) in &mode.by_lang {
                markdown_row(&mut out, &mode.mode, &format!("lang={lang}"), group);
            }
        }

        if !report.significance.is_empty() {
            out.push_str("\n| mode A | mode B | metric | A | B | p-value |\n");
            out.push_str("|---|---|---|---:|---:|---:|\n");
            for test in &report.significance {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {:.4} | {:.4} | {:.4} |",
                    escape_markdown(&test.mode_a),
                    escape_markdown(&test.mode_b),
                    test.metric,
                    test.mean_a,
                    test.mean_b,
                    test.p_value
                );
            }
        }
        out.push('\n');
    }
    out
}

fn markdown_row(out: &mut String, mode: &str, group: &str, summary: &GroupSummary) {
    let _ = write!(
        out,
        "| {} | {} | {} |",
        escape_markdown(mode),
        escape_markdown(group),
        summary.queries
    );
    for (_, value) in summary.metrics.named() {
        let _ = write!(out, " {value:.4} |");
    }
    out.push('\n');
}

fn escape_markdown(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Renders a grouped bar chart of the overall mean metrics, one group per
/// metric and one bar per mode, as a standalone SVG document (y axis 0 to 1).
///
/// The SVG is written by hand: the chart is a few dozen `rect` and `text`
/// elements, which does not justify a plotting crate and its dependencies.
pub fn report_svg(set_name: &str, report: &EvalReport) -> String {
    let modes = &report.modes;
    let group_width = 40.0 + 22.0 * modes.len().max(1) as f64;
    let bar_width = (group_width - 20.0) / modes.len().max(1) as f64;

    let left = 50.0;
    let top = 40.0;
    let plot_height = 240.0;
    let plot_width = group_width * METRIC_NAMES.len() as f64;
    let legend_width = 160.0;
    let width = left + plot_width + legend_width;
    let height = top + plot_height + 50.0;
    let baseline_y = top + plot_height;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{left}" y="22" font-size="15" font-weight="bold">{}: mean metrics per mode ({} queries)</text>"#,
        escape_xml(set_name),
        report.judged_queries
    );

    // Horizontal grid lines with their values, every 0.2.
    for step in 0..=5 {
        let value = step as f64 * 0.2;
        let y = baseline_y - value * plot_height;
        let _ = writeln!(
            svg,
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#dddddd"/>"##,
            left + plot_width
        );
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{value:.1}</text>"#,
            left - 6.0,
            y + 4.0
        );
    }

    for (metric_index, (metric, label)) in METRIC_NAMES.iter().zip(METRIC_LABELS).enumerate() {
        let group_x = left + metric_index as f64 * group_width + 10.0;

        for (mode_index, mode) in modes.iter().enumerate() {
            let value = mode
                .overall
                .metrics
                .get(metric)
                .unwrap_or(0.0)
                .clamp(0.0, 1.0);
            let bar_height = value * plot_height;
            let x = group_x + mode_index as f64 * bar_width;
            let _ = writeln!(
                svg,
                r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{bar_height:.1}" fill="{}"><title>{} {label}: {value:.4}</title></rect>"#,
                baseline_y - bar_height,
                (bar_width - 2.0).max(1.0),
                PALETTE[mode_index % PALETTE.len()],
                escape_xml(&mode.mode)
            );
        }

        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{label}</text>"#,
            group_x + (group_width - 20.0) / 2.0,
            baseline_y + 18.0
        );
    }

    let _ = writeln!(
        svg,
        r##"<line x1="{left}" y1="{baseline_y}" x2="{:.1}" y2="{baseline_y}" stroke="#333333"/>"##,
        left + plot_width
    );

    for (mode_index, mode) in modes.iter().enumerate() {
        let x = left + plot_width + 20.0;
        let y = top + 10.0 + mode_index as f64 * 20.0;
        let _ = writeln!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="12" height="12" fill="{}"/>"#,
            y - 10.0,
            PALETTE[mode_index % PALETTE.len()]
        );
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{y:.1}">{}</text>"#,
            x + 18.0,
            escape_xml(&mode.mode)
        );
    }

    svg.push_str("</svg>\n");
    svg
}

fn escape_xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            _ => escaped.push(c),
        }
    }
    escaped
}
