//! `atlas check`'s findings as LSP diagnostics: one list per file, with ranges.
//!
//! Takes the findings of a [`super::state::Workspace::check`] and each file's text; gives
//! `textDocument/publishDiagnostics` parameters, including empty ones for the files that were
//! reported last time and are clean now. Must not change the messages: the message and hint
//! are `atlas check`'s, word for word.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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

/// The notifications to send: every file with findings, and an empty list for each file in
/// `last` that has none now. `text` gives a file's text (relative path). Updates `last`.
pub fn publish(
    root: &Path,
    by_file: &BTreeMap<PathBuf, Vec<Finding>>,
    last: &mut BTreeSet<PathBuf>,
    text: impl Fn(&Path) -> Option<String>,
    enc: Encoding,
) -> Vec<PublishDiagnosticsParams> {
    let mut out = Vec::new();
    for (file, findings) in by_file {
        let t = text(file).unwrap_or_default();
        out.push(PublishDiagnosticsParams {
            uri: position::uri(&root.join(file)),
            diagnostics: findings.iter().map(|f| to_lsp(f, &t, enc)).collect(),
            version: None,
        });
    }
    for file in last.iter().filter(|f| !by_file.contains_key(*f)) {
        out.push(PublishDiagnosticsParams {
            uri: position::uri(&root.join(file)),
            diagnostics: Vec::new(),
            version: None,
        });
    }
    *last = by_file.keys().cloned().collect();
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
