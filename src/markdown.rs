//! Markdown to HTML, with the rules Chinese text needs.
//!
//! On top of CommonMark (pulldown-cmark, with tables, footnotes, strikethrough, task lists and
//! heading attributes; smart punctuation off), this module:
//! - drops a soft line break between two CJK characters (editors hard-wrap Chinese paragraphs,
//!   and a space there reads as a typo);
//! - lets emphasis open or close next to full-width punctuation (`**真，**她`), which
//!   CommonMark's flanking rules otherwise refuse;
//! - gives headings readable ids that keep Chinese characters (`## 监管模式` → `监管模式`),
//!   with `-1`, `-2` for repeats;
//! - resolves `@/section/page.md#anchor` links and `[@source-id]` citations through a
//!   [`LinkResolver`], recording each with its line for the site's checks;
//! - computes a table of contents, a summary and a reading time.

use std::borrow::Cow;
use std::collections::HashSet;

use pulldown_cmark::{BrokenLink, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// What the Markdown renderer needs from the site.
pub trait LinkResolver {
    /// Resolves the path of an `@/` link (without `@/` and anchor, e.g. `regions/beijing.md`)
    /// to (page key, URL), or says why it cannot.
    fn resolve(&self, path: &str) -> Result<(String, String), String>;
    /// The URL of a file that sits next to the page's Markdown (relative link `rel`), if any.
    fn asset(&self, rel: &str) -> Option<String>;
    /// True if a source with this id is in the registry.
    fn source_exists(&self, id: &str) -> bool;
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
/// An empty HTML comment: punctuation to the flanking rules, invisible, dropped on output.
const JOINER: &str = "<!---->";

/// Renders a Markdown body.
pub fn render(body: &str, resolver: &dyn LinkResolver) -> Rendered {
    let src = fix_cjk_emphasis(body);
    let src: &str = &src;
    let mut out = Rendered::default();
    let mut callback = |link: BrokenLink<'_>| -> Option<(CowStr<'_>, CowStr<'_>)> {
        let r = link.reference.trim();
        if r.starts_with('@') {
            Some((format!("{CITE_PREFIX}{r}").into(), "".into()))
        } else {
            None
        }
    };
    let parser = Parser::new_with_broken_link_callback(src, options(), Some(&mut callback));
    let mut events: Vec<(Event, std::ops::Range<usize>)> = parser.into_offset_iter().collect();

    assign_heading_ids(&mut events, &mut out);
    drop_cjk_soft_breaks(&mut events);

    let mut final_events: Vec<Event> = Vec::with_capacity(events.len());
    let mut summary_end: Option<usize> = None;
    let mut first_para_end: Option<usize> = None;
    let mut depth = 0usize;
    let mut skip_until_link_end = false;
    let mut cjk = 0usize;
    let mut words = 0usize;
    let mut in_code_block = false;
    let positions = Positions::new(src);
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
                    let html = citation_html(ids, resolver, &mut out, l, c);
                    final_events.push(Event::InlineHtml(html.into()));
                    skip_until_link_end = true;
                    continue;
                }
                let dest = rewrite_dest(&dest_url, resolver, &mut out, pos);
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
                let dest = rewrite_dest(&dest_url, resolver, &mut out, pos);
                depth += 1;
                final_events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::InlineHtml(ref h) if h.as_ref() == JOINER => {}
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

/// Words separated by single spaces, no space at either end.
pub(crate) fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_collapsed(&mut out, s);
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Appends `s` to text kept collapsed ([`collapse_spaces`], but a space may end it): its
/// white space becomes one space, none at the start of `out` and none doubled.
fn push_collapsed(out: &mut String, s: &str) {
    // White space is ASCII, or a character whose first byte is one of 0xC2, 0xE1, 0xE2,
    // 0xE3 (U+0085, U+00A0, U+1680, U+2000-U+205F, U+3000): other characters, ideographs
    // among them, are copied without being decoded.
    let b = s.as_bytes();
    let (mut i, mut start) = (0, 0);
    while i < b.len() {
        let space = match b[i] {
            0x09..=0x0D | b' ' => 1,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => match s[i..].chars().next() {
                Some(c) if c.is_whitespace() => c.len_utf8(),
                _ => 0,
            },
            _ => 0,
        };
        if space == 0 {
            i += 1;
            continue;
        }
        out.push_str(&s[start..i]);
        push_space(out);
        i += space;
        start = i;
    }
    out.push_str(&s[start..]);
}

/// One space after the text, unless it is empty or ends with one.
fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// 1-based (line, column) of byte offsets in one text, asked for in increasing order: linear
/// in the text's length overall (counting from the start for each would be quadratic, which
/// a 10 MB page with thousands of links makes minutes long).
struct Positions<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// The last answer: (offset, line, column).
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Positions {
            text,
            line_starts,
            last: std::cell::Cell::new((0, 1, 1)),
        }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let (last_offset, last_line, last_col) = self.last.get();
        let (from, col) = if last_line == line && (start..=offset).contains(&last_offset) {
            (last_offset, last_col)
        } else {
            (start, 1)
        };
        let col = col + self.text[from..offset].chars().count();
        self.last.set((offset, line, col));
        (line, col)
    }
}

