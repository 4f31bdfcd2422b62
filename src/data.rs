//! The data files: the source registry (`data/sources.toml`) and the comparison dimensions
//! (`data/dimensions.toml`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::diagnostics::{Diagnostic, line_col, locate};

/// A cited document.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Short id used in citations (`[@id]`) and front matter.
    pub id: String,
    /// Title in its original language.
    pub title: String,
    /// Language code of the original.
    #[serde(default)]
    pub lang: Option<String>,
    /// Who published it.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Date as the document gives it.
    #[serde(default)]
    pub date: Option<PartialDate>,
    /// Where it can be read.
    #[serde(default)]
    pub url: Option<String>,
    /// DOI, for journal articles.
    #[serde(default)]
    pub doi: Option<String>,
    /// A remark on the document (reliability, garbling...).
    #[serde(default)]
    pub note: Option<String>,
}

/// The type of a comparison dimension's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DimensionType {
    /// `yes`, `no` or `partial`.
    YesNoPartial,
    /// A date, as precise as the source.
    Date,
    /// A number.
    Number,
    /// A short text in each language.
    Text,
}

/// A row of the comparison table.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    /// Id used in region front matter (`[region.compare.<id>]`).
    pub id: String,
    /// Value type.
    #[serde(rename = "type")]
    pub kind: DimensionType,
    /// Label by language code.
    pub label: BTreeMap<String, String>,
    /// Description by language code.
    #[serde(default)]
    pub description: BTreeMap<String, String>,
}

/// `data/sources.toml`: the registry of cited documents.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourcesFile {
    /// One `[[source]]` table per document.
    #[serde(default)]
    source: Vec<Source>,
}

/// `data/dimensions.toml`: the rows of the comparison table.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DimensionsFile {
    /// One `[[dimension]]` table per row.
    #[serde(default)]
    dimension: Vec<Dimension>,
}

/// Both registries.
#[derive(Debug, Clone, Default)]
pub struct Data {
    /// Sources, in file order.
    pub sources: Vec<Source>,
    /// Dimensions, in file order (the table's row order).
    pub dimensions: Vec<Dimension>,
    /// data/sources.toml exists but could not be read or parsed (reported already): ids
    /// cited in pages are then not reported as unknown.
    pub sources_unreadable: bool,
    /// The same for data/dimensions.toml.
    pub dimensions_unreadable: bool,
}

/// Path of the source registry, relative to the site root.
pub const SOURCES_FILE: &str = "data/sources.toml";
/// Path of the dimension file, relative to the site root.
pub const DIMENSIONS_FILE: &str = "data/dimensions.toml";

impl Data {
    /// Loads `data/` under `root`; missing files mean empty registries.
    pub fn load(root: &Path, languages: &[&str]) -> (Data, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut data = Data::default();
        let before = diags.len();
        if let Some(text) = read_optional(root, SOURCES_FILE, &mut diags) {
            if let Some(file) = parse::<SourcesFile>(&text, SOURCES_FILE, &mut diags) {
                data.sources = file.source;
                check_sources(&data.sources, &text, &mut diags);
            }
        }
        data.sources_unreadable = diags.len() > before && data.sources.is_empty();
        let before = diags.len();
        if let Some(text) = read_optional(root, DIMENSIONS_FILE, &mut diags) {
            if let Some(file) = parse::<DimensionsFile>(&text, DIMENSIONS_FILE, &mut diags) {
                data.dimensions = file.dimension;
                check_dimensions(&data.dimensions, &text, languages, &mut diags);
            }
        }
        data.dimensions_unreadable = diags.len() > before && data.dimensions.is_empty();
        (data, diags)
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The dimension with this id.
    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }
}

fn read_optional(root: &Path, rel: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let path = root.join(rel);
    if !path.exists() {
        return None;
    }
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => Some(t.trim_start_matches('\u{feff}').replace("\r\n", "\n")),
            Err(_) => {
                diags.push(
                    Diagnostic::error("the file is not valid UTF-8")
                        .in_file(rel)
                        .hint("save it as UTF-8"),
                );
                None
            }
        },
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read the file: {e}"))
                    .in_file(rel)
                    .hint("check its permissions"),
            );
            None
        }
    }
}

fn parse<T: for<'de> Deserialize<'de>>(
    text: &str,
    file: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<T> {
    match toml::from_str::<T>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let pos = e.span().map(|s| line_col(text, s.start));
            diags.push(
                Diagnostic::error(
                    e.span()
                        .and_then(|s| text.get(s))
                        .and_then(|v| crate::date::toml_date_error(e.message(), v))
                        .unwrap_or_else(|| e.message().trim().to_string()),
                )
                .in_file(file)
                .at_pos(pos)
                .hint(crate::suggest::serde_hint(
                    e.message(),
                    "see the data files section of README.md",
                )),
            );
            None
        }
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Checks that ids are valid and unique; `what` names them in messages.
fn check_ids<'a>(
    what: &str,
    file: &str,
    ids: impl Iterator<Item = &'a str>,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        let at = locate(text, "id", &format!("\"{id}\""));
        if !valid_id(id) {
            diags.push(
                Diagnostic::error(format!("{what} id {id:?} is not valid"))
                    .in_file(file)
                    .at_pos(at)
                    .hint("use lowercase letters, digits, - and _"),
            );
        }
        if !seen.insert(id) {
            diags.push(
                Diagnostic::error(format!("{what} id {id:?} is defined twice"))
                    .in_file(file)
                    .at_pos(at)
                    .hint(format!("give each {what} its own id")),
            );
        }
    }
}

fn check_sources(sources: &[Source], text: &str, diags: &mut Vec<Diagnostic>) {
    check_ids(
        "source",
        SOURCES_FILE,
        sources.iter().map(|s| s.id.as_str()),
        text,
        diags,
    );
    for s in sources {
        if let Some(lang) = &s.lang {
            // Written into `lang` attributes: it must be a well-formed BCP 47 tag.
            if language_tags::LanguageTag::parse(lang).is_err() {
                diags.push(
                    Diagnostic::error(format!(
                        "source {:?}: lang {lang:?} is not a BCP 47 language tag",
                        s.id
                    ))
                    .in_file(SOURCES_FILE)
                    .at_pos(locate(text, "lang", &format!("\"{lang}\"")))
                    .hint("write a language tag such as \"zh\", \"zh-Hant\", \"en\" or \"ja\""),
                );
            }
        }
        if let Some(url) = &s.url {
            // Rendered as a link: a `javascript:` or `data:` URL would run in readers' browsers.
            let lower = url.trim().to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://")) {
                diags.push(
                    Diagnostic::error(format!(
                        "source {:?}: url {url:?} is not an http(s) URL",
                        s.id
                    ))
                    .in_file(SOURCES_FILE)
                    .at_pos(locate(text, "url", url))
                    .hint("give the full address, starting with https:// or http://"),
                );
            }
        }
    }
}

fn check_dimensions(
    dims: &[Dimension],
    text: &str,
    languages: &[&str],
    diags: &mut Vec<Diagnostic>,
) {
    check_ids(
        "dimension",
        DIMENSIONS_FILE,
        dims.iter().map(|d| d.id.as_str()),
        text,
        diags,
    );
    for d in dims {
        let at = locate(text, "id", &format!("\"{}\"", d.id));
        for lang in languages {
            if !d.label.contains_key(*lang) {
                diags.push(
                    Diagnostic::error(format!("dimension {:?} has no label in `{lang}`", d.id))
                        .in_file(DIMENSIONS_FILE)
                        .at_pos(at)
                        .hint(format!("add {lang} = \"...\" to its label table")),
                );
            }
        }
    }
}
