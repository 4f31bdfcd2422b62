//! `atlas.toml`: the site's configuration.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, line_col};

/// One language of the site.
#[derive(Debug, Clone, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// URL code and file-name suffix, such as `zh` or `en`.
    pub code: String,
    /// BCP 47 tag for `lang` and `hreflang`, such as `zh-Hans`.
    pub tag: String,
    /// The language's own name, for the language switcher (`中文`, `English`).
    pub name: String,
    /// Site title in this language.
    pub title: String,
    /// Site description in this language.
    #[serde(default)]
    pub description: String,
}

/// Settings for `atlas check`.
#[derive(Debug, Clone, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// A page whose `updated` date is older than this many days is reported as stale.
    #[serde(default = "default_stale_days")]
    pub stale_after_days: u32,
    /// What scripts, plugins, redirects and script URLs in raw HTML (page bodies, HTML and
    /// SVG files) are: warnings of `atlas check` (default), or errors that also fail
    /// `atlas build` and `atlas serve`.
    #[serde(default)]
    pub raw_html: RawHtmlMode,
}

/// `[check] raw_html`: how raw HTML that could run script is reported.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Deserialize,
    serde::Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum RawHtmlMode {
    /// Warnings of `atlas check`; the build does not look.
    #[default]
    Warn,
    /// Errors: `atlas check`, `atlas build` and `atlas serve` fail.
    Error,
}

fn default_stale_days() -> u32 {
    365
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            stale_after_days: default_stale_days(),
            raw_html: RawHtmlMode::default(),
        }
    }
}

/// The parsed and validated `atlas.toml`.
#[derive(Debug, Clone, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Full URL the site is published at, such as `https://example.org/atlas/`.
    pub base_url: String,
    /// The theme: a folder under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Code of the default language (used for `x-default` and fallbacks).
    pub default_language: String,
    /// The languages, in the order the language switcher shows them.
    pub languages: Vec<Language>,
    /// `atlas check` settings.
    #[serde(default)]
    pub check: CheckConfig,
    /// Free-form values for templates.
    #[serde(default)]
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub extra: toml::Table,
    /// `base_url` and its (origin, path), parsed once.
    #[serde(skip)]
    parsed_base: std::sync::OnceLock<(String, (String, String))>,
}

fn default_theme() -> String {
    "atlas".to_string()
}

/// File name of the config inside the site root.
pub const CONFIG_FILE: &str = "atlas.toml";

