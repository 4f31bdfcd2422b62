//! Markdown to HTML, with the rules Chinese text needs.
//!
//! On top of CommonMark (pulldown-cmark, with tables, footnotes, strikethrough, task lists and
//! heading attributes; smart punctuation off), this module:
//! - drops a soft line break between two CJK characters (editors hard-wrap Chinese paragraphs,
//!   and a space there reads as a typo);
//! - pairs `*`, `_` and `~~` by CommonMark's CJK-friendly amendments (`**真，**她`), in
//!   inline text only ([`cjk_emphasis`]);
//! - gives headings readable ids that keep Chinese characters (`## 监管模式` → `监管模式`),
//!   with `-1`, `-2` for repeats, never an id the theme or a footnote uses ([`ids`]);
//! - resolves `@/section/page.md#anchor` links and `[@source-id]` citations through a
//!   [`LinkResolver`], recording each with its line for the site's checks;
//! - computes a table of contents, a summary and a reading time.

mod cjk_emphasis;
mod ids;
mod links;
mod text;

use std::collections::HashSet;

use pulldown_cmark::{BrokenLink, CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

pub use ids::{RESERVED_IDS, slugify};
pub(crate) use text::collapse_spaces;
pub use text::is_cjk;
use text::{Positions, count_words, drop_cjk_soft_breaks, push_collapsed, push_space};

/// What the Markdown renderer needs from the site.
pub trait LinkResolver {
    /// Resolves the path of an `@/` link (without `@/` and anchor, e.g. `regions/beijing.md`)
    /// to (page key, URL), or says why it cannot.
    fn resolve(&self, path: &str) -> Result<(String, String), String>;
    /// The URL of a file that sits next to the page's Markdown (relative link `rel`), if any.
    fn asset(&self, rel: &str) -> Option<String>;
    /// True if a source with this id is in the registry.
    fn source_exists(&self, id: &str) -> bool;
    /// The id of a source in the registry near enough to `id` to be what was meant, if any.
    fn nearest_source(&self, _id: &str) -> Option<String> {
        None
    }
}

/// A link from this page to another page, for anchor checks and backlinks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLink {
    /// The target page's key.
    pub key: String,
    /// The `#anchor`, if any.
    pub anchor: Option<String>,
    /// 1-based line in the body text.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A problem in the body, positioned in body lines (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError {
    /// 1-based line in the body text.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: String,
}

/// One heading in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    /// 1–6.
    pub level: u8,
    /// The heading id (anchor).
    pub id: String,
    /// The heading text.
    pub title: String,
    /// Deeper headings under this one.
    pub children: Vec<TocEntry>,
}

/// A rendered Markdown body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The body HTML.
    pub html: String,
    /// HTML of the summary: above `<!-- more -->`, else the first paragraph.
    pub summary: String,
    /// Table of contents.
    pub toc: Vec<TocEntry>,
    /// Every heading id.
    pub anchors: HashSet<String>,
    /// Links to other pages.
    pub links: Vec<PageLink>,
    /// Cited source ids in order of first citation.
    pub citations: Vec<String>,
    /// How many times each of `citations` is cited so far (same order): the k-th citation
    /// of source n carries the id `cite-n-k`, which the source list links back to.
    pub citation_counts: Vec<usize>,
    /// Words: CJK characters plus non-CJK words.
    pub word_count: usize,
    /// Minutes, at least 1.
    pub reading_time: usize,
    /// The readable text, for the search index: what the page shows without markup, raw
    /// HTML or citation markers; blocks separated by one space, no line break between two
    /// Chinese characters.
    pub text: String,
    /// Problems found.
    pub errors: Vec<BodyError>,
}

/// Parser options: CommonMark plus the extensions atlas documents. No smart punctuation.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

const CITE_PREFIX: &str = "@cite:";

/// Parses a body with atlas's options and rules of emphasis: the events, with source offsets.
/// With `citations`, `[@id]` comes out as a link to `@cite:@id`.
fn parse(src: &str, citations: bool) -> Vec<(Event<'_>, std::ops::Range<usize>)> {
    let callback = |link: BrokenLink<'_>| -> Option<(CowStr<'_>, CowStr<'_>)> {
        let r = link.reference.trim();
        if citations && r.starts_with('@') {
            Some((format!("{CITE_PREFIX}{r}").into(), "".into()))
        } else {
            None
        }
    };
    let parser = Parser::new_with_broken_link_callback(src, options(), Some(callback));
    let events = parser.into_offset_iter().collect();
    // The one place atlas's emphasis rule is applied. With a pulldown-cmark that has
    // `Options::ENABLE_CJK_FRIENDLY_EMPHASIS`: add it to `options()` and return `events`.
    cjk_emphasis::apply(src, events)
}

/// The HTML of a body with atlas's options and emphasis rules and nothing else: no heading
/// ids, no links or citations resolved, soft breaks kept. For comparing the emphasis with
/// plain pulldown-cmark and other implementations, and for the fuzzers.
pub fn emphasis_html(body: &str) -> String {
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parse(body, false).into_iter().map(|(e, _)| e));
    html
}

