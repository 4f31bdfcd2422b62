//! Turning errors into diagnostics: Tera's errors (with template file, line and column) and
//! errors writing an output file. Takes the error; gives [`Diagnostic`]s; must not decide
//! whether the build goes on.

use std::path::Path;

use super::template_syntax::{explain_syntax, explain_unknown_name};
use crate::diagnostics::Diagnostic;

/// The hint under an error in a template's data (an unknown variable, a failed function).
const DATA_HINT: &str =
    "fix the template; the variables available to templates are listed in README.md";
/// The hint under an unknown filter, function or test.
const NAME_HINT: &str = "fix the template: use a filter, function or test Tera or atlas provides (README.md lists atlas's template functions)";

/// Turns a Tera error into diagnostics naming the template file, line and column.
pub fn tera_diagnostics(e: &tera::Error, tdir: &Path, root: &Path) -> Vec<Diagnostic> {
    let rel = |name: &str| {
        let p = tdir.join(name);
        p.strip_prefix(root).unwrap_or(&p).to_path_buf()
    };
    let mut out = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    let mut extra = Vec::new();
    while let Some(err) = cur {
        match err.downcast_ref::<tera::Error>().map(|te| te.kind()) {
            Some(tera::ErrorKind::SyntaxError(r)) => {
                let span = r.span();
                let src = std::fs::read_to_string(tdir.join(r.filename())).unwrap_or_default();
                let d = Diagnostic::error(format!("template: {}", r.message()))
                    .in_file(rel(r.filename()))
                    .at(span.start_line, span.start_col + 1);
                out.push(match explain_syntax(&src, r.message(), span.range.start) {
                    Some(x) => Diagnostic {
                        message: format!("template: {}", x.message),
                        ..d
                    }
                    .at(x.line, x.column)
                    .hint(x.hint),
                    None => d.hint(super::template_syntax::SYNTAX_HINT),
                });
            }
            Some(tera::ErrorKind::RenderingError(r)) => {
                let span = r.span();
                out.push(
                    Diagnostic::error(format!("template: {}", r.message()))
                        .in_file(rel(r.filename()))
                        .at(span.start_line, span.start_col + 1),
                );
            }
            Some(tera::ErrorKind::CircularInclude { tpl, include_chain }) => {
                out.push(
                    Diagnostic::error(format!(
                        "template: circular include: {}",
                        include_chain.join(" → ")
                    ))
                    .in_file(rel(tpl)),
                );
            }
            Some(tera::ErrorKind::CircularExtend {
                tpl,
                inheritance_chain,
            }) => {
                out.push(
                    Diagnostic::error(format!(
                        "template: circular extends: {}",
                        inheritance_chain.join(" → ")
                    ))
                    .in_file(rel(tpl)),
                );
            }
            Some(tera::ErrorKind::MissingParent { current, parent }) => {
                out.push(
                    Diagnostic::error(format!(
                        "template: extends {parent:?}, which does not exist"
                    ))
                    .in_file(rel(current)),
                );
            }
            Some(tera::ErrorKind::TemplateNotFound(t)) => {
                out.push(
                    Diagnostic::error(format!("template: {t:?} does not exist")).in_file(rel(t)),
                );
            }
            _ => {
                // Tera reports some problems (unknown functions or filters, errors raised in
                // functions) as text; a report has `error: msg` then ` --> name:line:col`.
                let text = err.to_string();
                let mut found = false;
                let mut msg: Option<String> = None;
                for line in text.lines() {
                    if let Some(m) = line.strip_prefix("error: ") {
                        msg = Some(m.to_string());
                    } else if let (Some(loc), Some(m)) =
                        (line.trim_start().strip_prefix("--> "), msg.take())
                    {
                        let mut parts = loc.rsplitn(3, ':');
                        let col = parts.next().and_then(|c| c.parse::<usize>().ok());
                        let line_no = parts.next().and_then(|c| c.parse::<usize>().ok());
                        let name = parts.next().unwrap_or(loc);
                        let d = match explain_unknown_name(&m) {
                            Some(x) => Diagnostic::error(format!("template: {x}")).hint(NAME_HINT),
                            None => Diagnostic::error(format!("template: {m}")),
                        }
                        .in_file(rel(name));
                        out.push(match (line_no, col) {
                            (Some(l), Some(c)) => d.at(l, c + 1),
                            _ => d,
                        });
                        found = true;
                    }
                }
                if !found && !text.is_empty() {
                    extra.push(text);
                }
            }
        }
        cur = err.source();
    }
    if out.is_empty() {
        out.push(
            Diagnostic::error(format!(
                "template: {}",
                extra.first().cloned().unwrap_or_default()
            ))
            .in_file(tdir.strip_prefix(root).unwrap_or(tdir)),
        );
    } else if let Some(first) = out.first_mut() {
        for x in &extra {
            if !first.message.contains(x.as_str()) {
                first.message.push_str(&format!(" ({x})"));
            }
        }
    }
    out.into_iter()
        .map(|d| {
            if d.hint.is_some() {
                d
            } else {
                d.hint(DATA_HINT)
            }
        })
        .collect()
}

pub(super) fn write_error(path: &str, e: std::io::Error) -> Diagnostic {
    if e.kind() == std::io::ErrorKind::AlreadyExists {
        return Diagnostic::error(format!("two outputs have the same path {path}")).hint(
            "a theme static file or a file under content/ may collide with a page; rename one",
        );
    }
    Diagnostic::error(format!("cannot write {path} in the output: {e}"))
        .hint("check free disk space and permissions of the output folder")
}
