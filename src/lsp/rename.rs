//! `textDocument/rename`: a page's slug, everywhere.
//!
//! Takes the buffer, the cursor (on an `@/` link to the page, or anywhere in the page itself)
//! and the new slug; gives one workspace edit that rewrites every `@/` link to the page (and,
//! for a region, every `parent`/`regions` value naming it), then renames each language file
//! of the page. Must not touch the disk itself: the editor applies the edit.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use lsp_types::{
    DocumentChangeOperation, DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier,
    RenameFile, ResourceOp, TextDocumentEdit, TextEdit, WorkspaceEdit,
};

use super::position::{self, Encoding};
use super::references::{front_values, links_to};
use super::state::Workspace;
use super::syntax::{self, Ctx};
use crate::content::Kind;

/// A file's text, the ranges of its links to the page and of its slug values.
type FileEdits = (String, Vec<Range<usize>>, Vec<Range<usize>>);

/// Why a rename cannot be done.
#[derive(Debug, thiserror::Error)]
pub enum RenameError {
    /// The cursor is not on a page or a link to one.
    #[error(
        "rename works on a page: put the cursor in a page under content/<section>/ or on an @/ link to one"
    )]
    NoPage,
    /// The new slug is not one `atlas new` accepts.
    #[error(
        "{0:?} is not a valid slug: use lowercase ASCII letters and digits, joined by single hyphens (e.g. hainan-boao)"
    )]
    BadSlug(String),
    /// A file of the new name exists.
    #[error("{0} exists already: choose another slug")]
    Exists(String),
}

/// The edit that renames the page at byte `offset` of `text` (the buffer of `path`).
pub fn rename(
    ws: &Workspace,
    path: &Path,
    text: &str,
    offset: usize,
    new_slug: &str,
    enc: Encoding,
) -> Result<WorkspaceEdit, RenameError> {
    let key = match syntax::at(text, offset) {
        Ctx::Link { path: p, .. } => p.strip_suffix(".md").unwrap_or(&p).to_string(),
        _ => ws.page_at(path).ok_or(RenameError::NoPage)?.key(),
    };
    let pages: Vec<_> = ws
        .snapshot()
        .pages
        .iter()
        .filter(|p| p.key() == key && p.kind == Kind::Page)
        .collect();
    let Some(first) = pages.first() else {
        return Err(RenameError::NoPage);
    };
    if !crate::scaffold::valid_new_slug(new_slug) {
        return Err(RenameError::BadSlug(new_slug.to_string()));
    }
    let section = first.section.clone();
    let old_slug = first.stem.clone();
    let mut renames = Vec::new();
    for p in &pages {
        let new_file = p.file.with_file_name(format!("{new_slug}.{}.md", p.lang));
        if ws.root().join(&new_file).exists() {
            return Err(RenameError::Exists(new_file.display().to_string()));
        }
        renames.push((ws.root().join(&p.file), ws.root().join(new_file)));
    }
    let new_path = format!("{section}/{new_slug}.md");
    let mut edits: BTreeMap<PathBuf, FileEdits> = BTreeMap::new();
    for (file, t, ranges) in links_to(ws, &key) {
        edits.insert(file, (t, ranges, Vec::new()));
    }
    if section == crate::site::REGIONS {
        for p in &ws.snapshot().pages {
            let file = ws.root().join(&p.file);
            let Some(t) = ws.text(&file) else { continue };
            let r = front_values(&t, &["parent", "regions"], &old_slug);
            if !r.is_empty() {
                edits
                    .entry(file)
                    .or_insert_with(|| (t, Vec::new(), Vec::new()))
                    .2 = r;
            }
        }
    }
    let mut ops = Vec::new();
    for (file, (t, links, slugs)) in edits {
        let mut es: Vec<OneOf<TextEdit, _>> = Vec::new();
        for r in links {
            // Keep what follows the path (`#anchor`).
            es.push(OneOf::Left(TextEdit {
                range: position::range(&t, r, enc),
                new_text: new_path.clone(),
            }));
        }
        for r in slugs {
            es.push(OneOf::Left(TextEdit {
                range: position::range(&t, r, enc),
                new_text: new_slug.to_string(),
            }));
        }
        ops.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: position::uri(&file),
                version: None,
            },
            edits: es,
        }));
    }
    for (old, new) in renames {
        ops.push(DocumentChangeOperation::Op(ResourceOp::Rename(
            RenameFile {
                old_uri: position::uri(&old),
                new_uri: position::uri(&new),
                options: None,
                annotation_id: None,
            },
        )));
    }
    Ok(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(ops)),
        ..Default::default()
    })
}