impl Config {
    /// Reads and validates `<root>/atlas.toml`. Every problem found is returned.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            vec![
                Diagnostic::error(format!("cannot read the site config: {e}"))
                    .in_file(&path)
                    .hint(format!(
                        "run atlas in a site folder (one with {CONFIG_FILE}), or pass --root DIR"
                    )),
            ]
        })?;
        Config::parse(&text, Path::new(CONFIG_FILE))
    }

    /// Parses config text; `file` names it in messages.
    pub fn parse(text: &str, file: &Path) -> Result<Config, Vec<Diagnostic>> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let pos = e.span().map(|s| line_col(text, s.start));
            vec![
                Diagnostic::error(format!("invalid config: {}", e.message()))
                    .in_file(file)
                    .at_pos(pos)
                    .hint(crate::suggest::serde_hint(
                        e.message(),
                        "see the Configuration section of README.md for the allowed keys",
                    )),
            ]
        })?;
        let errors = config.validate(text, file);
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    fn validate(&self, text: &str, file: &Path) -> Vec<Diagnostic> {
        let mut errs = Vec::new();
        let mut err = |key: &str, needle: &str, msg: String, hint: &str| {
            errs.push(
                Diagnostic::error(msg)
                    .in_file(file)
                    .at_pos(crate::diagnostics::locate(text, key, needle))
                    .hint(hint.to_string()),
            );
        };
        if let Err(e) = parse_base_url(&self.base_url) {
            err(
                "base_url",
                &self.base_url,
                format!("`base_url`: {e}"),
                "use a full URL such as \"https://example.org/atlas/\", or \"/\" for a site served at the root of any host",
            );
        }
        if self.languages.is_empty() {
            err(
                "languages",
                "",
                "`languages` is empty".into(),
                "add at least one [[languages]] table",
            );
        }
        let mut seen = std::collections::HashSet::new();
        for l in &self.languages {
            let valid_code = !l.code.is_empty()
                && l.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !valid_code {
                err(
                    "code",
                    &l.code,
                    format!(
                        "`languages.code` = {:?} is not a valid language code",
                        l.code
                    ),
                    "use a short lowercase code such as \"zh\" or \"en\"",
                );
            }
            if !seen.insert(l.code.as_str()) {
                err(
                    "code",
                    &l.code,
                    format!("`languages.code` {:?} is listed twice", l.code),
                    "each language must appear once",
                );
            }
            let valid_tag = !l.tag.is_empty()
                && l.tag.split('-').all(|p| {
                    !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric())
                });
            if !valid_tag {
                err(
                    "tag",
                    &l.tag,
                    format!("`languages.tag` = {:?} is not a BCP 47 language tag", l.tag),
                    "use a tag such as \"zh-Hans\" or \"en\"",
                );
            }
            if l.title.trim().is_empty() {
                err(
                    "title",
                    "",
                    format!("`languages.title` is empty for {:?}", l.code),
                    "give the site a title in every language",
                );
            }
        }
        if !self
            .languages
            .iter()
            .any(|l| l.code == self.default_language)
        {
            err(
                "default_language",
                &self.default_language,
                format!(
                    "`default_language` = {:?} is not one of the languages ({})",
                    self.default_language,
                    self.language_codes().join(", ")
                ),
                "set it to the code of one of the [[languages]]",
            );
        }
        let theme_ok = !self.theme.is_empty()
            && self
                .theme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !theme_ok {
            err(
                "theme",
                &self.theme,
                format!("`theme` = {:?} is not a theme folder name", self.theme),
                "use the name of a folder under themes/, such as \"atlas\"",
            );
        }
        errs
    }

    /// The language codes, in order.
    pub fn language_codes(&self) -> Vec<&str> {
        self.languages.iter().map(|l| l.code.as_str()).collect()
    }

    /// The language with this code.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// Overrides `base_url` (from `--base-url`), validating it.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), Diagnostic> {
        parse_base_url(url).map_err(|e| {
            Diagnostic::error(format!("--base-url: {e}"))
                .hint("use a full URL such as https://example.org/atlas/ or a path such as /atlas/")
        })?;
        self.base_url = url.to_string();
        self.parsed_base = std::sync::OnceLock::new();
        Ok(())
    }

    /// (origin, path) of `base_url`, parsed once: every page URL asks for them. The cache
    /// remembers the URL it was parsed from, so a changed `base_url` is parsed again.
    fn parsed_base(&self) -> std::borrow::Cow<'_, (String, String)> {
        let parse =
            || parse_base_url(&self.base_url).unwrap_or_else(|_| (String::new(), "/".into()));
        let cached = self
            .parsed_base
            .get_or_init(|| (self.base_url.clone(), parse()));
        if cached.0 == self.base_url {
            std::borrow::Cow::Borrowed(&cached.1)
        } else {
            std::borrow::Cow::Owned(parse())
        }
    }

    /// The path part of `base_url`, always starting and ending with `/` (`/atlas/`).
    pub fn base_path(&self) -> String {
        self.parsed_base().1.clone()
    }

    /// The scheme and host of `base_url` (`https://example.org`), empty when it is a bare path.
    pub fn origin(&self) -> String {
        self.parsed_base().0.clone()
    }

    /// The languages in the order: default first, then the rest.
    pub fn fallback_order(&self) -> Vec<&str> {
        let mut v = vec![self.default_language.as_str()];
        v.extend(
            self.languages
                .iter()
                .map(|l| l.code.as_str())
                .filter(|c| *c != self.default_language),
        );
        v
    }
}

