//! `textDocument/completion`: what can be typed at the cursor.
//!
//! Takes the buffer, the cursor and the workspace's last snapshot; gives front-matter keys of
//! the table the cursor is in (from the schema), enum values (region kinds, drug statuses,
//! event kinds, yes/no/partial of a dimension), region slugs in `parent` and `regions`, source
//! ids in `source`/`sources` and after `[@`, dimension ids in `[region.compare.`, and `@/`
//! link targets (section, page, then the target's heading ids, in the file's language).
//! Must not change anything.

use std::collections::BTreeMap;
use std::path::Path;

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent,
    MarkupKind, TextEdit,
};

use super::position::{self, Encoding};
use super::state::Workspace;
use super::syntax::{self, Ctx};
use crate::content::{Kind, SourcePage};
use crate::data::DimensionType;
use crate::markdown::{LinkResolver, TocEntry};
use crate::schema::{DrugStatus, EventKind, RegionKind};

/// A resolver that accepts everything: only the headings of a render are wanted.
struct AnyTarget;

impl LinkResolver for AnyTarget {
    fn resolve(&self, path: &str) -> Result<(String, String), String> {
        Ok((path.to_string(), String::new()))
    }
    fn asset(&self, _: &str) -> Option<String> {
        None
    }
    fn source_exists(&self, _: &str) -> bool {
        true
    }
}

/// The heading ids of a page, in order, with their titles (as the build gives them).
pub fn headings(page: &SourcePage) -> Vec<(String, String)> {
    fn walk(t: &[TocEntry], out: &mut Vec<(String, String)>) {
        for e in t {
            out.push((e.id.clone(), e.title.clone()));
            walk(&e.children, out);
        }
    }
    let mut out = Vec::new();
    walk(
        &crate::markdown::render(&page.body, &AnyTarget).toc,
        &mut out,
    );
    out
}

/// The pages of each key, the one in `lang` first.
fn by_key<'a>(ws: &'a Workspace, lang: &str) -> BTreeMap<String, &'a SourcePage> {
    let mut m: BTreeMap<String, &SourcePage> = BTreeMap::new();
    for p in &ws.snapshot().pages {
        let e = m.entry(p.key()).or_insert(p);
        if p.lang == lang {
            *e = p;
        }
    }
    m
}

fn item(label: String, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label,
        kind: Some(kind),
        detail,
        ..Default::default()
    }
}

/// Region slugs with their titles.
fn regions(ws: &Workspace, lang: &str) -> Vec<CompletionItem> {
    by_key(ws, lang)
        .values()
        .filter(|p| p.section == crate::site::REGIONS && p.kind == Kind::Page)
        .map(|p| {
            item(
                p.stem.clone(),
                CompletionItemKind::REFERENCE,
                Some(p.front.title.clone()),
            )
        })
        .collect()
}

fn sources(ws: &Workspace) -> Vec<CompletionItem> {
    ws.snapshot()
        .data
        .sources
        .iter()
        .map(|s| {
            let mut it = item(
                s.id.clone(),
                CompletionItemKind::REFERENCE,
                Some(s.title.clone()),
            );
            let about: Vec<String> = s
                .publisher_original()
                .into_iter()
                .chain(s.date.map(|d| d.to_string()))
                .collect();
            if !about.is_empty() {
                it.documentation = Some(Documentation::String(about.join(", ")));
            }
            it
        })
        .collect()
}

fn words(all: &str, kind: CompletionItemKind) -> Vec<CompletionItem> {
    all.split(", ")
        .map(|w| item(w.to_string(), kind, None))
        .collect()
}

