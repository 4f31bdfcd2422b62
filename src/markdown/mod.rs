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
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(ids) = dest_url.strip_prefix(CITE_PREFIX) {
                    let (l, c) = pos();
                    let place = if in_image > 0 {
                        Some("in an image's description")
                    } else if links::inside_link_text(src, &range) {
                        Some("in a link's text")
                    } else {
                        None
                    };
                    if let Some(place) = place {
                        out.errors.push(BodyError {
                            line: l,
                            column: c,
                            message: format!(
                                "citation [{}] {place}: it would not show as a citation",
                                ids
                            ),
                            hint: "put the citation after the link or image: [text](url) [@id]"
                                .into(),
                        });
                    }
                    let html = links::citation_html(ids, resolver, &mut out, l, c);
                    final_events.push(Event::InlineHtml(html.into()));
                    skip_until_link_end = true;
                    continue;
                }
                let dest = links::rewrite_dest(&dest_url, resolver, &mut out, pos);
                depth += 1;
                final_events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Some(ids) = dest_url.strip_prefix(CITE_PREFIX) {
                    let (line, column) = pos();
                    out.errors.push(BodyError {
                        line,
                        column,
                        message: format!("image ![...][{ids}] refers to a citation, not to an image"),
                        hint: "give the image a file or URL, ![description](map.png), and cite after it: ![...](map.png) [@id]".into(),
                    });
                }
                let dest = links::rewrite_dest(&dest_url, resolver, &mut out, pos);
                in_image += 1;
                depth += 1;
                final_events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
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

#[cfg(test)]
mod tests {
    use super::*;

    struct R;
    impl LinkResolver for R {
        fn resolve(&self, path: &str) -> Result<(String, String), String> {
            match path {
                "regions/beijing.md" => {
                    Ok(("regions/beijing".into(), "/zh/regions/beijing/".into()))
                }
                _ => Err("no such page".into()),
            }
        }
        fn asset(&self, rel: &str) -> Option<String> {
            (rel == "map.png").then(|| "/regions/map.png".to_string())
        }
        fn source_exists(&self, id: &str) -> bool {
            id == "s1" || id == "s2"
        }
    }

    fn html(md: &str) -> String {
        render(md, &R).html
    }

    #[test]
    fn soft_break_between_cjk_is_dropped() {
        assert_eq!(html("中文段落\n继续写"), "<p>中文段落继续写</p>\n");
        assert_eq!(html("句号。\n下一句"), "<p>句号。下一句</p>\n");
        assert_eq!(html("**粗体**\n继续"), "<p><strong>粗体</strong>继续</p>\n");
    }

    #[test]
    fn soft_break_in_mixed_lines_stays() {
        assert_eq!(html("中文\nEnglish"), "<p>中文\nEnglish</p>\n");
        assert_eq!(html("English\n中文"), "<p>English\n中文</p>\n");
        assert_eq!(html("one\ntwo"), "<p>one\ntwo</p>\n");
    }

    #[test]
    fn emphasis_next_to_fullwidth_punctuation() {
        assert_eq!(html("**真，**她"), "<p><strong>真，</strong>她</p>\n");
        assert_eq!(
            html("她说**“好”**吗"),
            "<p>她说<strong>“好”</strong>吗</p>\n"
        );
        assert_eq!(
            html("前，**重要**后"),
            "<p>前，<strong>重要</strong>后</p>\n"
        );
        assert_eq!(html("*斜，*体"), "<p><em>斜，</em>体</p>\n");
        // Code is untouched.
        assert_eq!(html("`**真，**她`"), "<p><code>**真，**她</code></p>\n");
        assert_eq!(
            html("```\n**真，**她\n```"),
            "<pre><code>**真，**她\n</code></pre>\n"
        );
        // Latin text keeps CommonMark's rules.
        assert_eq!(html("**foo.**bar"), "<p>**foo.**bar</p>\n");
    }

