//! The coverage grid of the comparison table: one row per region, one column per dimension,
//! each cell a symbol saying what the sources say. [`coverage_from_site`] takes the data from
//! the site, [`coverage_svg`] draws it.

use std::fmt::Write;

use super::Tr;
use super::short_title;
use super::svg::{FONT, fill, fit, legend, n, text_width};
use crate::data::DimensionType;
use crate::markdown::escape_html as esc;
use crate::site::Site;

/// What the sources say for one cell of the comparison table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellState {
    /// Yes.
    Yes,
    /// Partly.
    Partial,
    /// No.
    No,
    /// A source names the leaders and the region is not among them.
    NotAmongNamed,
    /// A date, number or text is given.
    Value,
    /// The sources say nothing.
    Unknown,
}

impl CellState {
    fn key(self) -> &'static str {
        match self {
            CellState::Yes => "yes",
            CellState::Partial => "partial",
            CellState::No => "no",
            CellState::NotAmongNamed => "not_among_named",
            CellState::Value => "value",
            CellState::Unknown => "unknown",
        }
    }
    const ALL: [CellState; 6] = [
        CellState::Yes,
        CellState::Partial,
        CellState::No,
        CellState::NotAmongNamed,
        CellState::Value,
        CellState::Unknown,
    ];
}

/// The coverage grid: one row per region, one column per dimension.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// Dimension labels, in column order (columns are numbered from 1 in the picture).
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<CoverageRow>,
}

/// One region's row.
#[derive(Debug, Clone)]
pub struct CoverageRow {
    /// The region's (short) title.
    pub label: String,
    /// One state per column.
    pub cells: Vec<CellState>,
}

/// The coverage of the comparison table of one language.
pub fn coverage_from_site(site: &Site, lang: &str) -> Coverage {
    let table = &site.langs[lang].compare;
    let columns = site
        .data
        .dimensions
        .iter()
        .map(|d| d.label.get(lang).cloned().unwrap_or_else(|| d.id.clone()))
        .collect();
    let rows = table
        .regions
        .iter()
        .enumerate()
        .map(|(ri, &r)| CoverageRow {
            label: short_title(site, r),
            cells: site
                .data
                .dimensions
                .iter()
                .zip(&table.cells)
                .map(|(d, row)| match (&row[ri], d.kind) {
                    (None, _) => CellState::Unknown,
                    (Some(c), DimensionType::YesNoPartial) => match c.value.as_str() {
                        "yes" => CellState::Yes,
                        "no" => CellState::No,
                        "not_among_named" => CellState::NotAmongNamed,
                        _ => CellState::Partial,
                    },
                    (Some(_), _) => CellState::Value,
                })
                .collect(),
        })
        .collect();
    Coverage { columns, rows }
}

/// The symbol of a coverage cell state, in a `size` square at (x, y).
fn cell_symbol(s: CellState, x: f64, y: f64, size: f64) -> String {
    let (cx, cy) = (x + size / 2.0, y + size / 2.0);
    let k = size / 24.0;
    let rect = |fill: &str, extra: &str| {
        format!(
            "<rect class=\"cov-cell cov-{}\" x=\"{}\" y=\"{}\" width=\"{s}\" height=\"{s}\" rx=\"4\" fill=\"{fill}\"{extra}/>",
            s.key(),
            n(x),
            n(y),
            s = n(size)
        )
    };
    match s {
        CellState::Yes => format!(
            "{}<path class=\"cov-sym cov-sym-yes\" d=\"M{} {} l{} {} l{} {}\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"{}\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
            rect("#1e7a46", ""),
            n(cx - 6.5 * k),
            n(cy + 0.5 * k),
            n(4.5 * k),
            n(4.5 * k),
            n(8.5 * k),
            n(-10.0 * k),
            n(2.6 * k)
        ),
        CellState::Partial => format!(
            "{}<circle class=\"cov-sym-ring\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"none\" stroke=\"#8a5a00\" stroke-width=\"{}\"/><path class=\"cov-sym cov-sym-partial\" d=\"M{} {} a{r} {r} 0 0 0 0 {} z\" fill=\"#8a5a00\"/>",
            rect("#fbeecb", " stroke=\"#8a5a00\""),
            n(cx),
            n(cy),
            n(7.0 * k),
            n(2.0 * k),
            n(cx),
            n(cy - 7.0 * k),
            n(14.0 * k),
            r = n(7.0 * k)
        ),
        CellState::No => format!(
            "{}<path class=\"cov-sym cov-sym-no\" d=\"M{} {} l{d} {d} M{} {} l{d} -{d}\" fill=\"none\" stroke=\"#a3302b\" stroke-width=\"{}\" stroke-linecap=\"round\"/>",
            rect("#f8e0df", " stroke=\"#a3302b\""),
            n(cx - 5.0 * k),
            n(cy - 5.0 * k),
            n(cx - 5.0 * k),
            n(cy + 5.0 * k),
            n(2.6 * k),
            d = n(10.0 * k)
        ),
        CellState::NotAmongNamed => format!(
            "{}<circle class=\"cov-sym-ring cov-sym-not_among_named\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"none\" stroke=\"#5b6472\" stroke-width=\"{}\"/>",
            rect("#eef0f3", " stroke=\"#5b6472\""),
            n(cx),
            n(cy),
            n(6.0 * k),
            n(2.0 * k)
        ),
        CellState::Value => format!(
            "{}<circle class=\"cov-sym cov-sym-value\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#1f6fa8\"/>",
            rect("#e3eef7", " stroke=\"#1f6fa8\""),
            n(cx),
            n(cy),
            n(3.5 * k)
        ),
        CellState::Unknown => format!(
            "{}<text class=\"cov-sym cov-sym-unknown pic-muted\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\">?</text>",
            rect("none", " stroke=\"#8a94a3\" stroke-dasharray=\"3 2\""),
            n(cx),
            n(cy + 4.5 * k),
            n(13.0 * k)
        ),
    }
}

