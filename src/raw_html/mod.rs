//! The raw HTML policy: what in content could run script in a reader's browser, load a
//! plugin, redirect the reader or send a form. Scripts, `on*` event handlers, `javascript:`
//! URLs, `<object>`, `<embed>`, `<iframe srcdoc>`, `<meta http-equiv=refresh>`,
//! `<form action>`, `<base>`, markup hidden in `<noscript>`, SVG animations that set a link to
//! `javascript:`, and `data:` URLs that open as documents.
//!
//! Takes parsed pages (their Markdown bodies: raw HTML and link destinations) and the HTML
//! and SVG files the build copies (from `content/` and the theme's `static/`); gives a
//! [`Diagnostic`] per finding, with its file, line and a hint, as warnings or as errors
//! ([`RawHtmlMode`]). `atlas check` always runs it; `atlas build` and `atlas serve` run it
//! when `[check] raw_html = "error"`. Reads files, changes nothing, and never parses HTML by
//! hand: html5gum tokenizes it (`scan.rs`), `urls.rs` reads URL schemes.

mod scan;
#[cfg(test)]
mod tests;
mod urls;

use std::path::{Path, PathBuf};

use crate::config::RawHtmlMode;
use crate::content::{Asset, SourcePage};
use crate::diagnostics::{Diagnostic, line_col};

/// Every message of this policy starts with one of these (`atlas check` files the build's
/// errors that do under its raw-html category).
const PREFIX: &str = "raw HTML: ";
const LINK_PREFIX: &str = "unsafe link: ";

/// Extensions of the copied files that are read as HTML or SVG.
const MARKUP_FILES: &[&str] = &["html", "htm", "xhtml", "svg"];

/// True if `d` is a finding of this policy.
pub fn is_finding(d: &Diagnostic) -> bool {
    d.message.starts_with(PREFIX) || d.message.starts_with(LINK_PREFIX)
}

/// A finding; `message` starts with [`PREFIX`] or [`LINK_PREFIX`].
fn diagnostic(mode: RawHtmlMode, message: String) -> Diagnostic {
    match mode {
        RawHtmlMode::Warn => Diagnostic::warning(message),
        RawHtmlMode::Error => Diagnostic::error(message),
    }
}

/// Findings in one page's Markdown body: its raw HTML (read as one document, so that an
/// element opened in one block and closed in another is read as a browser reads it) and
/// the destinations of its links and images.
pub fn page(page: &SourcePage, mode: RawHtmlMode) -> Vec<Diagnostic> {
    use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
    let body = &page.body;
    let pos = |offset: usize| {
        let (l, c) = line_col(body, offset);
        (l + page.body_line - 1, c)
    };
    let mut out = Vec::new();
    // The raw HTML pieces joined, with (offset in `html`, offset in the body) of each.
    let mut html = String::new();
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut add = |range: std::ops::Range<usize>| {
        if let Some(text) = body.get(range.start..range.end.min(body.len())) {
            pieces.push((html.len(), range.start));
            html.push_str(text);
            html.push('\n');
        }
    };
    let mut block: Option<usize> = None;
    let parser = Parser::new_ext(body, crate::markdown::options()).into_offset_iter();
    for (event, range) in parser {
        match event {
            Event::Start(Tag::HtmlBlock) => block = Some(range.start),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(start) = block.take() {
                    add(start..range.end);
                }
            }
            Event::InlineHtml(_) | Event::Html(_) if block.is_none() => add(range),
            Event::Start(Tag::Link {
                dest_url,
                link_type,
                ..
            }) => {
                let Some(s) = urls::scheme(&dest_url) else {
                    continue;
                };
                let what = if link_type == LinkType::Autolink {
                    "an autolink"
                } else {
                    "a Markdown link"
                };
                let (l, c) = pos(range.start);
                out.push(
                    diagnostic(mode, format!("{LINK_PREFIX}{} URL in {what}", s.name()))
                        .in_file(&page.file)
                        .at(l, c)
                        .hint(if s.runs_script() {
                            "link to a page (@/section/page.md), a file or an http(s) URL instead"
                        } else {
                            "put the file beside the page in content/ and link to it"
                        }),
                );
            }
            // A picture shown with `data:` is harmless; a script URL is not.
            Event::Start(Tag::Image { dest_url, .. }) => {
                if let Some(s) = urls::scheme(&dest_url).filter(|s| s.runs_script()) {
                    let (l, c) = pos(range.start);
                    out.push(
                        diagnostic(
                            mode,
                            format!("{LINK_PREFIX}{} URL in a Markdown image", s.name()),
                        )
                        .in_file(&page.file)
                        .at(l, c)
                        .hint("show a file that sits beside the page in content/"),
                    );
                }
            }
            _ => {}
        }
    }
    for f in scan::scan(&html) {
        let i = pieces
            .partition_point(|p| p.0 <= f.offset)
            .saturating_sub(1);
        let body_offset = pieces.get(i).map_or(0, |p| p.1 + (f.offset - p.0));
        let (l, c) = pos(body_offset);
        out.push(
            diagnostic(mode, format!("{PREFIX}{}", f.message))
                .in_file(&page.file)
                .at(l, c)
                .hint(f.hint),
        );
    }
    out.sort_by_key(|d| (d.line, d.column));
    out
}

/// Findings in one HTML or SVG file's text; `file` names it in messages.
pub fn markup_file(file: &Path, text: &str, mode: RawHtmlMode) -> Vec<Diagnostic> {
    scan::scan(text)
        .into_iter()
        .map(|f| {
            let (l, c) = line_col(text, f.offset);
            diagnostic(mode, format!("{PREFIX}{}", f.message))
                .in_file(file)
                .at(l, c)
                .hint(f.hint)
        })
        .collect()
}

/// Findings in the HTML and SVG files the build copies: the files under `content/`
/// (`assets`) and under the theme's `static/` folder. Names are relative to `root`.
pub fn copied_files(
    root: &Path,
    theme_dir: &Path,
    assets: &[Asset],
    mode: RawHtmlMode,
) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let is_markup = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| MARKUP_FILES.contains(&e.to_ascii_lowercase().as_str()))
    };
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(theme_dir.join("static"))
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && is_markup(e.path()))
        .map(|e| e.into_path())
        .collect();
    files.extend(
        assets
            .iter()
            .filter(|a| is_markup(&a.source))
            .map(|a| a.source.clone()),
    );
    files
        .par_iter()
        .flat_map(|path| {
            let name = path.strip_prefix(root).unwrap_or(path);
            match std::fs::read(path) {
                Ok(bytes) => markup_file(name, &String::from_utf8_lossy(&bytes), mode),
                // The build reports files it cannot read.
                Err(_) => Vec::new(),
            }
        })
        .collect()
}
