//! Pictures drawn at build time as inline SVG, from the [`Site`] model: the timeline on a
//! time axis (one row per region page, then one per drug page) and the coverage grid of the
//! comparison table (regions by dimensions).
//!
//! Each picture is in two steps: a plain data value ([`Timeline`], [`Coverage`]) taken from
//! the site, then the SVG drawn from it, so the drawing is tested on small hand-made data.
//! Every SVG has `role="img"`, a `<title>` and a `<desc>` named by `aria-labelledby`, and
//! tells values apart by shape as well as colour; the page puts a text list or table of the
//! same facts next to it. Labels come from the theme's interface strings ([`I18N_KEYS`]),
//! so the pictures are in the page's language. Colours are set by classes that the theme's
//! style sheet styles (light and dark), with plain fill and stroke attributes as fallback.

use std::fmt::Write;

use crate::data::DimensionType;
use crate::date::PartialDate;
use crate::markdown::escape_html as esc;
use crate::schema::EventKind;
use crate::site::{DRUGS, REGIONS, Site};

/// Interface strings the pictures use; every language of a theme must define them.
pub const I18N_KEYS: &[&str] = &[
    "regions",
    "drugs",
    "pic_timeline_title",
    "pic_timeline_desc",
    "pic_year_only",
    "pic_coverage_title",
    "pic_coverage_desc",
    "pic_coverage_row",
    "pic_yes",
    "pic_no",
    "pic_partial",
    "pic_value",
    "pic_unknown",
    "event_policy",
    "event_regulation",
    "event_ind",
    "event_application",
    "event_approval",
    "event_prescription",
    "event_trial",
    "event_other",
];

/// Looks up an interface string by key.
pub type Tr<'a> = &'a dyn Fn(&str) -> String;

/// Event kinds in legend order.
const KINDS: [EventKind; 8] = [
    EventKind::Policy,
    EventKind::Regulation,
    EventKind::Ind,
    EventKind::Application,
    EventKind::Approval,
    EventKind::Prescription,
    EventKind::Trial,
    EventKind::Other,
];

/// The key of an event kind (`policy`), used in class names and i18n keys.
pub fn kind_key(k: EventKind) -> &'static str {
    match k {
        EventKind::Policy => "policy",
        EventKind::Regulation => "regulation",
        EventKind::Ind => "ind",
        EventKind::Application => "application",
        EventKind::Approval => "approval",
        EventKind::Prescription => "prescription",
        EventKind::Trial => "trial",
        EventKind::Other => "other",
    }
}

/// Fallback colours (the style sheet overrides them by class).
fn kind_colour(k: EventKind) -> &'static str {
    match k {
        EventKind::Policy => "#1f6fa8",
        EventKind::Regulation => "#6b4fa3",
        EventKind::Ind => "#b8660b",
        EventKind::Application => "#a3477a",
        EventKind::Approval => "#1e7a46",
        EventKind::Prescription => "#b23a2e",
        EventKind::Trial => "#0f7b83",
        EventKind::Other => "#5a6472",
    }
}

/// The timeline: groups of rows (regions, drugs), each row one page and its events.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// Row groups in order.
    pub groups: Vec<LaneGroup>,
}

/// A group of rows with a heading.
#[derive(Debug, Clone)]
pub struct LaneGroup {
    /// Heading (`Regions`).
    pub label: String,
    /// Rows.
    pub lanes: Vec<Lane>,
}

/// One row: a page and its events.
#[derive(Debug, Clone)]
pub struct Lane {
    /// The page's (short) title.
    pub label: String,
    /// Its events, in any order.
    pub marks: Vec<Mark>,
}

/// One event.
#[derive(Debug, Clone)]
pub struct Mark {
    /// When.
    pub date: PartialDate,
    /// What kind.
    pub kind: EventKind,
    /// The event's sentence (shown as a tooltip).
    pub text: String,
}

impl Timeline {
    /// All marks.
    fn marks(&self) -> impl Iterator<Item = &Mark> {
        self.groups
            .iter()
            .flat_map(|g| g.lanes.iter().flat_map(|l| l.marks.iter()))
    }
}

