//! The data files: the source registry (`data/sources.toml`), the registry of regulators and
//! policy bodies (`data/bodies.toml`), the comparison dimensions (`data/dimensions.toml`) and
//! the home page's tile-grid map (`data/tilegrid.toml`, read in `tilegrid.rs`).
//! Takes the site root and its languages; gives the typed registries and every problem found
//! in them (file, line, hint). Knows nothing about pages.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::diagnostics::{Diagnostic, line_col, locate};

mod tilegrid;
pub use tilegrid::{AbroadTile, TILEGRID_FILE, Tile, TileGrid};

/// A cited document.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Short id used in citations (`[@id]`) and front matter.
    pub id: String,
    /// Title in its original language.
    pub title: String,
    /// An English translation of a title in another language, shown beside it on the English
    /// site.
    #[serde(default)]
    pub title_en: Option<String>,
    /// Language of the original, a BCP 47 tag.
    #[serde(default)]
    pub lang: Option<String>,
    /// Language (BCP 47) of the text the atlas actually read, when it is not the original's:
    /// a machine-written English summary of a Chinese article is `lang = "zh"`, `read = "en"`.
    #[serde(default)]
    pub read: Option<String>,
    /// Who published it: one name, or a name per language.
    #[serde(default)]
    pub publisher: Option<Localized>,
    /// Date as the document gives it.
    #[serde(default)]
    pub date: Option<PartialDate>,
    /// Where it can be read.
    #[serde(default)]
    pub url: Option<String>,
    /// DOI, for journal articles.
    #[serde(default)]
    pub doi: Option<String>,
    /// A remark on the document (reliability, garbling, what the atlas read), per language
    /// (or one text for every language).
    #[serde(default)]
    pub note: Option<Localized>,
}

/// A text given once for every language, or per language code (`{ zh = "…", en = "…" }`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Localized {
    /// One text, shown in every language.
    Text(String),
    /// A text per language code.
    ByLang(BTreeMap<String, String>),
}

impl Localized {
    /// The text for `lang`: the plain text, or that language's entry.
    pub fn get(&self, lang: &str) -> Option<&str> {
        match self {
            Localized::Text(t) => Some(t),
            Localized::ByLang(m) => m.get(lang).map(String::as_str),
        }
    }

    /// Every distinct text, joined with " / " (for places that show all languages at once).
    pub fn all(&self) -> String {
        match self {
            Localized::Text(t) => t.clone(),
            Localized::ByLang(m) => {
                let mut v: Vec<&str> = Vec::new();
                for t in m.values() {
                    if !v.contains(&t.as_str()) {
                        v.push(t);
                    }
                }
                v.join(" / ")
            }
        }
    }

    /// The languages of `languages` a per-language text lacks (none for a plain text).
    pub fn missing<'a>(&self, languages: &[&'a str]) -> Vec<&'a str> {
        match self {
            Localized::Text(_) => Vec::new(),
            Localized::ByLang(m) => languages
                .iter()
                .copied()
                .filter(|l| m.get(*l).is_none_or(|t| t.trim().is_empty()))
                .collect(),
        }
    }
}

/// What kind of body an entry of `data/bodies.toml` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// Regulates medicines, clinical research or health care (NMPA, FDA, a health commission).
    Regulator,
    /// A legislature or its standing committee.
    Legislature,
    /// A government, its office, department or district administration.
    Government,
    /// A public research fund or a foundation that funds research.
    Funder,
    /// The office that runs a pilot or free trade zone.
    ZoneOffice,
}

impl BodyKind {
    /// All values, as written in `data/bodies.toml`.
    pub const ALL: &'static str = "regulator, legislature, government, funder, zone_office";

    /// As written in `data/bodies.toml` (and the key of its label, `body_kind_<key>`).
    pub fn key(self) -> &'static str {
        match self {
            BodyKind::Regulator => "regulator",
            BodyKind::Legislature => "legislature",
            BodyKind::Government => "government",
            BodyKind::Funder => "funder",
            BodyKind::ZoneOffice => "zone_office",
        }
    }
}

