//! `textDocument/hover`: what a link, a citation or a dimension id stands for.
//!
//! Takes the buffer, the cursor and the workspace's snapshot; gives, on an `@/` link (or a
//! region slug in `parent`/`regions`), the target page's title and description in the file's
//! language (and the heading's title for an anchor); on a citation or a `source(s)` value,
//! the source's title, publisher and date; on a dimension id, its label, type and description.
//! Must not change anything.

use std::path::Path;

use lsp_types::{Hover, HoverContents};

use super::completion::{headings, markdown};
use super::position::{self, Encoding};
use super::state::Workspace;
use super::syntax::{self, Ctx};

/// The hover at byte `offset` of `text` (the buffer of `path`).
pub fn hover(
    ws: &Workspace,
    path: &Path,
    text: &str,
    offset: usize,
    enc: Encoding,
) -> Option<Hover> {
    let lang = ws.lang_of(path).unwrap_or_default();
    let data = &ws.snapshot().data;
    let page_hover = |key: &str, anchor: Option<&str>| {
        let page = ws.page(key, &lang)?;
        let mut lines = vec![page.front.description.clone().unwrap_or_default()];
        if let Some(a) = anchor {
            let h = headings(page).into_iter().find(|(id, _)| id == a);
            lines.push(match h {
                Some((_, title)) => format!("§ {title}"),
                None => format!("no heading `#{a}` in this page"),
            });
        }
        lines.push(format!("`{}`", page.file.display()));
        Some(markdown(&page.front.title, &lines))
    };
    let source_hover = |id: &str| {
        let s = data.source(id)?;
        let about: Vec<String> = s
            .publisher_original()
            .into_iter()
            .chain(s.date.as_ref().map(|d| d.to_string()))
            .collect();
        Some(markdown(
            &s.title,
            &[about.join(", "), s.url.clone().unwrap_or_default()],
        ))
    };
    let (content, range) = match syntax::at(text, offset) {
        Ctx::Link {
            path: p,
            anchor,
            range,
            ..
        } => (
            page_hover(p.strip_suffix(".md").unwrap_or(&p), anchor.as_deref())?,
            range,
        ),
        Ctx::Citation { id, range, .. } => (source_hover(&id)?, range),
        Ctx::Value {
            key,
            value,
            range,
            table,
            ..
        } => match (table.as_str(), key.as_str()) {
            (_, "source" | "sources") => (source_hover(&value)?, range),
            ("region", "parent") | ("drug", "regions") => (
                page_hover(&format!("{}/{value}", crate::site::REGIONS), None)?,
                range,
            ),
            _ => return None,
        },
        Ctx::Dimension { id, range, .. } => {
            let d = data.dimension(&id)?;
            let kind = serde_json::to_value(d.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            (
                markdown(
                    d.label.get(&lang).unwrap_or(&d.id),
                    &[
                        format!("type: `{kind}`"),
                        d.description.get(&lang).cloned().unwrap_or_default(),
                    ],
                ),
                range,
            )
        }
        _ => return None,
    };
    Some(Hover {
        contents: HoverContents::Markup(content),
        range: Some(position::range(text, range, enc)),
    })
}
