//! `atlas check`'s findings as LSP diagnostics: one list per file, with ranges.
//!
//! Takes the findings of a [`super::state::Workspace::check`] and each file's text; gives
//! `textDocument/publishDiagnostics` parameters for the files whose diagnostics changed,
//! including empty ones for the files that were reported last time and are clean now. Must not change the messages: the message and hint
//! are `atlas check`'s, word for word.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString, PublishDiagnosticsParams};

use super::position::{self, Encoding};
use crate::check::Finding;
use crate::diagnostics::Severity;

/// The byte range a diagnostic at `start` covers: a link or citation (`[..](..)`, `[@..]`), a
/// quoted string, or the word (key, id, value) that starts there; at least one character.
pub fn extent(text: &str, start: usize) -> std::ops::Range<usize> {
    let rest = &text[start..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let end = if line.starts_with('[') {
        // `[text](dest)` or `[@ids]`: to the matching `]`, and the `(...)` after it.
        let mut depth = 0i32;
        let mut close = None;
        for (i, c) in line.char_indices() {
            match c {
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(i + 1);
                        break;
                    }
                }
                _ => {}
            }
        }
        match close {
            Some(c) if line[c..].starts_with('(') => line[c..].find(')').map_or(c, |i| c + i + 1),
            Some(c) => c,
            None => line.len(),
        }
    } else if let Some(q) = line.strip_prefix('"') {
        q.find('"').map_or(line.len(), |i| i + 2)
    } else {
        line.find(|c: char| c.is_whitespace() || matches!(c, '=' | ',' | ']' | ')' | '"'))
            .unwrap_or(line.len())
    };
    let end = if end == 0 {
        line.chars().next().map_or(0, char::len_utf8)
    } else {
        end
    };
    start..start + end
}

/// One finding as an LSP diagnostic in `text` (the file it names).
pub fn to_lsp(f: &Finding, text: &str, enc: Encoding) -> Diagnostic {
    let d = &f.diagnostic;
    let range = match d.line {
        Some(line) => {
            let start = position::offset_of_line_col(text, line, d.column.unwrap_or(1));
            let r = if d.column.is_some() {
                extent(text, start)
            } else {
                let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
                start..end
            };
            position::range(text, r, enc)
        }
        None => lsp_types::Range::default(),
    };
    let mut message = d.message.clone();
    if let Some(h) = &d.hint {
        message.push_str("\nhint: ");
        message.push_str(h);
    }
    Diagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(f.category.name().to_string())),
        source: Some("atlas".into()),
        message,
        ..Default::default()
    }
}

/// The text a file's findings were placed in, when it can be told apart cheaply: a content
/// file's front matter and body as the workspace loaded them (shared with its parse cache,
/// so an unchanged file has the same ones, compared by address).
pub type TextId = (Arc<str>, Arc<str>);

/// What was last published for each file with findings: the findings and the [`TextId`] of
/// the text they were placed in.
#[derive(Default)]
pub struct Published(HashMap<PathBuf, (Vec<Finding>, Option<TextId>)>);

impl Published {
    /// The next [`publish`] sends `file`'s diagnostics (relative path) even if they are
    /// unchanged (an editor that opens a file may have ignored them while it was closed).
    pub fn resend(&mut self, file: &Path) {
        if let Some(e) = self.0.get_mut(file) {
            e.1 = None;
        }
    }
}

/// The notifications to send: each file whose findings, or whose text (see [`TextId`]),
/// changed since `last`, and an empty list for each file in `last` that has no finding now.
/// A site's findings are mostly the same from one keystroke to the next: an unchanged file
/// is not sent again. `text` gives a file's text and `text_id` its [`TextId`] (relative
/// paths; a file without a [`TextId`] is always sent). Updates `last`.
pub fn publish(
    root: &Path,
    by_file: BTreeMap<PathBuf, Vec<Finding>>,
    last: &mut Published,
    text: impl Fn(&Path) -> Option<String>,
    text_id: impl Fn(&Path) -> Option<TextId>,
    enc: Encoding,
) -> Vec<PublishDiagnosticsParams> {
    let same_text = |a: &Option<TextId>, b: &Option<TextId>| match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(&a.0, &b.0) && Arc::ptr_eq(&a.1, &b.1),
        _ => false,
    };
    let mut out = Vec::new();
    let mut next = HashMap::with_capacity(by_file.len());
    for (file, findings) in by_file {
        let id = text_id(&file);
        let unchanged = last
            .0
            .remove(&file)
            .is_some_and(|(f, old)| f == findings && same_text(&old, &id));
        if !unchanged {
            let t = text(&file).unwrap_or_default();
            out.push(PublishDiagnosticsParams {
                uri: position::uri(&root.join(&file)),
                diagnostics: findings.iter().map(|f| to_lsp(f, &t, enc)).collect(),
                version: None,
            });
        }
        next.insert(file, (findings, id));
    }
    let mut cleared: Vec<&PathBuf> = last.0.keys().collect();
    cleared.sort();
    for file in cleared {
        out.push(PublishDiagnosticsParams {
            uri: position::uri(&root.join(file)),
            diagnostics: Vec::new(),
            version: None,
        });
    }
    last.0 = next;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extents() {
        let t = "a [b [c]](@/x.md#y) z\ncolour = \"red\"\n\"2024-13\" x\n";
        let at = |s: &str| {
            let i = t.find(s).unwrap();
            &t[extent(t, i)]
        };
        assert_eq!(at("[b"), "[b [c]](@/x.md#y)");
        assert_eq!(at("colour"), "colour");
        assert_eq!(at("\"2024"), "\"2024-13\"");
        assert_eq!(at("= \"red"), "=");
    }
}