fn rewrite_dest<'a>(
    dest: &CowStr<'a>,
    resolver: &dyn LinkResolver,
    out: &mut Rendered,
    pos: impl Fn() -> (usize, usize),
) -> CowStr<'a> {
    if let Some(target) = dest.strip_prefix("@/") {
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string())),
            None => (target, None),
        };
        let (line, column) = pos();
        return match resolver.resolve(path) {
            Ok((key, url)) => {
                out.links.push(PageLink {
                    key,
                    anchor: anchor.clone(),
                    line,
                    column,
                });
                match anchor {
                    Some(a) => format!("{url}#{a}").into(),
                    None => url.into(),
                }
            }
            Err(msg) => {
                out.errors.push(BodyError {
                    line,
                    column,
                    message: format!("broken link @/{target}: {msg}"),
                    hint: "link to an existing file as @/<section>/<slug>.md (without the language), e.g. @/regions/beijing.md".into(),
                });
                dest.clone()
            }
        };
    }
    let is_relative = !dest.is_empty()
        && !dest.starts_with('/')
        && !dest.starts_with('#')
        && !dest.contains(':')
        && !dest.starts_with("//");
    if is_relative {
        let path = dest.split(['#', '?']).next().unwrap_or("");
        if let Some(url) = resolver.asset(path) {
            let rest = &dest[path.len()..];
            return format!("{url}{rest}").into();
        }
    }
    dest.clone()
}

fn citation_html(
    ids: &str,
    resolver: &dyn LinkResolver,
    out: &mut Rendered,
    line: usize,
    column: usize,
) -> String {
    let mut parts = Vec::new();
    for id in ids
        .split([',', ';'])
        .map(|s| s.trim().trim_start_matches('@'))
    {
        if id.is_empty() {
            continue;
        }
        if !resolver.source_exists(id) {
            out.errors.push(BodyError {
                line,
                column,
                message: format!("citation [@{id}]: no source with id `{id}`"),
                hint: "add it to data/sources.toml, or fix the id".into(),
            });
            continue;
        }
        let n = match out.citations.iter().position(|c| c == id) {
            Some(i) => i + 1,
            None => {
                out.citations.push(id.to_string());
                out.citations.len()
            }
        };
        let id_esc = escape_html(id);
        parts.push(format!("<a href=\"#src-{id_esc}\">{n}</a>"));
    }
    format!("<sup class=\"cite\">[{}]</sup>", parts.join(", "))
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::new();
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

fn assign_heading_ids(events: &mut [(Event, std::ops::Range<usize>)], out: &mut Rendered) {
    // Explicit ids first, so generated ones avoid them.
    let mut used: HashSet<String> = events
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
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
                    let base = slugify(&text);
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

/// True for Chinese and Japanese characters and full-width punctuation: scripts written
/// without spaces between words. Hangul is left out (Korean uses spaces).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // kana
        | 0x3100..=0x312F    // bopomofo
        | 0x31C0..=0x31EF    // strokes
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // compatibility forms
        | 0xFF00..=0xFFEF    // full-width forms
        | 0x20000..=0x3134F) // extensions B–G
}

/// Full-width and CJK punctuation, next to which emphasis must still work.
fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFE30..=0xFE4F | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || is_cjk_punct(c) || matches!(c as u32, 0x2000..=0x206F)
}

fn count_words(t: &str) -> (usize, usize) {
    let mut cjk = 0;
    let mut words = 0;
    let mut in_word = false;
    for c in t.chars() {
        if c.is_ascii() {
            // The common case, without the Unicode tables.
            if c.is_ascii_alphanumeric() {
                if !in_word {
                    words += 1;
                }
                in_word = true;
            } else if c.is_whitespace() || c.is_ascii_punctuation() {
                in_word = c == '\'' && in_word;
            }
            continue;
        }
        if is_cjk(c) {
            if !is_cjk_punct(c) {
                cjk += 1;
            }
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                words += 1;
            }
            in_word = true;
        } else if c.is_whitespace() || is_punct(c) {
            in_word = c == '\'' && in_word;
        }
    }
    (cjk, words)
}

