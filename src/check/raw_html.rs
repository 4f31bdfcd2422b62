//! Raw HTML policy: `<script>` elements, inline event handlers and `javascript:` URLs in a
//! page's Markdown body, which a static, script-free site should not carry. Takes one parsed
//! page; gives warnings with their positions. Changes nothing.

use crate::content::SourcePage;
use crate::diagnostics::{Diagnostic, line_col};

/// `javascript:` URL, read as a browser does: leading spaces and control characters, and
/// tabs or newlines inside the scheme, are ignored.
pub(super) fn is_javascript_url(v: &str) -> bool {
    let cleaned: String = v
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(11)
        .collect();
    cleaned.eq_ignore_ascii_case("javascript:")
}

/// Problems in one piece of raw HTML that starts at byte `at` of the body.
fn scan_html(html: &str, at: usize, page: &SourcePage, out: &mut Vec<Diagnostic>) {
    use html5gum::{DefaultEmitter, Token, Tokenizer};
    let pos = |offset: usize| {
        let (l, c) = line_col(&page.body, at + offset);
        (l + page.body_line - 1, c)
    };
    let tokens = Tokenizer::new_with_emitter(html, DefaultEmitter::<usize>::new_with_span());
    for token in tokens.flatten() {
        let Token::StartTag(tag) = token else {
            continue;
        };
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        if name == "script" {
            let (l, c) = pos(tag.span.start);
            out.push(
                Diagnostic::warning("raw HTML: a <script> element in the page body")
                    .in_file(&page.file)
                    .at(l, c)
                    .hint("the site must work without scripts and load nothing from other hosts: remove it, or put site-wide scripts in the theme"),
            );
        }
        for (attr, value) in &tag.attributes {
            let attr_name = String::from_utf8_lossy(attr).to_ascii_lowercase();
            let value_text = String::from_utf8_lossy(&value.value);
            if attr_name.len() > 2 && attr_name.starts_with("on") {
                // The attribute's name sits just before its value; find it within the tag.
                let tag_text = html.get(tag.span.start..tag.span.end).unwrap_or("");
                let off = tag_text
                    .to_ascii_lowercase()
                    .find(&attr_name)
                    .map_or(tag.span.start, |i| tag.span.start + i);
                let (l, c) = pos(off);
                out.push(
                    Diagnostic::warning(format!(
                        "raw HTML: inline event handler `{attr_name}` on <{name}>"
                    ))
                    .in_file(&page.file)
                    .at(l, c)
                    .hint("remove it: page bodies carry no scripts (use a plain link or Markdown instead)"),
                );
            }
            if is_javascript_url(&value_text) {
                let (l, c) = pos(value.span.start);
                out.push(
                    Diagnostic::warning(format!(
                        "raw HTML: javascript: URL in `{attr_name}` of <{name}>"
                    ))
                    .in_file(&page.file)
                    .at(l, c)
                    .hint("link to a page or a file instead"),
                );
            }
        }
    }
}

/// Raw HTML policy warnings for one page body.
pub(super) fn raw_html(page: &SourcePage) -> Vec<Diagnostic> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let body = &page.body;
    let parser = Parser::new_ext(body, crate::markdown::options()).into_offset_iter();
    let mut block: Option<usize> = None;
    for (event, range) in parser {
        match event {
            Event::Start(Tag::HtmlBlock) => block = Some(range.start),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(start) = block.take() {
                    let end = range.end.min(body.len());
                    if let Some(text) = body.get(start..end) {
                        scan_html(text, start, page, &mut out);
                    }
                }
            }
            Event::InlineHtml(_) | Event::Html(_) if block.is_none() => {
                if let Some(text) = body.get(range.clone()) {
                    scan_html(text, range.start, page, &mut out);
                }
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. })
                if is_javascript_url(&dest_url) =>
            {
                let (l, c) = line_col(body, range.start);
                out.push(
                    Diagnostic::warning("javascript: URL in a Markdown link")
                        .in_file(&page.file)
                        .at(l + page.body_line - 1, c)
                        .hint(
                            "link to a page (@/section/page.md), a file or an http(s) URL instead",
                        ),
                );
            }
            _ => {}
        }
    }
    out
}