/// Draws the coverage grid. `id` prefixes the ids of the title and description.
pub fn coverage_svg(cov: &Coverage, id: &str, t: Tr) -> String {
    const CELL: f64 = 24.0;
    const GAP: f64 = 4.0;
    const HEAD: f64 = 26.0;
    if cov.rows.is_empty() || cov.columns.is_empty() {
        return String::new();
    }
    let ncol = cov.columns.len();
    let label_w = cov
        .rows
        .iter()
        .map(|r| text_width(&r.label, FONT))
        .fold(0.0, f64::max)
        .clamp(60.0, 170.0)
        + 12.0;
    let x0 = label_w + 8.0;
    let grid_w = ncol as f64 * (CELL + GAP);
    let count_w = 56.0;
    let total_text = |known: usize| format!("{known}/{ncol}");
    let mut body = String::new();
    for (c, label) in cov.columns.iter().enumerate() {
        let x = x0 + c as f64 * (CELL + GAP) + CELL / 2.0;
        let _ = write!(
            body,
            "<text class=\"pic-text pic-muted\" x=\"{}\" y=\"{}\" text-anchor=\"middle\"><title>{}</title>{}</text>",
            n(x),
            n(HEAD - 9.0),
            esc(&format!("{}. {label}", c + 1)),
            c + 1
        );
    }
    let mut counts = [0usize; 6];
    for (r, row) in cov.rows.iter().enumerate() {
        let y = HEAD + r as f64 * (CELL + GAP);
        let label = fit(&row.label, FONT, label_w - 4.0);
        let _ = write!(
            body,
            "<text class=\"pic-text\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}{}</text>",
            n(label_w),
            n(y + CELL / 2.0 + 4.5),
            if label != row.label {
                format!("<title>{}</title>", esc(&row.label))
            } else {
                String::new()
            },
            esc(&label)
        );
        for (c, s) in row.cells.iter().enumerate().take(ncol) {
            let x = x0 + c as f64 * (CELL + GAP);
            counts[CellState::ALL.iter().position(|a| a == s).unwrap_or(5)] += 1;
            let _ = write!(
                body,
                "<g class=\"cov-item\"><title>{}</title>{}</g>",
                esc(&format!(
                    "{} · {}. {}: {}",
                    row.label,
                    c + 1,
                    cov.columns[c],
                    t(&format!("pic_{}", s.key()))
                )),
                cell_symbol(*s, x, y, CELL)
            );
        }
        let known = row
            .cells
            .iter()
            .filter(|s| **s != CellState::Unknown)
            .count();
        let _ = write!(
            body,
            "<text class=\"pic-text pic-muted\" x=\"{}\" y=\"{}\">{}</text>",
            n(x0 + grid_w + 6.0),
            n(y + CELL / 2.0 + 4.5),
            total_text(known)
        );
    }
    let grid_bottom = HEAD + cov.rows.len() as f64 * (CELL + GAP);
    let w = (x0 + grid_w + count_w).max(420.0);
    let items: Vec<(String, String)> = CellState::ALL
        .iter()
        .filter(|s| counts[CellState::ALL.iter().position(|a| a == *s).unwrap_or(5)] > 0)
        .map(|&s| {
            (
                format!(
                    "<g transform=\"translate(-9,-9) scale(0.75)\">{}</g>",
                    cell_symbol(s, 0.0, 0.0, CELL)
                ),
                t(&format!("pic_{}", s.key())),
            )
        })
        .collect();
    let (legend_svg, legend_h) = legend(&items, 0.0, grid_bottom + 12.0, w);
    let h = grid_bottom + 12.0 + legend_h + 4.0;
    let total = cov.rows.len() * ncol;
    let known = total - counts[5];
    let desc = fill(
        &t("pic_coverage_desc"),
        &[
            ("regions", cov.rows.len().to_string()),
            ("dimensions", ncol.to_string()),
            ("known", known.to_string()),
            ("total", total.to_string()),
            ("yes", counts[0].to_string()),
            ("partial", counts[1].to_string()),
            ("no", counts[2].to_string()),
            ("not_among_named", counts[3].to_string()),
            ("value", counts[4].to_string()),
            ("unknown", counts[5].to_string()),
        ],
    );
    let rows: Vec<String> = cov
        .rows
        .iter()
        .map(|r| {
            fill(
                &t("pic_coverage_row"),
                &[
                    ("region", r.label.clone()),
                    (
                        "known",
                        r.cells
                            .iter()
                            .filter(|s| **s != CellState::Unknown)
                            .count()
                            .to_string(),
                    ),
                    ("dimensions", ncol.to_string()),
                ],
            )
        })
        .collect();
    format!(
        "<svg class=\"pic pic-coverage\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-size=\"{FONT}\">\
<title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc} {rows}</desc>{body}<g class=\"pic-legend\">{legend_svg}</g></svg>",
        w = n(w),
        h = n(h),
        title = esc(&t("pic_coverage_title")),
        desc = esc(&desc),
        rows = esc(&rows.join(" ")),
    )
}
