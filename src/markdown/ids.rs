//! Heading ids and the table of contents.
//!
//! Takes the parsed events; gives each heading an id (readable, Chinese kept, never one the
//! theme or a footnote uses, repeats numbered) and the nested table of contents. Must not:
//! change anything but the headings' ids.

use std::collections::HashSet;

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use super::text::Positions;
use super::{BodyError, Rendered, TocEntry};

/// Ids the theme's templates give their own elements (themes/atlas/templates): a heading
/// may not take one, or a link to it would land on the theme's element.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "top",
    "toc-title",
    "sources-title",
    "backlinks-title",
    "facts-title",
    "events-title",
    "drugs-title",
    "list-title",
    "recent-title",
    "explore-title",
    "legend-title",
    "coverage-heading",
    "dim-key-title",
    "search-browse-title",
    "timeline-caption",
    "compare-table",
    "cmp-caption",
    "cmp-diff",
    "cmp-filter",
    "cmp-sort",
    "cmp-status",
    "cmp-title",
    "cmp-tools",
    "cmp-tools-box",
];

/// Prefixes of ids the theme makes from data: `src-<source>` (a page's source list),
/// `dim-<dimension>`, `group-<kind>`, `nf-<code>`; and `y<year>` on the timeline.
const RESERVED_PREFIXES: &[&str] = &["src-", "dim-", "group-", "nf-"];

/// True if the theme may use `id` for an element of its own.
fn is_reserved(id: &str) -> bool {
    RESERVED_IDS.contains(&id) || made_by_theme(id)
}

/// True for ids of the theme's data-made kinds (`src-...`, `y2024`...).
fn made_by_theme(id: &str) -> bool {
    RESERVED_PREFIXES.iter().any(|p| id.starts_with(p))
        || id
            .strip_prefix('y')
            .is_some_and(|y| !y.is_empty() && y.bytes().all(|b| b.is_ascii_digit()))
}

pub(super) fn assign_heading_ids(
    events: &mut [(Event, std::ops::Range<usize>)],
    out: &mut Rendered,
    positions: &Positions,
) {
    // Footnotes: pulldown-cmark's HTML uses each label as an id.
    let footnotes: HashSet<&str> = events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::FootnoteReference(l) | Event::Start(Tag::FootnoteDefinition(l)) => {
                Some(l.as_ref())
            }
            _ => None,
        })
        .collect();
    // Explicit ids first, so generated ones avoid them; each may appear once, and never
    // as a theme's or a footnote's id.
    let mut used: HashSet<String> = RESERVED_IDS.iter().map(|s| s.to_string()).collect();
    used.extend(footnotes.iter().map(|s| s.to_string()));
    let mut explicit_lines: std::collections::HashMap<&str, usize> = Default::default();
    let mut errors = Vec::new();
    for (e, range) in events.iter() {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = e {
            let (line, column) = positions.at(range.start);
            let id = id.as_ref();
            if let Some(first) = explicit_lines.get(id) {
                errors.push(BodyError {
                    line,
                    column,
                    // Lines counted back from this one: body lines are not file lines
                    // (the front matter comes first), a distance is the same in both.
                    message: format!(
                        "heading id {{#{id}}} is already the id of the heading {} line{} above",
                        line - first,
                        if line - first == 1 { "" } else { "s" }
                    ),
                    hint: "give each heading its own id, or drop the {#...} to get one made from the title".into(),
                });
                continue;
            }
            explicit_lines.insert(id, line);
            let clash = if is_reserved(id) {
                Some("the theme uses this id for an element of its own")
            } else if footnotes.contains(id) {
                Some("a footnote of this page has this label, which is its id")
            } else {
                None
            };
            if let Some(why) = clash {
                errors.push(BodyError {
                    line,
                    column,
                    message: format!("heading id {{#{id}}} cannot be used: {why}"),
                    hint: format!("choose another id, e.g. {{#section-{id}}}"),
                });
            }
            used.insert(id.to_string());
        }
    }
    drop(footnotes);
    out.errors.extend(errors);
    let mut flat: Vec<(u8, String, String)> = Vec::new();
    // The next number to try for each base id: a page with thousands of headings of the
    // same text would otherwise try 1, 2, 3... again for each one.
    let mut next_n: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let level = heading_level(*level);
            let explicit = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    text.push_str(t);
                }
                j += 1;
            }
            let id = match explicit {
                Some(id) => id,
                None => {
                    let mut base = slugify(&text);
                    if made_by_theme(&base) {
                        base.insert_str(0, "h-");
                    }
                    let mut candidate = base.clone();
                    let n = next_n.entry(base.clone()).or_insert(1);
                    while used.contains(&candidate) {
                        candidate = format!("{base}-{n}");
                        *n += 1;
                    }
                    used.insert(candidate.clone());
                    if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                        *id = Some(candidate.clone().into());
                    }
                    candidate
                }
            };
            out.anchors.insert(id.clone());
            flat.push((level, id, text.trim().to_string()));
            i = j;
        }
        i += 1;
    }
    out.toc = nest_toc(flat);
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn nest_toc(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat {
        let entry = TocEntry {
            level,
            id,
            title,
            children: Vec::new(),
        };
        let mut list = &mut root;
        while list.last().is_some_and(|last| last.level < level) {
            list = &mut list.last_mut().expect("checked").children;
        }
        list.push(entry);
    }
    root
}

/// A heading id: lowercase, letters and digits of any script kept, spaces to `-`, other
/// punctuation dropped. `监管模式` stays `监管模式`; `Key events (2024)` → `key-events-2024`.
pub fn slugify(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' {
            if dash && !s.is_empty() {
                s.push('-');
            }
            dash = false;
            s.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' {
            dash = true;
        }
    }
    if s.is_empty() { "section".into() } else { s }
}
