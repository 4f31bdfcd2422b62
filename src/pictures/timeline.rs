//! The timeline picture: one row per region page, then one per drug page, each event a mark
//! on a time axis whose shape and colour say its kind. [`timeline_from_site`] takes the data
//! from the site, [`timeline_svg_layout`] draws it (wide or narrow).

use std::fmt::Write;

use super::Tr;
use super::short_title;
use super::svg::{FONT, fill, fit, legend, n};
use crate::date::PartialDate;
use crate::markdown::escape_html as esc;
use crate::schema::EventKind;
use crate::site::{DRUGS, REGIONS, Site};

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
    /// The event's entry in the timeline's list (`#ev-...`): the mark links there.
    pub href: Option<String>,
}

impl Timeline {
    /// All marks.
    fn marks(&self) -> impl Iterator<Item = &Mark> {
        self.groups
            .iter()
            .flat_map(|g| g.lanes.iter().flat_map(|l| l.marks.iter()))
    }
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
        // A shared event is marked on each of its pages' rows; every mark links to its one
        // entry in the list.
        for p in e.pages() {
            by_page.entry(p).or_default().push(Mark {
                date: e.date,
                kind: e.kind,
                text: e.title.clone(),
                href: Some(format!("#{}", e.anchor)),
            });
        }
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

/// The path (or element) of an event mark of a kind, centred on (x, y).
fn kind_shape(k: EventKind, x: f64, y: f64, r: f64) -> String {
    let c = kind_colour(k);
    let cls = format!("tl-mark tl-{}", k.key());
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
                let kind = t(&format!("event_{}", m.kind.key()));
                let mut tip = format!(
                    "{} · {kind} · {}: {}",
                    m.date.human(lang),
                    lane.label,
                    m.text
                );
                if m.date.month.is_none() {
                    tip.push_str(&format!(" ({})", t("pic_year_only")));
                }
                // A mark with an entry in the list is a link to it, reachable by keyboard
                // and touch; its title names the event.
                match &m.href {
                    Some(href) => {
                        let _ = write!(
                            body,
                            "<a class=\"tl-event tl-point\" href=\"{}\" aria-label=\"{}\"><title>{}</title>",
                            esc(href),
                            esc(&tip),
                            esc(&tip)
                        );
                    }
                    None => {
                        let _ = write!(body, "<g class=\"tl-event\"><title>{}</title>", esc(&tip));
                    }
                }
                if m.date.month.is_none() {
                    let _ = write!(
                        body,
                        "<rect class=\"tl-span tl-{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"4\" rx=\"2\" fill=\"{}\" fill-opacity=\"0.45\"/>",
                        m.kind.key(),
                        n(px(m.date.year as f64) + 1.0),
                        n(cy - 2.0),
                        n(year_w - 2.0),
                        kind_colour(m.kind)
                    );
                }
                body.push_str(&kind_shape(m.kind, x, cy, R));
                body.push_str(if m.href.is_some() { "</a>" } else { "</g>" });
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
        .map(|&k| (kind_shape(k, 0.0, 0.0, R), t(&format!("event_{}", k.key()))))
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
        "<svg class=\"pic pic-timeline pic-{}\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"{role}\" aria-labelledby=\"{id}-title {id}-desc\" font-size=\"{FONT}\">\
<title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>\
<g class=\"tl-grid-all\">{grid}</g>{body}<g class=\"pic-legend\">{legend_svg}</g></svg>",
        if narrow { "narrow" } else { "wide" },
        // With links to the list, the marks are controls a screen reader must reach: a
        // group, not an image (whose content is one opaque picture).
        role = if tl.marks().any(|m| m.href.is_some()) {
            "group"
        } else {
            "img"
        },
        w = n(w),
        h = n(h),
        title = esc(&t("pic_timeline_title")),
        desc = esc(&desc),
    )
}