/// Splits a base URL into (origin, path). The path gets a trailing slash.
fn parse_base_url(url: &str) -> Result<(String, String), String> {
    let (origin, path) = if url.starts_with('/') {
        (String::new(), url.to_string())
    } else if let Some(rest) = url
        .strip_prefix("https://")
        .map(|r| ("https://", r))
        .or_else(|| url.strip_prefix("http://").map(|r| ("http://", r)))
    {
        let (scheme, rest) = rest;
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() {
            return Err(format!("{url:?} has no host"));
        }
        (format!("{scheme}{host}"), path.to_string())
    } else {
        return Err(format!(
            "{url:?} is neither an http(s) URL nor an absolute path"
        ));
    };
    if path.contains(['?', '#', ' ', '\\']) || path.split('/').any(|s| s == ".." || s == ".") {
        return Err(format!("{url:?} has a path atlas cannot publish under"));
    }
    let mut path = path;
    if !path.ends_with('/') {
        path.push('/');
    }
    Ok((origin, path))
}

/// Where the site lives and where its parts are.
#[derive(Debug, Clone)]
pub struct SitePaths {
    /// The site root (holds `atlas.toml`).
    pub root: PathBuf,
    /// `content/`.
    pub content: PathBuf,
    /// `data/`.
    pub data: PathBuf,
    /// `themes/<theme>/`.
    pub theme: PathBuf,
}

impl SitePaths {
    /// The paths of a site with this root and config.
    pub fn new(root: &Path, config: &Config) -> SitePaths {
        SitePaths {
            root: root.to_path_buf(),
            content: root.join("content"),
            data: root.join("data"),
            theme: root.join("themes").join(&config.theme),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
base_url = "https://example.org/atlas"
default_language = "zh"

[[languages]]
code = "zh"
tag = "zh-Hans"
name = "中文"
title = "图谱"

[[languages]]
code = "en"
tag = "en"
name = "English"
title = "Atlas"
"#;

    #[test]
    fn parses_and_normalises_base_path() {
        let c = Config::parse(GOOD, Path::new("atlas.toml")).unwrap();
        assert_eq!(c.base_path(), "/atlas/");
        assert_eq!(c.origin(), "https://example.org");
        assert_eq!(c.fallback_order(), vec!["zh", "en"]);
    }

    #[test]
    fn unknown_key_is_named_with_line() {
        let text = GOOD.replace("default_language", "colour = 1\ndefault_language");
        let e = Config::parse(&text, Path::new("atlas.toml")).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("colour"), "{}", e[0]);
        assert_eq!(e[0].line, Some(3));
    }

    #[test]
    fn bad_values_are_all_reported() {
        let text = GOOD
            .replace("https://example.org/atlas", "ftp://x")
            .replace("default_language = \"zh\"", "default_language = \"fr\"")
            .replace("tag = \"en\"", "tag = \"e n\"");
        let e = Config::parse(&text, Path::new("atlas.toml")).unwrap_err();
        let all: String = e.iter().map(|d| d.to_string() + "\n").collect();
        assert!(all.contains("base_url"), "{all}");
        assert!(all.contains("default_language"), "{all}");
        assert!(all.contains("languages.tag"), "{all}");
        assert_eq!(e.len(), 3, "{all}");
    }

    #[test]
    fn base_path_follows_a_changed_base_url() {
        let mut c = Config::parse(GOOD, Path::new("atlas.toml")).unwrap();
        assert_eq!(c.base_path(), "/atlas/");
        c.set_base_url("/other/").unwrap();
        assert_eq!(
            (c.base_path(), c.origin()),
            ("/other/".into(), String::new())
        );
        c.base_url = "https://e.org/x".into();
        assert_eq!(
            (c.base_path(), c.origin()),
            ("/x/".into(), "https://e.org".into())
        );
    }

    #[test]
    fn base_url_forms() {
        assert_eq!(parse_base_url("/").unwrap().1, "/");
        assert_eq!(
            parse_base_url("http://h").unwrap(),
            ("http://h".into(), "/".into())
        );
        assert!(parse_base_url("https:///x").is_err());
        assert!(parse_base_url("/a/../b").is_err());
    }
}