/// What the sources say for one cell of the comparison table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellState {
    /// Yes.
    Yes,
    /// Partly.
    Partial,
    /// No.
    No,
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
            CellState::Value => "value",
            CellState::Unknown => "unknown",
        }
    }
    const ALL: [CellState; 5] = [
        CellState::Yes,
        CellState::Partial,
        CellState::No,
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

/// A page's short title: `short_title` in `[extra]` if set, else its title.
pub fn short_title(site: &Site, page: usize) -> String {
    let f = site.file(page);
    f.front
        .extra
        .get("short_title")
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| f.front.title.clone())
}

/// The most rows the timeline picture draws. A site with more pages with events gets no
/// picture (a chart of hundreds of rows cannot be read); its timeline page still lists
/// every event, by year.
pub const MAX_TIMELINE_ROWS: usize = 150;

/// The timeline of one language: a row for each region page with events, then a row for
/// each drug page with events, in the order of their section lists. A drug's events stay on
/// the drug's own row: a drug may be related to several regions, and its events (approval,
/// prescriptions, trials) belong to the product rather than to one region's policy. Empty
/// when more than [`MAX_TIMELINE_ROWS`] pages have events.
pub fn timeline_from_site(site: &Site, lang: &str, t: Tr) -> Timeline {
    let events = &site.langs[lang].timeline;
    let mut by_page: std::collections::HashMap<usize, Vec<Mark>> = std::collections::HashMap::new();
    for e in events {
        by_page.entry(e.page).or_default().push(Mark {
            date: e.date,
            kind: e.kind,
            text: e.title.clone(),
        });
    }
    if by_page.len() > MAX_TIMELINE_ROWS {
        return Timeline { groups: Vec::new() };
    }
    let mut groups = Vec::new();
    for (section, label) in [(REGIONS, "regions"), (DRUGS, "drugs")] {
        let lanes: Vec<Lane> = site
            .section_pages(lang, section)
            .iter()
            .copied()
            .filter_map(|p| {
                let marks = by_page.remove(&p)?;
                Some(Lane {
                    label: short_title(site, p),
                    marks,
                })
            })
            .collect();
        if !lanes.is_empty() {
            groups.push(LaneGroup {
                label: t(label),
                lanes,
            });
        }
    }
    Timeline { groups }
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
                        _ => CellState::Partial,
                    },
                    (Some(_), _) => CellState::Value,
                })
                .collect(),
        })
        .collect();
    Coverage { columns, rows }
}

/// Rough width of a text in pixels: wide (CJK, full-width) characters take one em, others
/// about half. Used to fit labels; the pictures never depend on it for correctness.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
            {
                1.0
            } else if c.is_ascii_uppercase() || c.is_ascii_digit() || "mwMW".contains(c) {
                0.72
            } else if "iljtfr.,;:'!|()[] ".contains(c) {
                0.36
            } else {
                0.62
            }
        })
        .sum::<f64>()
        * size
}

/// The text cut with an ellipsis to fit a width.
pub fn fit(s: &str, size: f64, width: f64) -> String {
    if text_width(s, size) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        let mut next = out.clone();
        next.push(c);
        if text_width(&next, size) + text_width("…", size) > width {
            break;
        }
        out = next;
    }
    format!("{}…", out.trim_end())
}

