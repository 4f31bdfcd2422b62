//! One Markdown file as a typed page ([`SourcePage`]): parsing its whole text (byte-order
//! mark, line endings, front matter, body) and the checks on front matter values that
//! parsed but are not acceptable.

use std::path::PathBuf;
use std::sync::Arc;

use super::front_matter::{parse_front_matter, split_front_matter};
use super::{FrontMatter, normalize_alias, valid_slug};
use crate::diagnostics::Diagnostic;

/// What a Markdown file is, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `content/_index.<lang>.md`.
    Home,
    /// `content/<section>/_index.<lang>.md`.
    Section,
    /// `content/<section>/<slug>.<lang>.md`.
    Page,
}

/// One Markdown file, parsed.
#[derive(Debug, Clone)]
pub struct SourcePage {
    /// Path relative to the site root (for messages): `content/regions/beijing.zh.md`.
    pub file: PathBuf,
    /// Language code from the file name.
    pub lang: String,
    /// Home, section or page.
    pub kind: Kind,
    /// Section path (`regions`), empty for the home page.
    pub section: String,
    /// The file stem without language (`beijing`, `_index`).
    pub stem: String,
    /// Parsed front matter.
    pub front: FrontMatter,
    /// The Markdown body (shared: a page kept by the parse cache is handed out again
    /// without copying its text).
    pub body: Arc<str>,
    /// 1-based line number of the first body line in the file.
    pub body_line: usize,
    /// The front matter text (for locating values in messages).
    pub front_text: Arc<str>,
    /// 1-based line of the first front matter line.
    pub front_line: usize,
}

impl SourcePage {
    /// The language-independent key that links and translations use: `regions/beijing`,
    /// `regions/_index`, `_index`.
    pub fn key(&self) -> String {
        if self.section.is_empty() {
            self.stem.clone()
        } else {
            format!("{}/{}", self.section, self.stem)
        }
    }

    /// An error at a value of the front matter, located by key and value text.
    pub fn front_error(&self, key: &str, needle: &str, msg: impl Into<String>) -> Diagnostic {
        let pos = crate::diagnostics::locate(&self.front_text, key, needle)
            .map(|(l, c)| (l + self.front_line - 1, c));
        Diagnostic::error(msg).in_file(&self.file).at_pos(pos)
    }
}

/// Parses the whole text of a Markdown file.
pub fn parse_page(
    text: &str,
    file: PathBuf,
    section: String,
    stem: String,
    lang: String,
    kind: Kind,
) -> Result<SourcePage, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let normalized;
    let text = if text.contains('\r') {
        normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        text
    };
    let split = split_front_matter(text).map_err(|d| vec![d.in_file(&file)])?;
    let front = parse_front_matter(&split).map_err(|d| vec![d.in_file(&file)])?;
    let page = SourcePage {
        file,
        lang,
        kind,
        section,
        stem,
        front,
        body: split.body.into(),
        body_line: split.body_line,
        front_text: split.front.into(),
        front_line: split.front_line,
    };
    let errs = check_front(&page);
    if errs.is_empty() { Ok(page) } else { Err(errs) }
}

/// Checks on values that parsed but are not acceptable.
fn check_front(page: &SourcePage) -> Vec<Diagnostic> {
    let mut errs = Vec::new();
    let f = &page.front;
    if f.title.trim().is_empty() {
        errs.push(
            page.front_error("title", "", "`title` is empty")
                .hint("give the page a title"),
        );
    }
    if let Some(slug) = &f.slug {
        if !valid_slug(slug) {
            errs.push(
                page.front_error(
                    "slug",
                    slug,
                    format!("`slug` = {slug:?} is not a valid URL segment"),
                )
                .hint("use letters, digits and - only; no /, .. or spaces"),
            );
        }
        if page.kind != Kind::Page {
            errs.push(
                page.front_error(
                    "slug",
                    slug,
                    "`slug` only applies to pages, not to _index files",
                )
                .hint("remove it; a section's URL is its folder name"),
            );
        }
    }
    errs.extend(super::inferred::check_inferred(page));
    if let Some(d) = &f.drug {
        if d.price.is_none() {
            if let Some(at) = d.price_as_of {
                errs.push(
                    page.front_error(
                        "price_as_of",
                        "",
                        format!("`price_as_of` = {at} but the page gives no price"),
                    )
                    .hint("remove `price_as_of`, or give the `price` it dates"),
                );
            }
        }
    }
    for alias in &f.aliases {
        if let Err(why) = normalize_alias(alias) {
            errs.push(
                page.front_error("aliases", alias, format!("alias {alias:?} {why}"))
                    .hint("write an alias as a path inside the site, such as \"old-name/\""),
            );
        }
    }
    errs
}