/// A regulator or another body that issues or funds policy, named by region pages
/// (`regulators`, `policy_bodies`).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// Id used in region front matter.
    pub id: String,
    /// What kind of body it is: only a `regulator` may be listed under `regulators`.
    pub kind: BodyKind,
    /// Its name, per language (every language of the site).
    pub name: Localized,
}

impl Source {
    /// The publisher as the original names it (in the source's `lang`), else every name.
    pub fn publisher_original(&self) -> Option<String> {
        let p = self.publisher.as_ref()?;
        Some(
            self.lang
                .as_deref()
                .and_then(|l| p.get(l))
                .map_or_else(|| p.all(), str::to_string),
        )
    }
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

/// `data/bodies.toml`: regulators and policy bodies.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodiesFile {
    /// One `[[body]]` table per body.
    #[serde(default)]
    body: Vec<Body>,
}

/// Both registries.
#[derive(Debug, Clone, Default)]
pub struct Data {
    /// Sources, in file order.
    pub sources: Vec<Source>,
    /// Dimensions, in file order (the table's row order).
    pub dimensions: Vec<Dimension>,
    /// Regulators and policy bodies, in file order.
    pub bodies: Vec<Body>,
    /// The tiles of the home page's map (`data/tilegrid.toml`).
    pub tiles: TileGrid,
    /// data/sources.toml exists but could not be read or parsed (reported already): ids
    /// cited in pages are then not reported as unknown.
    pub sources_unreadable: bool,
    /// The same for data/dimensions.toml.
    pub dimensions_unreadable: bool,
    /// The same for data/bodies.toml.
    pub bodies_unreadable: bool,
    /// The same for data/tilegrid.toml.
    pub tiles_unreadable: bool,
}