/// Fills `{name}` placeholders.
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in values {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// A number without a useless fraction, for coordinates.
fn n(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// The path (or element) of an event mark of a kind, centred on (x, y).
fn kind_shape(k: EventKind, x: f64, y: f64, r: f64) -> String {
    let c = kind_colour(k);
    let cls = format!("tl-mark tl-{}", kind_key(k));
    let poly = |pts: &[(f64, f64)]| {
        let d: Vec<String> = pts
            .iter()
            .map(|(a, b)| format!("{},{}", n(x + a * r), n(y + b * r)))
            .collect();
        format!(
            "<polygon class=\"{cls}\" points=\"{}\" fill=\"{c}\"/>",
            d.join(" ")
        )
    };
    match k {
        EventKind::Policy => format!(
            "<circle class=\"{cls}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{c}\"/>",
            n(x),
            n(y),
            n(r)
        ),
        EventKind::Regulation => format!(
            "<rect class=\"{cls}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{c}\"/>",
            n(x - r * 0.85),
            n(y - r * 0.85),
            n(r * 1.7),
            n(r * 1.7)
        ),
        EventKind::Ind => poly(&[(0.0, -1.15), (1.05, 0.85), (-1.05, 0.85)]),
        EventKind::Application => poly(&[(-1.05, -0.85), (1.05, -0.85), (0.0, 1.15)]),
        EventKind::Approval => poly(&[(0.0, -1.25), (1.25, 0.0), (0.0, 1.25), (-1.25, 0.0)]),
        EventKind::Prescription => {
            // A five-pointed star.
            let pts: Vec<(f64, f64)> = (0..10)
                .map(|i| {
                    let a = std::f64::consts::PI * (i as f64) / 5.0 - std::f64::consts::FRAC_PI_2;
                    let rr = if i % 2 == 0 { 1.3 } else { 0.55 };
                    (rr * a.cos(), rr * a.sin())
                })
                .collect();
            poly(&pts)
        }
        EventKind::Trial => {
            let pts: Vec<(f64, f64)> = (0..6)
                .map(|i| {
                    let a = std::f64::consts::PI * (i as f64) / 3.0;
                    (1.1 * a.cos(), 1.1 * a.sin())
                })
                .collect();
            poly(&pts)
        }
        EventKind::Other => format!(
            "<circle class=\"{cls} tl-hollow\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2\"/>",
            n(x),
            n(y),
            n(r * 0.85)
        ),
    }
}

/// Position of a date as a fractional year: the middle of the period it names.
fn year_pos(d: &PartialDate) -> f64 {
    let y = d.year as f64;
    match (d.month, d.day) {
        (Some(m), Some(day)) => y + (m as f64 - 1.0) / 12.0 + (day as f64 - 0.5) / 31.0 / 12.0,
        (Some(m), None) => y + (m as f64 - 0.5) / 12.0,
        _ => y + 0.5,
    }
}

const FONT: f64 = 13.0;

/// Lays legend items out in rows within a width; returns the SVG and its height.
fn legend(items: &[(String, String)], x0: f64, y0: f64, width: f64) -> (String, f64) {
    let mut out = String::new();
    let (mut x, mut y) = (x0, y0 + 10.0);
    for (symbol, label) in items {
        let w = 26.0 + text_width(label, FONT) + 22.0;
        if x + w > x0 + width && x > x0 {
            x = x0;
            y += 24.0;
        }
        let _ = write!(
            out,
            "<g transform=\"translate({},{})\">{symbol}<text x=\"16\" y=\"4.5\" class=\"pic-text\">{}</text></g>",
            n(x + 8.0),
            n(y),
            esc(label)
        );
        x += w;
    }
    (out, y - y0 + 16.0)
}

/// How the timeline is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// 960 units wide, row labels in a column on the left (screens and print).
    Wide,
    /// 400 units wide, each row's label above its marks (phones).
    Narrow,
}

/// Draws the timeline in the wide layout. `id` prefixes the ids of the title and description.
pub fn timeline_svg(tl: &Timeline, id: &str, lang: &str, t: Tr) -> String {
    timeline_svg_layout(tl, id, lang, t, Layout::Wide)
}

/// Draws the timeline in a layout. `id` prefixes the ids of the title and description.
pub fn timeline_svg_layout(tl: &Timeline, id: &str, lang: &str, t: Tr, layout: Layout) -> String {
    let narrow = layout == Layout::Narrow;
    let w: f64 = if narrow { 400.0 } else { 960.0 };
    // Room for labels: a column on the left, or a line above each row.
    let label_w: f64 = if narrow { 0.0 } else { 190.0 };
    let label_h: f64 = if narrow { 16.0 } else { 0.0 };
    const R: f64 = 5.5;
    const LANE_H: f64 = 26.0;
    const SUB_H: f64 = 13.0;
    const GROUP_H: f64 = 28.0;
    let x0 = if narrow { 14.0 } else { label_w + 12.0 };
    let x1 = w - if narrow { 14.0 } else { 16.0 };
    let mut marks: Vec<&Mark> = tl.marks().collect();
    marks.sort_by_key(|m| m.date);
    let (Some(first), Some(last)) = (marks.first(), marks.last()) else {
        return String::new();
    };
    let (y_from, y_to) = (first.date.year, last.date.year + 1);
    let span = (y_to - y_from) as f64;
    let px = |pos: f64| x0 + (pos - y_from as f64) / span * (x1 - x0);
    let year_w = (x1 - x0) / span;
    let step = [1, 2, 5, 10, 20, 50]
        .into_iter()
        .find(|s| year_w * (*s as f64) >= if narrow { 34.0 } else { 38.0 })
        .unwrap_or(100);

    let mut body = String::new();
    let mut y = 34.0;
    for g in &tl.groups {
        let _ = write!(
            body,
            "<text class=\"pic-text tl-group\" x=\"8\" y=\"{}\" font-weight=\"700\">{}</text>",
            n(y + 18.0),
            esc(&g.label)
        );
        y += GROUP_H;
        for (li, lane) in g.lanes.iter().enumerate() {
            // Marks that would overlap go to sub-rows, so each stays visible.
            let mut placed: Vec<(f64, usize, &Mark)> = Vec::new();
            let mut row_end: Vec<f64> = Vec::new();
            let mut ms: Vec<&Mark> = lane.marks.iter().collect();
            ms.sort_by_key(|m| m.date);
            for m in ms {
                let x = px(year_pos(&m.date));
                let row = match row_end.iter().position(|&e| e + 2.0 * R + 2.0 <= x) {
                    Some(r) => r,
                    None => {
                        row_end.push(f64::MIN);
                        row_end.len() - 1
                    }
                };
                row_end[row] = x;
                placed.push((x, row, m));
            }
            let h = label_h + LANE_H + SUB_H * (row_end.len().saturating_sub(1)) as f64;
            if li % 2 == 0 {
                let _ = write!(
                    body,
                    "<rect class=\"tl-band\" x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#8a94a3\" fill-opacity=\"0.08\"/>",
                    n(y),
                    n(w),
                    n(h)
                );
            }
            let room = if narrow { w - 16.0 } else { label_w - 16.0 };
            let label = fit(&lane.label, FONT, room);
            let title = if label != lane.label {
                format!("<title>{}</title>", esc(&lane.label))
            } else {
                String::new()
            };
            if narrow {
                let _ = write!(
                    body,
                    "<text class=\"pic-text tl-label\" x=\"8\" y=\"{}\">{title}{}</text>",
                    n(y + 13.0),
                    esc(&label)
                );
            } else {
                let _ = write!(
                    body,
                    "<text class=\"pic-text tl-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{title}{}</text>",
                    n(label_w),
                    n(y + LANE_H / 2.0 + 4.5),
                    esc(&label)
                );
            }
            for (x, row, m) in placed {
                let cy = y + label_h + LANE_H / 2.0 + SUB_H * row as f64;
                let kind = t(&format!("event_{}", kind_key(m.kind)));
                let mut tip = format!(
                    "{} · {kind} · {}: {}",
                    m.date.human(lang),
                    lane.label,
                    m.text
                );
                if m.date.month.is_none() {
                    tip.push_str(&format!(" ({})", t("pic_year_only")));
                }
                let _ = write!(body, "<g class=\"tl-event\"><title>{}</title>", esc(&tip));
                if m.date.month.is_none() {
                    let _ = write!(
                        body,
                        "<rect class=\"tl-span tl-{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"4\" rx=\"2\" fill=\"{}\" fill-opacity=\"0.45\"/>",
                        kind_key(m.kind),
                        n(px(m.date.year as f64) + 1.0),
                        n(cy - 2.0),
                        n(year_w - 2.0),
                        kind_colour(m.kind)
                    );
                }
                body.push_str(&kind_shape(m.kind, x, cy, R));
                body.push_str("</g>");
            }
            y += h;
        }
        y += 6.0;
    }
    let plot_bottom = y;

    // Year grid and labels, top and bottom.
    let mut grid = String::new();
    for yr in y_from..=y_to {
        let x = px(yr as f64);
        let major = (yr - y_from) % step == 0 || yr == y_to;
        let _ = write!(
            grid,
            "<line class=\"tl-grid{}\" x1=\"{x}\" y1=\"24\" x2=\"{x}\" y2=\"{}\" stroke=\"#8a94a3\" stroke-opacity=\"{}\"/>",
            if major { " tl-major" } else { "" },
            n(plot_bottom),
            if major { "0.45" } else { "0.18" },
            x = n(x),
        );
        if major && yr < y_to {
            for ty in [18.0, plot_bottom + 16.0] {
                let _ = write!(
                    grid,
                    "<text class=\"pic-text pic-muted\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{yr}</text>",
                    n(x + if step == 1 { year_w / 2.0 } else { 0.0 }),
                    n(ty)
                );
            }
        }
    }

    // Legend: the kinds present, then the year-only bar if used.
    let mut items: Vec<(String, String)> = KINDS
        .iter()
        .filter(|k| marks.iter().any(|m| m.kind == **k))
        .map(|&k| {
            (
                kind_shape(k, 0.0, 0.0, R),
                t(&format!("event_{}", kind_key(k))),
            )
        })
        .collect();
    if marks.iter().any(|m| m.date.month.is_none()) {
        items.push((
            "<rect class=\"tl-span tl-other\" x=\"-9\" y=\"-2\" width=\"18\" height=\"4\" rx=\"2\" fill=\"#5a6472\" fill-opacity=\"0.45\"/>".into(),
            t("pic_year_only"),
        ));
    }
    let (legend_svg, legend_h) = legend(&items, 0.0, plot_bottom + 28.0, w);
    let h = plot_bottom + 28.0 + legend_h + 6.0;

    let lanes: Vec<&Lane> = tl.groups.iter().flat_map(|g| g.lanes.iter()).collect();
    let desc = fill(
        &t("pic_timeline_desc"),
        &[
            ("events", marks.len().to_string()),
            ("rows", lanes.len().to_string()),
            ("first", first.date.human(lang)),
            ("last", last.date.human(lang)),
        ],
    );
    format!(
        "<svg class=\"pic pic-timeline pic-{}\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-size=\"{FONT}\">\
<title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>\
<g class=\"tl-grid-all\">{grid}</g>{body}<g class=\"pic-legend\">{legend_svg}</g></svg>",
        if narrow { "narrow" } else { "wide" },
        w = n(w),
        h = n(h),
        title = esc(&t("pic_timeline_title")),
        desc = esc(&desc),
    )
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
    let mut counts = [0usize; 5];
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
            counts[CellState::ALL.iter().position(|a| a == s).unwrap_or(4)] += 1;
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
        .filter(|s| counts[CellState::ALL.iter().position(|a| a == *s).unwrap_or(4)] > 0)
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
    let known = total - counts[4];
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
            ("value", counts[3].to_string()),
            ("unknown", counts[4].to_string()),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(key: &str) -> String {
        match key {
            "pic_timeline_desc" => "{events} events in {rows} rows, {first} to {last}.".into(),
            "pic_coverage_desc" => {
                "{regions}x{dimensions}: {known}/{total} known; yes {yes}, partial {partial}, no {no}, value {value}, unknown {unknown}.".into()
            }
            "pic_coverage_row" => "{region} {known}/{dimensions}.".into(),
            k => format!("<{k}>"),
        }
    }

    fn d(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    fn mark(date: &str, kind: EventKind, text: &str) -> Mark {
        Mark {
            date: d(date),
            kind,
            text: text.into(),
        }
    }

    fn sample_timeline() -> Timeline {
        Timeline {
            groups: vec![
                LaneGroup {
                    label: "Regions".into(),
                    lanes: vec![
                        Lane {
                            label: "Beijing".into(),
                            marks: vec![
                                mark("2023-09", EventKind::Policy, "Measures & support"),
                                mark(
                                    "2025-06-05",
                                    EventKind::Prescription,
                                    "First <prescription>",
                                ),
                            ],
                        },
                        Lane {
                            label: "湖南（中国（湖南）自由贸易试验区长沙片区）".into(),
                            marks: vec![mark("2020", EventKind::Regulation, "法规")],
                        },
                    ],
                },
                LaneGroup {
                    label: "Drugs".into(),
                    lanes: vec![Lane {
                        label: "Aimi".into(),
                        marks: vec![
                            mark("2025-01", EventKind::Approval, "a"),
                            mark("2025-01-02", EventKind::Approval, "b"),
                            mark("2025-01-03", EventKind::Other, "c"),
                        ],
                    }],
                },
            ],
        }
    }

    /// Checks that the SVG is well-formed XML (every tag closed, attributes quoted).
    fn assert_well_formed(svg: &str) {
        let mut reader = quick_xml::Reader::from_str(svg);
        let mut depth = 0i32;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not well-formed: {e}\n{svg}"),
            }
        }
        assert_eq!(depth, 0, "unbalanced tags");
    }

    fn attr(svg: &str, name: &str) -> String {
        let start = svg.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        svg[start..start + svg[start..].find('"').unwrap()].to_string()
    }

    #[test]
    fn timeline_is_labelled_and_well_formed() {
        let svg = timeline_svg(&sample_timeline(), "tl", "en", &tr);
        assert_well_formed(&svg);
        assert!(svg.starts_with("<svg "));
        assert_eq!(attr(&svg, "role"), "img");
        assert_eq!(attr(&svg, "aria-labelledby"), "tl-title tl-desc");
        assert!(svg.contains("<title id=\"tl-title\">&lt;pic_timeline_title&gt;</title>"));
        assert!(
            svg.contains("<desc id=\"tl-desc\">6 events in 3 rows, 2020 to 5 June 2025.</desc>")
        );
        // Group headings and lane labels, escaped.
        assert!(svg.contains(">Regions</text>") && svg.contains(">Drugs</text>"));
        assert!(svg.contains("First &lt;prescription&gt;"));
        assert!(svg.contains("Measures &amp; support"));
        // The long Chinese label is cut to fit, with its full text as a tooltip.
        assert!(svg.contains("<title>湖南（中国（湖南）自由贸易试验区长沙片区）</title>"));
        assert!(svg.contains("…</text>"));
    }

    #[test]
    fn timeline_axis_spans_the_years_of_the_events() {
        let svg = timeline_svg(&sample_timeline(), "tl", "en", &tr);
        for yr in 2020..=2025 {
            assert!(svg.contains(&format!(">{yr}</text>")), "year {yr} missing");
        }
        assert!(!svg.contains(">2019</text>") && !svg.contains(">2026</text>"));
    }

    #[test]
    fn timeline_kinds_differ_by_shape_and_legend_lists_used_kinds() {
        let svg = timeline_svg(&sample_timeline(), "tl", "en", &tr);
        // policy: circle; prescription: star polygon; regulation: square; approval: diamond.
        assert!(svg.contains("<circle class=\"tl-mark tl-policy\""));
        assert!(svg.contains("<rect class=\"tl-mark tl-regulation\""));
        assert!(svg.contains("<polygon class=\"tl-mark tl-approval\""));
        assert!(svg.contains("<polygon class=\"tl-mark tl-prescription\""));
        assert!(svg.contains("tl-hollow"));
        let legend = &svg[svg.find("pic-legend").unwrap()..];
        for k in ["policy", "regulation", "approval", "prescription", "other"] {
            assert!(legend.contains(&format!("&lt;event_{k}&gt;")), "{k}");
        }
        for k in ["ind", "application", "trial"] {
            assert!(!legend.contains(&format!("&lt;event_{k}&gt;")), "{k}");
        }
        // A year-only date is drawn as a span across its year and named in the legend.
        assert_eq!(svg.matches("<rect class=\"tl-span").count(), 2);
        assert!(legend.contains("&lt;pic_year_only&gt;"));
    }

    #[test]
    fn timeline_marks_that_would_overlap_are_stacked() {
        let svg = timeline_svg(&sample_timeline(), "tl", "en", &tr);
        // Three events within three days in one lane: three distinct vertical positions.
        let ys: Vec<String> = svg
            .split("<g class=\"tl-event\">")
            .skip(1)
            .filter(|s| s[..s.find("</title>").unwrap()].contains("Aimi:"))
            .map(|s| {
                let shape = &s[s.find("</title>").unwrap()..s.find("</g>").unwrap()];
                if shape.contains("<circle") {
                    attr(shape, "cy")
                } else {
                    // polygon: the y of the first point
                    let pts = attr(shape, "points");
                    pts.split(' ')
                        .next()
                        .unwrap()
                        .split(',')
                        .nth(1)
                        .unwrap()
                        .to_string()
                }
            })
            .collect();
        assert_eq!(ys.len(), 3);
        let mut uniq = ys.clone();
        uniq.sort();
        uniq.dedup();
        assert_eq!(uniq.len(), 3, "{ys:?}");
    }

    #[test]
    fn narrow_timeline_puts_labels_above_rows_and_stays_in_its_width() {
        let svg = timeline_svg_layout(&sample_timeline(), "n", "en", &tr, Layout::Narrow);
        assert_well_formed(&svg);
        assert_eq!(attr(&svg, "width"), "400");
        assert!(svg.contains("aria-labelledby=\"n-title n-desc\""));
        // Row labels start at the left edge instead of ending at a label column.
        assert!(svg.contains("<text class=\"pic-text tl-label\" x=\"8\""));
        assert!(!svg.contains("tl-label\" x=\"190\""));
        for cx in svg.split(" cx=\"").skip(1) {
            let x: f64 = cx[..cx.find('"').unwrap()].parse().unwrap();
            assert!((0.0..=400.0).contains(&x), "mark at {x}");
        }
        // Every event is drawn in both layouts.
        let wide = timeline_svg(&sample_timeline(), "w", "en", &tr);
        assert_eq!(
            svg.matches("<g class=\"tl-event\">").count(),
            wide.matches("<g class=\"tl-event\">").count()
        );
    }

    #[test]
    fn empty_timeline_draws_nothing() {
        assert_eq!(timeline_svg(&Timeline::default(), "x", "en", &tr), "");
    }

    fn sample_coverage() -> Coverage {
        use CellState::*;
        Coverage {
            columns: vec!["Law".into(), "Date <of> law".into(), "Funding".into()],
            rows: vec![
                CoverageRow {
                    label: "Beijing".into(),
                    cells: vec![Yes, Value, Unknown],
                },
                CoverageRow {
                    label: "Shenzhen".into(),
                    cells: vec![Partial, Unknown, No],
                },
            ],
        }
    }

    #[test]
    fn coverage_is_labelled_counted_and_well_formed() {
        let svg = coverage_svg(&sample_coverage(), "cov", &tr);
        assert_well_formed(&svg);
        assert_eq!(attr(&svg, "role"), "img");
        assert_eq!(attr(&svg, "aria-labelledby"), "cov-title cov-desc");
        assert!(svg.contains(
            "<desc id=\"cov-desc\">2x3: 4/6 known; yes 1, partial 1, no 1, value 1, unknown 2. Beijing 2/3. Shenzhen 2/3.</desc>"
        ));
        assert!(svg.contains(">2/3</text>"));
        assert!(svg.contains("<title>2. Date &lt;of&gt; law</title>"));
    }

    #[test]
    fn coverage_states_differ_by_symbol_not_only_colour() {
        let svg = coverage_svg(&sample_coverage(), "cov", &tr);
        // Each state has its own symbol element, and unknown a dashed outline with "?".
        for (state, symbol) in [
            ("yes", "cov-sym-yes"),
            ("partial", "cov-sym-partial"),
            ("no", "cov-sym-no"),
            ("value", "cov-sym-value"),
            ("unknown", "cov-sym-unknown"),
        ] {
            assert!(svg.contains(&format!("cov-cell cov-{state}")), "{state}");
            assert!(svg.contains(symbol), "{symbol}");
        }
        assert!(svg.contains("stroke-dasharray"));
        assert!(svg.contains(">?</text>"));
        // Tooltips name region, dimension and value.
        assert!(svg.contains("<title>Shenzhen · 3. Funding: &lt;pic_no&gt;</title>"));
        // Five cells per state class in the grid plus one in the legend each.
        assert_eq!(svg.matches("cov-cell cov-unknown").count(), 3);
    }

    #[test]
    fn empty_coverage_draws_nothing() {
        assert_eq!(coverage_svg(&Coverage::default(), "x", &tr), "");
    }

    #[test]
    fn text_is_fitted_by_width() {
        assert!(text_width("中文", 10.0) > text_width("ab", 10.0));
        assert_eq!(fit("Beijing", 13.0, 200.0), "Beijing");
        let cut = fit(
            "Hainan Boao Lecheng International Medical Tourism Pilot Zone",
            13.0,
            120.0,
        );
        assert!(
            cut.ends_with('…') && text_width(&cut, 13.0) <= 120.0,
            "{cut}"
        );
    }

    #[test]
    fn from_the_fixture_site() {
        // Loading reads the site and writes nothing, so the fixture is used in place.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let args = crate::build::BuildArgs {
            root,
            ..Default::default()
        };
        let (site, _theme) = crate::build::load(&args).expect("fixture builds");
        for lang in site.config.language_codes() {
            let tl = timeline_from_site(&site, lang, &tr);
            let n_events: usize = tl
                .groups
                .iter()
                .flat_map(|g| &g.lanes)
                .map(|l| l.marks.len())
                .sum();
            assert_eq!(n_events, site.langs[lang].timeline.len());
            assert!(tl.groups.iter().all(|g| !g.lanes.is_empty()));
            let cov = coverage_from_site(&site, lang);
            assert_eq!(cov.columns.len(), site.data.dimensions.len());
            assert_eq!(cov.rows.len(), site.langs[lang].compare.regions.len());
            let known = cov
                .rows
                .iter()
                .flat_map(|r| &r.cells)
                .filter(|c| **c != CellState::Unknown)
                .count();
            assert_eq!(known, site.langs[lang].compare.known());
        }
    }
}
