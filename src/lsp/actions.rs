//! `textDocument/codeAction`: quick fixes.
//!
//! Takes the buffer, the requested range and the workspace; gives "create the missing
//! translation" for a region or drug page (the file `atlas new` would write, made by
//! [`crate::scaffold::page_text`]) and, for a front matter key the schema does not know, "change
//! it to" the nearest key of its table (edit distance). Must not write anything: each action
//! is an edit the editor applies.

use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CreateFile, CreateFileOptions, DocumentChangeOperation,
    DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier, Position, Range, ResourceOp,
    TextDocumentEdit, TextEdit, WorkspaceEdit,
};

use super::position::{self, Encoding};
use super::state::Workspace;
use super::syntax::{self, Ctx};
use crate::content::Kind;
use crate::scaffold::NewKind;

/// The nearest of `keys` to `key`, if near enough to be a misspelling
/// ([`crate::suggest::nearest`], the one every "did you mean" uses).
pub fn nearest<'a>(key: &str, keys: &'a [String]) -> Option<&'a str> {
    crate::suggest::nearest(key, keys.iter().map(String::as_str))
}

/// The code actions for the byte range `range` of `text` (the buffer of `path`).
pub fn actions(
    ws: &Workspace,
    path: &Path,
    text: &str,
    range: std::ops::Range<usize>,
    today: chrono::NaiveDate,
    enc: Encoding,
) -> Vec<CodeAction> {
    let mut out = Vec::new();
    // Unknown keys on the lines of the range.
    if let Some(front) = syntax::front_range(text) {
        let start = text[..range.start.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let mut at = start;
        for line in text[start..].split_inclusive('\n') {
            if at > range.end || at >= front.end {
                break;
            }
            if at >= front.start {
                let first = at + (line.len() - line.trim_start().len());
                if let Ctx::Key {
                    table, key, range, ..
                } = syntax::at(text, first)
                {
                    let keys = syntax::keys(&table);
                    if !key.is_empty() && !keys.contains(&key) {
                        if let Some(k) = nearest(&key, &keys) {
                            let edit = TextEdit {
                                range: position::range(text, range, enc),
                                new_text: k.to_string(),
                            };
                            out.push(CodeAction {
                                title: format!("Change `{key}` to `{k}`"),
                                kind: Some(CodeActionKind::QUICKFIX),
                                is_preferred: Some(true),
                                edit: Some(WorkspaceEdit {
                                    changes: Some(
                                        [(position::uri(path), vec![edit])].into_iter().collect(),
                                    ),
                                    ..Default::default()
                                }),
                                ..Default::default()
                            });
                        }
                    }
                }
            }
            at += line.len();
        }
    }
    // Missing translations of a region or drug page.
    let page = ws.page_at(path);
    let config = ws.snapshot().config.as_ref();
    if let (Some(page), Some(config)) = (page, config) {
        let kind = match page.section.as_str() {
            crate::site::REGIONS => Some(NewKind::Region),
            crate::site::DRUGS => Some(NewKind::Drug),
            _ => None,
        };
        if let (Kind::Page, Some(kind)) = (page.kind, kind) {
            for lang in config.language_codes() {
                let rel = page.file.with_file_name(format!("{}.{lang}.md", page.stem));
                let abs = ws.root().join(&rel);
                if abs.exists() {
                    continue;
                }
                let Some(body) =
                    crate::scaffold::page_text(ws.root(), kind, &page.stem, lang, today)
                else {
                    continue;
                };
                let uri = position::uri(&abs);
                let ops = vec![
                    DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                        uri: uri.clone(),
                        options: Some(CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    })),
                    DocumentChangeOperation::Edit(TextDocumentEdit {
                        text_document: OptionalVersionedTextDocumentIdentifier {
                            uri,
                            version: None,
                        },
                        edits: vec![OneOf::Left(TextEdit {
                            range: Range::new(Position::new(0, 0), Position::new(0, 0)),
                            new_text: body,
                        })],
                    }),
                ];
                out.push(CodeAction {
                    title: format!(
                        "Create the translation {} (as atlas new would)",
                        rel.display()
                    ),
                    kind: Some(CodeActionKind::QUICKFIX),
                    edit: Some(WorkspaceEdit {
                        document_changes: Some(DocumentChanges::Operations(ops)),
                        ..Default::default()
                    }),
                    ..Default::default()
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_key() {
        let keys = syntax::keys("");
        assert_eq!(nearest("titel", &keys), Some("title"));
        assert_eq!(nearest("descripton", &keys), Some("description"));
        assert_eq!(nearest("zzzzzz", &keys), None);
    }
}