/// Renders a Markdown body.
pub fn render(src: &str, resolver: &dyn LinkResolver) -> Rendered {
    let mut out = Rendered::default();
    let mut events = parse(src, true);
    let positions = Positions::new(src);

    ids::assign_heading_ids(&mut events, &mut out, &positions);
    drop_cjk_soft_breaks(&mut events);

    let mut final_events: Vec<Event> = Vec::with_capacity(events.len());
    let mut summary_end: Option<usize> = None;
    let mut first_para_end: Option<usize> = None;
    let mut depth = 0usize;
    let mut skip_until_link_end = false;
    let mut cjk = 0usize;
    let mut words = 0usize;
    let mut in_code_block = false;
    let mut in_image = 0usize;
    let mut text = String::with_capacity(src.len());
    for (event, range) in events {
        let pos = || positions.at(range.start);
        if skip_until_link_end {
            if matches!(event, Event::End(TagEnd::Link)) {
                skip_until_link_end = false;
            }
            continue;
        }
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(t) if !in_code_block => {
                let (c, w) = count_words(t);
                cjk += c;
                words += w;
            }
            _ => {}
        }
        match &event {
            Event::Text(t) | Event::Code(t) => push_collapsed(&mut text, t),
            // Soft breaks left are not between two Chinese characters.
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::FootnoteDefinition,
            ) => push_space(&mut text),
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with(CITE_PREFIX) => {
                // The marker goes, and so does the space before it (`text [@a]。`).
                text.truncate(text.trim_end().len());
            }
            _ => {}
        }
        match event {
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                let image = matches!(tag, Tag::Image { .. });
                let dest_url = links::dest_of(&tag);
                if let Some(ids) = dest_url.strip_prefix(CITE_PREFIX) {
                    let (line, column) = pos();
                    if image {
                        out.errors.push(BodyError {
                            line,
                            column,
                            message: format!("image ![...][{ids}] refers to a citation, not to an image"),
                            hint: "give the image a file or URL, ![description](map.png), and cite after it: ![...](map.png) [@id]".into(),
                        });
                    } else {
                        let place = if in_image > 0 {
                            Some("in an image's description")
                        } else if links::inside_link_text(src, &range) {
                            Some("in a link's text")
                        } else {
                            None
                        };
                        if let Some(place) = place {
                            out.errors.push(BodyError {
                                line,
                                column,
                                message: format!(
                                    "citation [{ids}] {place}: it would not show as a citation"
                                ),
                                hint: "put the citation after the link or image: [text](url) [@id]"
                                    .into(),
                            });
                        }
                        let html = links::citation_html(ids, resolver, &mut out, line, column);
                        // The number sits on the cited text: the space or line break an editor
                        // leaves before `[@a]` goes, so that no line can start with the number.
                        trim_trailing_space(&mut final_events);
                        final_events.push(Event::InlineHtml(html.into()));
                        skip_until_link_end = true;
                        continue;
                    }
                }
                let dest = links::rewrite_dest(dest_url, resolver, &mut out, pos);
                if image {
                    in_image += 1;
                }
                depth += 1;
                final_events.push(Event::Start(links::with_dest(tag, dest)));
            }
            Event::Html(ref h) | Event::InlineHtml(ref h)
                if h.trim() == "<!-- more -->" && summary_end.is_none() =>
            {
                summary_end = Some(final_events.len());
            }
            Event::Start(t) => {
                depth += 1;
                final_events.push(Event::Start(t));
            }
            Event::End(t) => {
                if t == TagEnd::Image {
                    in_image = in_image.saturating_sub(1);
                }
                depth = depth.saturating_sub(1);
                let is_para = matches!(t, TagEnd::Paragraph);
                final_events.push(Event::End(t));
                if is_para && depth == 0 && first_para_end.is_none() {
                    first_para_end = Some(final_events.len());
                }
            }
            e => final_events.push(e),
        }
    }
    if text.ends_with(' ') {
        text.pop();
    }
    text.shrink_to_fit();
    out.text = text;
    out.word_count = cjk + words;
    // About 400 Chinese characters or 220 English words a minute.
    out.reading_time = ((cjk as f64 / 400.0 + words as f64 / 220.0).ceil() as usize).max(1);

    let summary_events: &[Event] = match (summary_end, first_para_end) {
        (Some(end), _) => &final_events[..end],
        (None, Some(end)) => {
            let start = final_events
                .iter()
                .position(|e| matches!(e, Event::Start(Tag::Paragraph)))
                .unwrap_or(0);
            &final_events[start..end]
        }
        _ => &[],
    };
    pulldown_cmark::html::push_html(&mut out.summary, summary_events.iter().cloned());
    // The summary first: the body then takes the events without copying them.
    let mut html = String::with_capacity(src.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, final_events.into_iter());
    html.shrink_to_fit(); // the capacity estimate leaves ~20% unused (25 MiB at 10,000 pages)
    out.html = html;
    out
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::new();
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

/// Removes the white space at the end of the rendered events: trailing soft breaks, and the
/// trailing spaces of the last text.
fn trim_trailing_space(events: &mut Vec<Event<'_>>) {
    loop {
        match events.last_mut() {
            Some(Event::SoftBreak) => {
                events.pop();
            }
            Some(Event::Text(t)) => {
                let kept = t.trim_end().len();
                if kept == t.len() {
                    return;
                }
                if kept == 0 {
                    events.pop();
                } else {
                    *t = CowStr::from(t[..kept].to_string());
                    return;
                }
            }
            _ => return,
        }
    }
}
