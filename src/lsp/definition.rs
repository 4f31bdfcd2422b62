//! `textDocument/definition`: where a link, a citation, a dimension id or a region slug
//! points.
//!
//! Takes the buffer, the cursor and the workspace; gives the target page's file in the file's
//! language (at the heading of an `#anchor`), the `id = "..."` line of a source in
//! data/sources.toml or of a dimension in data/dimensions.toml, or a `parent`/`regions` slug's
//! region page. Must not change anything.

use std::path::Path;

use lsp_types::{Location, Range};

use super::completion::headings;
use super::position::{self, Encoding};
use super::state::Workspace;
use super::syntax::{self, Ctx};
use crate::data::{DIMENSIONS_FILE, SOURCES_FILE};

/// The byte range of `X` in the line `id = "X"` of a TOML registry.
pub fn id_in(text: &str, id: &str) -> Option<std::ops::Range<usize>> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("id") {
            let rest = rest.trim_start();
            if let Some(v) = rest.strip_prefix('=') {
                let v = v.trim();
                if v.trim_matches(|c| c == '"' || c == '\'') == id {
                    let s = at + line.find(id).unwrap_or(0);
                    return Some(s..s + id.len());
                }
            }
        }
        at += line.len();
    }
    None
}

/// A location in a registry file of the site.
fn in_registry(ws: &Workspace, file: &str, id: &str, enc: Encoding) -> Option<Location> {
    let path = ws.root().join(file);
    let text = ws.text(&path)?;
    let r = id_in(&text, id)?;
    Some(Location {
        uri: position::uri(&path),
        range: position::range(&text, r, enc),
    })
}

/// The file of the page with `key` in `lang` (or another language), at the heading `anchor`.
pub fn page_location(
    ws: &Workspace,
    key: &str,
    lang: &str,
    anchor: Option<&str>,
    enc: Encoding,
) -> Option<Location> {
    let page = ws.page(key, lang)?;
    let path = ws.root().join(&page.file);
    let mut range = Range::default();
    if let Some(a) = anchor {
        // The n-th heading of the render is the n-th heading line of the body.
        let n = headings(page).iter().position(|(id, _)| id == a);
        let text = ws.text(&path).unwrap_or_default();
        let body = syntax::body_start(&text);
        let mut at = body;
        let mut count = 0;
        let mut fence = false;
        for line in text[body..].split_inclusive('\n') {
            let t = line.trim_start();
            if t.starts_with("```") || t.starts_with("~~~") {
                fence = !fence;
            } else if !fence && t.starts_with('#') {
                if Some(count) == n {
                    range = position::range(&text, at..at + line.trim_end().len(), enc);
                    break;
                }
                count += 1;
            }
            at += line.len();
        }
    }
    Some(Location {
        uri: position::uri(&path),
        range,
    })
}

/// The definition at byte `offset` of `text` (the buffer of `path`).
pub fn definition(
    ws: &Workspace,
    path: &Path,
    text: &str,
    offset: usize,
    enc: Encoding,
) -> Option<Location> {
    let lang = ws.lang_of(path).unwrap_or_default();
    match syntax::at(text, offset) {
        Ctx::Link {
            path: p, anchor, ..
        } => page_location(
            ws,
            p.strip_suffix(".md").unwrap_or(&p),
            &lang,
            anchor.as_deref(),
            enc,
        ),
        Ctx::Citation { id, .. } => in_registry(ws, SOURCES_FILE, &id, enc),
        Ctx::Dimension { id, .. } => in_registry(ws, DIMENSIONS_FILE, &id, enc),
        Ctx::Value {
            table, key, value, ..
        } => match (table.as_str(), key.as_str()) {
            (_, "source" | "sources") => in_registry(ws, SOURCES_FILE, &value, enc),
            ("region", "parent") | ("drug", "regions") => page_location(
                ws,
                &format!("{}/{value}", crate::site::REGIONS),
                &lang,
                None,
                enc,
            ),
            _ => None,
        },
        _ => None,
    }
}
