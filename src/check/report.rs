//! Findings and how they are shown: [`Category`], [`Finding`], and [`Report`] with its human
//! and JSON formats (the JSON document is stable: see docs/check.md). Takes findings; gives
//! text. Runs no check.

use std::path::Path;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Severity};

/// What part of `check` found a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Found by the build itself (the build would fail on its errors).
    Build,
    /// A page missing in a language, or language versions that disagree on facts.
    Translation,
    /// Facts not reviewed for too long (or never dated).
    Stale,
    /// Raw HTML the site's policy warns about.
    RawHtml,
    /// An external link that does not answer.
    ExternalLink,
}

impl Category {
    /// The name used in both output formats.
    pub fn name(self) -> &'static str {
        match self {
            Category::Build => "build",
            Category::Translation => "translation",
            Category::Stale => "stale",
            Category::RawHtml => "raw-html",
            Category::ExternalLink => "external-link",
        }
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which check found it.
    pub category: Category,
    /// What, where and what to do.
    pub diagnostic: Diagnostic,
}

/// The result of a check.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Everything found: errors first, then by file and position.
    pub findings: Vec<Finding>,
    /// Content files checked.
    pub pages: usize,
    /// External URLs checked (None without `--external`).
    pub external_checked: Option<usize>,
}

/// Version of the JSON document; raised only when a field changes meaning or goes away.
pub const JSON_FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    category: Category,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    hint: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonCounts {
    errors: usize,
    warnings: usize,
    pages: usize,
    external_links: Option<usize>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: u32,
    ok: bool,
    counts: JsonCounts,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

impl Report {
    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.diagnostic.is_error())
            .count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.findings.len() - self.error_count()
    }

    /// True when there is no error (warnings allowed).
    pub fn ok(&self) -> bool {
        self.error_count() == 0
    }

    /// The stable JSON document (see docs/check.md).
    pub fn to_json(&self) -> String {
        let doc = JsonReport {
            format_version: JSON_FORMAT_VERSION,
            ok: self.ok(),
            counts: JsonCounts {
                errors: self.error_count(),
                warnings: self.warning_count(),
                pages: self.pages,
                external_links: self.external_checked,
            },
            diagnostics: self
                .findings
                .iter()
                .map(|f| {
                    let d = &f.diagnostic;
                    JsonDiagnostic {
                        severity: d.severity,
                        category: f.category,
                        file: d.file.as_ref().map(|p| path_text(p)),
                        line: d.line,
                        column: d.column,
                        message: &d.message,
                        hint: d.hint.as_deref(),
                    }
                })
                .collect(),
        };
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
            format!("{{\"format_version\":{JSON_FORMAT_VERSION},\"ok\":false,\"error\":\"{e}\"}}")
        });
        s.push('\n');
        s
    }

    /// One finding for people: `file:line:col: warning[stale]: message` and an indented hint.
    pub fn human_line(f: &Finding) -> String {
        let d = &f.diagnostic;
        let mut s = String::new();
        if let Some(file) = &d.file {
            s.push_str(&path_text(file));
            if let Some(line) = d.line {
                s.push_str(&format!(":{line}"));
                if let Some(col) = d.column {
                    s.push_str(&format!(":{col}"));
                }
            }
            s.push_str(": ");
        }
        let label = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        s.push_str(&format!("{label}[{}]: {}", f.category.name(), d.message));
        if let Some(h) = &d.hint {
            s.push_str(&format!("\n  hint: {h}"));
        }
        s
    }

    /// The closing summary line.
    pub fn summary(&self) -> String {
        let ext = match self.external_checked {
            Some(n) => format!(", {n} external link(s) checked"),
            None => String::new(),
        };
        format!(
            "atlas check: {} error(s), {} warning(s) in {} content file(s){ext}",
            self.error_count(),
            self.warning_count(),
            self.pages
        )
    }

    /// Every finding for people, then the summary.
    pub fn to_human(&self) -> String {
        let mut s = String::new();
        for f in &self.findings {
            s.push_str(&Report::human_line(f));
            s.push('\n');
        }
        s.push_str(&self.summary());
        s.push('\n');
        s
    }
}

/// A path as shown in both formats: `/` between its parts on every system.
pub(super) fn path_text(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}
