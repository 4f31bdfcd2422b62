//! Tests of the pictures, on hand-made data and on the fixture site.

use super::*;
use crate::date::PartialDate;
use crate::schema::EventKind;

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
        href: None,
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
    assert!(svg.contains("<desc id=\"tl-desc\">6 events in 3 rows, 2020 to 5 June 2025.</desc>"));
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