/// Makes `*`/`**` runs next to full-width punctuation work as emphasis, by putting an empty
/// HTML comment (punctuation to CommonMark, invisible, removed on output) on the other side
/// of the run. Code spans and fenced code blocks are left alone.
pub fn fix_cjk_emphasis(src: &str) -> Cow<'_, str> {
    if !star_next_to_cjk_punct(src) {
        return Cow::Borrowed(src);
    }
    let mut out = String::with_capacity(src.len() + 64);
    let mut fence: Option<(char, usize)> = None;
    for line in src.split_inclusive('\n') {
        let t = line.trim_start();
        let fence_char = t.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(fc) = fence_char {
            let n = t.chars().take_while(|c| *c == fc).count();
            if n >= 3 {
                match fence {
                    None => fence = Some((fc, n)),
                    Some((c, len))
                        if c == fc && n >= len && t.trim_end().chars().all(|x| x == fc) =>
                    {
                        fence = None
                    }
                    _ => {}
                }
                out.push_str(line);
                continue;
            }
        }
        if fence.is_some() || !line.contains('*') {
            out.push_str(line);
            continue;
        }
        fix_line(line, &mut out);
    }
    Cow::Owned(out)
}

/// True if a run of `*` has full-width punctuation right before or after it: the only case
/// [`fix_cjk_emphasis`] changes (a quick test on the `*`s alone, most bodies have none).
fn star_next_to_cjk_punct(src: &str) -> bool {
    let b = src.as_bytes();
    let mut i = 0;
    while let Some(k) = b[i..].iter().position(|&c| c == b'*') {
        let start = i + k;
        let end = start + b[start..].iter().take_while(|&&c| c == b'*').count();
        let before = src[..start].chars().next_back();
        let after = src[end..].chars().next();
        if before.is_some_and(is_cjk_punct) || after.is_some_and(is_cjk_punct) {
            return true;
        }
        i = end;
        if i >= b.len() {
            break;
        }
    }
    false
}

fn fix_line(line: &str, out: &mut String) {
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            // Copy a code span through unchanged.
            let n = chars[i..].iter().take_while(|&&x| x == '`').count();
            let mut j = i + n;
            let mut close = None;
            while j < chars.len() {
                if chars[j] == '`' {
                    let m = chars[j..].iter().take_while(|&&x| x == '`').count();
                    if m == n {
                        close = Some(j + m);
                        break;
                    }
                    j += m;
                } else {
                    j += 1;
                }
            }
            let end = close.unwrap_or(i + n);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if c == '\\' && i + 1 < chars.len() {
            out.push(c);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == '*' {
            let n = chars[i..].iter().take_while(|&&x| x == '*').count();
            let prev = if i > 0 { Some(chars[i - 1]) } else { None };
            let next = chars.get(i + n).copied();
            let solid = |x: Option<char>| x.is_some_and(|x| !x.is_whitespace() && !is_punct(x));
            let opens_before = next.is_some_and(is_cjk_punct) && solid(prev);
            let closes_after = prev.is_some_and(is_cjk_punct) && solid(next);
            if opens_before {
                out.push_str(JOINER);
            }
            out.extend(std::iter::repeat_n('*', n));
            if closes_after {
                out.push_str(JOINER);
            }
            i += n;
            continue;
        }
        out.push(c);
        i += 1;
    }
}

/// Removes soft breaks between two CJK characters (looking through inline tags).
fn drop_cjk_soft_breaks(events: &mut Vec<(Event, std::ops::Range<usize>)>) {
    let mut remove = Vec::new();
    for i in 0..events.len() {
        if !matches!(events[i].0, Event::SoftBreak) {
            continue;
        }
        let before = events[..i]
            .iter()
            .rev()
            .find_map(|(e, _)| edge_char(e, true));
        let after = events[i + 1..]
            .iter()
            .find_map(|(e, _)| edge_char(e, false));
        if let (Some(Some(a)), Some(Some(b))) = (before, after) {
            if is_cjk(a) && is_cjk(b) {
                remove.push(i);
            }
        }
    }
    // One pass: removing them one by one would move the rest of the events each time.
    let mut remove = remove.into_iter().peekable();
    let mut i = 0;
    events.retain(|_| {
        let drop = remove.next_if_eq(&i).is_some();
        i += 1;
        !drop
    });
}

/// For looking across a soft break: `None` to keep looking (an inline tag boundary),
/// `Some(None)` to stop with no character, `Some(Some(c))` for the character at the edge.
fn edge_char(e: &Event, last: bool) -> Option<Option<char>> {
    match e {
        Event::Text(t) | Event::Code(t) => Some(if last {
            t.chars().last()
        } else {
            t.chars().next()
        }),
        Event::InlineHtml(h) if h.as_ref() == JOINER => None,
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
        | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link) => {
            None
        }
        _ => Some(None),
    }
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
