//! `textDocument/references`: a page's backlinks and a source's citations, across the site.
//!
//! Takes the buffer, the cursor and the workspace; gives every `@/` link to the page under the
//! cursor (a link's target, else the page being edited), or every use of the source under the
//! cursor (`[@id]` citations in bodies, `source`/`sources` values in front matter). Must not
//! change anything; the files are read as the editor holds them.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use lsp_types::Location;

use super::definition::id_in;
use super::position::{self, Encoding};
use super::state::Workspace;
use super::syntax::{self, Ctx, Ref};

/// Every content file of the snapshot (absolute paths) with its current text.
fn files(ws: &Workspace) -> Vec<(PathBuf, String)> {
    let set: BTreeSet<PathBuf> = ws
        .snapshot()
        .pages
        .iter()
        .map(|p| ws.root().join(&p.file))
        .collect();
    set.into_iter()
        .filter_map(|p| {
            let t = ws.text(&p)?;
            Some((p, t))
        })
        .collect()
}

/// Every `@/` link to the page `key`: (file, its text, the byte range of the link's path).
pub fn links_to(ws: &Workspace, key: &str) -> Vec<(PathBuf, String, Vec<Range<usize>>)> {
    files(ws)
        .into_iter()
        .filter_map(|(p, t)| {
            let ranges: Vec<Range<usize>> = syntax::refs(&t)
                .into_iter()
                .filter_map(|r| match r {
                    Ref::Link { path, range } if path.strip_suffix(".md") == Some(key) => {
                        Some(range)
                    }
                    _ => None,
                })
                .collect();
            (!ranges.is_empty()).then_some((p, t, ranges))
        })
        .collect()
}

/// Byte ranges of the quoted values equal to `value` of the front matter keys `keys`.
pub fn front_values(text: &str, keys: &[&str], value: &str) -> Vec<Range<usize>> {
    let Some(front) = syntax::front_range(text) else {
        return Vec::new();
    };
    let quoted = format!("\"{value}\"");
    let mut out = Vec::new();
    let mut at = front.start;
    for line in text[front.clone()].split_inclusive('\n') {
        if let Some((k, v)) = line.split_once('=') {
            if keys.contains(&k.trim()) {
                let v_at = at + k.len() + 1;
                for (i, _) in v.match_indices(&quoted) {
                    out.push(v_at + i + 1..v_at + i + 1 + value.len());
                }
            }
        }
        at += line.len();
    }
    out
}

/// Every use of the source `id`: citations and front matter values.
fn citations_of(ws: &Workspace, id: &str) -> Vec<(PathBuf, String, Vec<Range<usize>>)> {
    files(ws)
        .into_iter()
        .filter_map(|(p, t)| {
            let mut ranges: Vec<Range<usize>> = front_values(&t, &["source", "sources"], id);
            ranges.extend(syntax::refs(&t).into_iter().filter_map(|r| match r {
                Ref::Cite { id: i, range } if i == id => Some(range),
                _ => None,
            }));
            (!ranges.is_empty()).then_some((p, t, ranges))
        })
        .collect()
}

fn locations(found: Vec<(PathBuf, String, Vec<Range<usize>>)>, enc: Encoding) -> Vec<Location> {
    found
        .into_iter()
        .flat_map(|(p, t, ranges)| {
            let uri = position::uri(&p);
            ranges.into_iter().map(move |r| Location {
                uri: uri.clone(),
                range: position::range(&t, r, enc),
            })
        })
        .collect()
}

/// The references at byte `offset` of `text` (the buffer of `path`).
pub fn references(
    ws: &Workspace,
    path: &Path,
    text: &str,
    offset: usize,
    include_declaration: bool,
    enc: Encoding,
) -> Vec<Location> {
    let source = |id: &str| {
        let mut out = Vec::new();
        if include_declaration {
            let reg = ws.root().join(crate::data::SOURCES_FILE);
            if let Some(t) = ws.text(&reg) {
                if let Some(r) = id_in(&t, id) {
                    out.push(Location {
                        uri: position::uri(&reg),
                        range: position::range(&t, r, enc),
                    });
                }
            }
        }
        out.extend(locations(citations_of(ws, id), enc));
        out
    };
    let page = |key: &str| locations(links_to(ws, key), enc);
    match syntax::at(text, offset) {
        Ctx::Link { path: p, .. } => page(p.strip_suffix(".md").unwrap_or(&p)),
        Ctx::Citation { id, .. } => source(&id),
        Ctx::Value { key, value, .. } if key == "source" || key == "sources" => source(&value),
        _ => match ws.page_at(path) {
            Some(p) => page(&p.key()),
            None => Vec::new(),
        },
    }
}