/// Path of the source registry, relative to the site root.
pub const SOURCES_FILE: &str = "data/sources.toml";
/// Path of the registry of regulators and policy bodies, relative to the site root.
pub const BODIES_FILE: &str = "data/bodies.toml";
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
                check_sources(&data.sources, &text, languages, &mut diags);
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
        let before = diags.len();
        if let Some(text) = read_optional(root, BODIES_FILE, &mut diags) {
            if let Some(file) = parse::<BodiesFile>(&text, BODIES_FILE, &mut diags) {
                data.bodies = file.body;
                check_bodies(&data.bodies, &text, languages, &mut diags);
            }
        }
        data.bodies_unreadable = diags.len() > before && data.bodies.is_empty();
        let before = diags.len();
        if let Some(text) = read_optional(root, TILEGRID_FILE, &mut diags) {
            if let Some(file) = parse::<TileGrid>(&text, TILEGRID_FILE, &mut diags) {
                tilegrid::check(&file, &text, languages, &mut diags);
                data.tiles = file;
            }
        }
        data.tiles_unreadable = diags.len() > before && data.tiles.tile.is_empty();
        (data, diags)
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The body (regulator or policy body) with this id.
    pub fn body(&self, id: &str) -> Option<&Body> {
        self.bodies.iter().find(|b| b.id == id)
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

fn check_sources(sources: &[Source], text: &str, languages: &[&str], diags: &mut Vec<Diagnostic>) {
    check_ids(
        "source",
        SOURCES_FILE,
        sources.iter().map(|s| s.id.as_str()),
        text,
        diags,
    );
    for s in sources {
        let at = locate(text, "id", &format!("\"{}\"", s.id));
        // Written into `lang` attributes: a well-formed BCP 47 tag.
        for (key, tag) in [("lang", &s.lang), ("read", &s.read)] {
            let Some(tag) = tag else { continue };
            if language_tags::LanguageTag::parse(tag).is_err() {
                diags.push(
                    Diagnostic::error(format!(
                        "source {:?}: {key} {tag:?} is not a BCP 47 language tag",
                        s.id
                    ))
                    .in_file(SOURCES_FILE)
                    .at_pos(locate(text, key, &format!("\"{tag}\"")))
                    .hint("write a language tag such as \"zh\", \"zh-Hant\", \"en\" or \"ja\""),
                );
            }
        }
        for (key, value) in [("note", &s.note), ("publisher", &s.publisher)] {
            for lang in value.iter().flat_map(|v| v.missing(languages)) {
                diags.push(
                    Diagnostic::error(format!("source {:?}: {key} has no `{lang}` text", s.id))
                        .in_file(SOURCES_FILE)
                        .at_pos(at)
                        .hint(format!(
                            "add {lang} = \"...\" to its {key} table (or give one plain text for every language)"
                        )),
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

fn check_bodies(bodies: &[Body], text: &str, languages: &[&str], diags: &mut Vec<Diagnostic>) {
    check_ids(
        "body",
        BODIES_FILE,
        bodies.iter().map(|b| b.id.as_str()),
        text,
        diags,
    );
    for b in bodies {
        for lang in b.name.missing(languages) {
            diags.push(
                Diagnostic::error(format!("body {:?} has no name in `{lang}`", b.id))
                    .in_file(BODIES_FILE)
                    .at_pos(locate(text, "id", &format!("\"{}\"", b.id)))
                    .hint(format!("add {lang} = \"...\" to its name table")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(files: &[(&str, &str)]) -> (Data, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let (data, diags) = Data::load(dir.path(), &["zh", "en"]);
        (data, diags.iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn body_needs_a_name_in_every_language() {
        let (data, diags) = load(&[(
            BODIES_FILE,
            "[[body]]\nid = \"nmpa\"\nkind = \"regulator\"\nname = { en = \"NMPA\" }\n",
        )]);
        assert_eq!(data.bodies.len(), 1);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].starts_with("data/bodies.toml:2:") && diags[0].contains("no name in `zh`"),
            "{diags:?}"
        );
    }

    #[test]
    fn body_kind_outside_vocabulary_names_line_and_values() {
        let (_, diags) = load(&[(
            BODIES_FILE,
            "[[body]]\nid = \"x\"\nkind = \"ministry\"\nname = \"X\"\n",
        )]);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].starts_with("data/bodies.toml:3:")
                && diags[0].contains("ministry")
                && diags[0].contains("zone_office"),
            "{diags:?}"
        );
    }

    #[test]
    fn source_note_by_language_needs_every_language() {
        let (data, diags) = load(&[(
            SOURCES_FILE,
            "[[source]]\nid = \"a\"\ntitle = \"甲\"\nlang = \"zh\"\nread = \"en\"\nnote = { en = \"Read in English.\" }\npublisher = { zh = \"证券日报\", en = \"Securities Daily\" }\n",
        )]);
        let s = data.source("a").unwrap();
        assert_eq!(
            s.publisher.as_ref().unwrap().get("en"),
            Some("Securities Daily")
        );
        assert_eq!(s.read.as_deref(), Some("en"));
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].starts_with("data/sources.toml:2:")
                && diags[0].contains("note has no `zh` text"),
            "{diags:?}"
        );
    }

    #[test]
    fn plain_source_note_and_bad_read_tag() {
        let (data, diags) = load(&[(
            SOURCES_FILE,
            "[[source]]\nid = \"a\"\ntitle = \"A\"\nread = \"english!\"\nnote = \"One note.\"\n",
        )]);
        assert_eq!(
            data.source("a").unwrap().note.as_ref().unwrap().get("zh"),
            Some("One note.")
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0].starts_with("data/sources.toml:4:")
                && diags[0].contains("read \"english!\" is not a BCP 47"),
            "{diags:?}"
        );
    }

    #[test]
    fn plain_name_serves_every_language() {
        let (data, diags) = load(&[(
            BODIES_FILE,
            "[[body]]\nid = \"fda\"\nkind = \"regulator\"\nname = \"FDA\"\n",
        )]);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(data.body("fda").unwrap().name.get("zh"), Some("FDA"));
    }
}
