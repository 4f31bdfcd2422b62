//! Front matter: the fields every page may have ([`FrontMatter`]), splitting it from the
//! body (`+++` TOML or `---` YAML), and parsing it with positions in every message.

use serde::Deserialize;

use crate::date::PartialDate;
use crate::diagnostics::{Diagnostic, line_col};
use crate::schema::{DrugData, RegionData};

/// The common front matter of every page.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The title (required).
    pub title: String,
    /// A one-sentence summary.
    #[serde(default)]
    pub description: Option<String>,
    /// Publication date.
    #[serde(default)]
    pub date: Option<PartialDate>,
    /// The date the facts were last reviewed.
    #[serde(default)]
    pub updated: Option<PartialDate>,
    /// Left out of the build unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Sort order in lists (low first).
    #[serde(default)]
    pub weight: i64,
    /// Overrides the URL slug.
    #[serde(default)]
    pub slug: Option<String>,
    /// Old URLs (paths under the language prefix, or absolute) that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Free-form data for templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Region schema (pages under `content/regions/`).
    #[serde(default)]
    pub region: Option<RegionData>,
    /// Drug schema (pages under `content/drugs/`).
    #[serde(default)]
    pub drug: Option<DrugData>,
}

/// Front matter format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Between `+++` lines.
    Toml,
    /// Between `---` lines.
    Yaml,
}

/// A file split into front matter and body.
#[derive(Debug)]
pub struct Split<'a> {
    /// TOML or YAML.
    pub format: Format,
    /// The text between the delimiters.
    pub front: &'a str,
    /// 1-based line of the first front matter line.
    pub front_line: usize,
    /// Everything after the closing delimiter line.
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// Splits front matter from body. The text must already use `\n` line endings.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, Diagnostic> {
    let first = text.lines().next().unwrap_or("");
    let (format, delim) = match first.trim_end() {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ => {
            let hint = "start the file with front matter: a line +++, then title = \"...\", then a line +++";
            let msg = if text.trim().is_empty() {
                "the file is empty"
            } else {
                "the file has no front matter"
            };
            return Err(Diagnostic::error(msg).at(1, 1).hint(hint));
        }
    };
    let front_start = first.len() + 1;
    if front_start > text.len() {
        return Err(unterminated(delim));
    }
    let mut offset = front_start;
    for (line_no, line) in (2..).zip(text[front_start..].split_inclusive('\n')) {
        if line.trim_end() == delim {
            let front = &text[front_start..offset];
            let body_start = (offset + line.len()).min(text.len());
            return Ok(Split {
                format,
                front,
                front_line: 2,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(unterminated(delim))
}

fn unterminated(delim: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "the front matter opened with {delim} on line 1 is never closed"
    ))
    .at(1, 1)
    .hint(format!(
        "add a line with only {delim} after the last front matter field"
    ))
}

/// Parses TOML or YAML front matter into [`FrontMatter`].
pub fn parse_front_matter(split: &Split) -> Result<FrontMatter, Diagnostic> {
    let hint = "see the front matter reference in README.md";
    match split.format {
        Format::Toml => toml::from_str::<FrontMatter>(split.front).map_err(|e| {
            let (l, c) = e
                .span()
                .map(|s| line_col(split.front, s.start))
                .unwrap_or((1, 1));
            let value = e.span().and_then(|s| split.front.get(s)).unwrap_or("");
            let msg = crate::date::toml_date_error(e.message(), value)
                .unwrap_or_else(|| e.message().trim().to_string());
            Diagnostic::error(format!("front matter: {msg}"))
                .at(l + split.front_line - 1, c)
                .hint(crate::suggest::serde_hint(e.message(), hint))
        }),
        Format::Yaml => {
            if split.front.trim().is_empty() {
                return Err(Diagnostic::error("front matter: missing field `title`")
                    .at(split.front_line, 1)
                    .hint(hint));
            }
            serde_norway::from_str::<FrontMatter>(split.front).map_err(|e| {
                let (l, c) = e
                    .location()
                    .map(|loc| line_col(split.front, loc.index()))
                    .unwrap_or((1, 1));
                let msg = e.to_string();
                // serde_norway appends " at line N column M"; we give our own position.
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                let hint = crate::suggest::serde_hint(&msg, hint);
                Diagnostic::error(format!("front matter: {msg}"))
                    .at(l + split.front_line - 1, c)
                    .hint(hint)
            })
        }
    }
}