    #[test]
    fn heading_ids_keep_chinese_and_dedupe() {
        let r = render(
            "## 监管模式\n\n## 监管模式\n\n## Key events (2024)\n\n### 监管模式\n",
            &R,
        );
        assert!(r.html.contains("<h2 id=\"监管模式\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"监管模式-1\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"key-events-2024\">"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"监管模式-2\">"), "{}", r.html);
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[2].children[0].id, "监管模式-2");
    }

    #[test]
    fn explicit_heading_id_wins() {
        let r = render("## 名字 {#custom}\n\n## custom\n", &R);
        assert!(r.html.contains("id=\"custom\""));
        assert!(r.html.contains("id=\"custom-1\""), "{}", r.html);
    }

    #[test]
    fn links_resolve_and_report_errors_with_lines() {
        let r = render(
            "a [x](@/regions/beijing.md#历史)\n\nb [y](@/regions/nowhere.md)\n",
            &R,
        );
        // The writer percent-encodes the fragment; browsers decode it before matching the id.
        assert!(
            r.html
                .contains("href=\"/zh/regions/beijing/#%E5%8E%86%E5%8F%B2\""),
            "{}",
            r.html
        );
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.links[0].anchor.as_deref(), Some("历史"));
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].line, 3);
        assert!(r.errors[0].message.contains("nowhere"));
    }

    #[test]
    fn citations_are_numbered_and_checked() {
        let r = render("A [@s2]. B [@s1, @s2]. C [@nope].", &R);
        assert_eq!(r.citations, vec!["s2", "s1"]);
        assert!(
            r.html
                .contains("<sup class=\"cite\">[<a href=\"#src-s2\">1</a>]</sup>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("href=\"#src-s1\">2</a>, <a href=\"#src-s2\">1</a>"),
            "{}",
            r.html
        );
        assert_eq!(r.errors.len(), 1);
        assert!(r.errors[0].message.contains("nope"));
    }

    #[test]
    fn assets_are_rewritten() {
        assert!(html("![m](map.png)").contains("src=\"/regions/map.png\""));
        assert!(html("[m](other.png)").contains("href=\"other.png\""));
    }

    #[test]
    fn summary_and_reading_time() {
        let r = render("First para.\n\nSecond.\n", &R);
        assert_eq!(r.summary, "<p>First para.</p>\n");
        let r = render("Intro\n\nmore intro\n\n<!-- more -->\n\nrest\n", &R);
        assert_eq!(r.summary, "<p>Intro</p>\n<p>more intro</p>\n");
        let zh = "字".repeat(800);
        assert_eq!(render(&zh, &R).reading_time, 2);
        assert_eq!(render(&zh, &R).word_count, 800);
        let en = "word ".repeat(440);
        assert_eq!(render(&en, &R).reading_time, 2);
    }

    #[test]
    fn collapse_spaces_is_split_whitespace_joined() {
        let spaces: Vec<char> = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert!(spaces.len() > 20, "{spaces:?}");
        let mut cases = vec![
            String::new(),
            " ".into(),
            "a".into(),
            "  a  b\t\nc ".into(),
            "干细胞\u{3000}治疗\u{a0}x\u{2028}y\u{85}z\u{1680}".into(),
            "é à\u{200b}ü".into(), // U+200B is not white space
        ];
        for c in &spaces {
            cases.push(format!("x{c}y{c}{c}干{c}"));
        }
        for case in cases {
            let want = case.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_spaces(&case), want, "{case:?}");
        }
    }

    #[test]
    fn plain_text_for_search() {
        let md = "## 审批历程\n\n2024 年 7 月，Mesoblast 向 FDA\n重新提交了上市申请 [@news]。见[美国](@/regions/united-states.md)。\n\n<div>raw</div>\n\n- 一\n- **二**\n";
        assert_eq!(
            render(md, &R).text,
            "审批历程 2024 年 7 月，Mesoblast 向 FDA 重新提交了上市申请。见美国。 一 二"
        );
        // A line break between two Chinese characters is no space, also across emphasis.
        assert_eq!(render("干细胞\n疗法", &R).text, "干细胞疗法");
        assert_eq!(render("*干细胞*\n疗法", &R).text, "干细胞疗法");
        assert_eq!(
            render(
                "stem\ncells `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
                &R
            )
            .text,
            "stem cells code a b 1 2"
        );
        // White space of any kind is one space (as collapse_spaces makes it).
        for md in [
            "a\u{3000}\n\n  b\t c  ",
            "  `x   y`  \n\n```\n p \n\n q\n```\n",
            "甲\u{3000}\n乙 [@news]。",
            "",
        ] {
            let t = render(md, &R).text;
            assert_eq!(t, collapse_spaces(&t), "{md:?}");
        }
    }

    #[test]
    fn extensions_enabled() {
        let h = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~ - [x] t\n\nn[^1]\n\n[^1]: f\n");
        assert!(
            h.contains("<table>") && h.contains("<del>") && h.contains("footnote"),
            "{h}"
        );
        // No smart punctuation.
        let h = html("\"q\" -- x...");
        assert!(
            h.contains("q") && h.contains("-- x...") && !h.contains('“') && !h.contains('…'),
            "{h}"
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{}x", "> ".repeat(5000));
        let _ = render(&deep, &R);
        let list: String = (0..3000)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect();
        let _ = render(&list, &R);
    }
}