/// The completions at byte `offset` of `text` (the buffer of `path`).
pub fn complete(
    ws: &Workspace,
    path: &Path,
    text: &str,
    offset: usize,
    enc: Encoding,
) -> Vec<CompletionItem> {
    let lang = ws.lang_of(path).unwrap_or_default();
    let ctx = syntax::at(text, offset);
    let (typed, items) = match ctx {
        Ctx::Link { typed, .. } => {
            if let Some((p, anchor)) = typed.split_once('#') {
                let key = p.strip_suffix(".md").unwrap_or(p);
                let items = ws
                    .page(key, &lang)
                    .map(|page| {
                        headings(page)
                            .into_iter()
                            .map(|(id, title)| item(id, CompletionItemKind::REFERENCE, Some(title)))
                            .collect()
                    })
                    .unwrap_or_default();
                (anchor.to_string(), items)
            } else if let Some((section, seg)) = typed.rsplit_once('/') {
                let items = by_key(ws, &lang)
                    .values()
                    .filter(|p| p.section == section)
                    .map(|p| {
                        item(
                            format!("{}.md", p.stem),
                            CompletionItemKind::FILE,
                            Some(p.front.title.clone()),
                        )
                    })
                    .collect();
                (seg.to_string(), items)
            } else {
                let mut sections: Vec<String> = ws
                    .snapshot()
                    .pages
                    .iter()
                    .filter(|p| !p.section.is_empty())
                    .map(|p| format!("{}/", p.section))
                    .collect();
                sections.sort();
                sections.dedup();
                let items = sections
                    .into_iter()
                    .map(|s| item(s, CompletionItemKind::FOLDER, None))
                    .collect();
                (typed, items)
            }
        }
        Ctx::Citation { typed, .. } => (typed, sources(ws)),
        Ctx::Dimension { typed, .. } => {
            let items = ws
                .snapshot()
                .data
                .dimensions
                .iter()
                .map(|d| {
                    let mut it = item(
                        d.id.clone(),
                        CompletionItemKind::FIELD,
                        d.label.get(&lang).cloned(),
                    );
                    it.documentation = d.description.get(&lang).cloned().map(Documentation::String);
                    it
                })
                .collect();
            (typed, items)
        }
        Ctx::Key { table, typed, .. } => {
            let items = syntax::keys(&table)
                .into_iter()
                .map(|k| item(k, CompletionItemKind::PROPERTY, None))
                .collect();
            (typed, items)
        }
        Ctx::Value {
            table, key, typed, ..
        } => {
            let enum_kind = CompletionItemKind::ENUM_MEMBER;
            let items = match (table.as_str(), key.as_str()) {
                ("region", "kind") => words(RegionKind::ALL, enum_kind),
                ("drug", "status") => words(DrugStatus::ALL, enum_kind),
                ("region.events" | "drug.events", "kind") => words(EventKind::ALL, enum_kind),
                ("region", "parent") | ("drug", "regions") => regions(ws, &lang),
                (_, "source" | "sources") => sources(ws),
                (t, "value") => {
                    let id = t.strip_prefix("region.compare.").unwrap_or("");
                    match ws.snapshot().data.dimension(id).map(|d| d.kind) {
                        Some(DimensionType::YesNoPartial) => {
                            words("yes, no, partial, not_among_named", enum_kind)
                        }
                        _ => Vec::new(),
                    }
                }
                _ => Vec::new(),
            };
            (typed, items)
        }
        Ctx::Other => return Vec::new(),
    };
    let start = offset.saturating_sub(typed.len());
    let range = position::range(text, start..offset, enc);
    items
        .into_iter()
        .filter(|i| i.label.starts_with(&typed))
        .map(|mut i| {
            i.text_edit = Some(CompletionTextEdit::Edit(TextEdit {
                range,
                new_text: i.label.clone(),
            }));
            i
        })
        .collect()
}

/// Markdown text for hover: a bold title and lines.
pub fn markdown(title: &str, lines: &[String]) -> MarkupContent {
    let mut s = format!("**{title}**");
    for l in lines.iter().filter(|l| !l.is_empty()) {
        s.push_str("\n\n");
        s.push_str(l);
    }
    MarkupContent {
        kind: MarkupKind::Markdown,
        value: s,
    }
}
