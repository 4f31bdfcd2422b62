//! `atlas new` and `atlas init`: files to start from.
//!
//! `new region <slug>` / `new drug <slug>` write `content/<section>/<slug>.<lang>.md` for every
//! language of the site, with every required field of the schema and a comment on each field.
//! The files are drafts (`draft = true`) until someone fills in the facts from sources.
//!
//! `init <dir>` writes a new site that builds at once: `atlas.toml`, the default theme (embedded
//! in the binary, so an installed `atlas` needs nothing else), a home page and the two section
//! pages in each language, and empty data files with examples in comments.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::{CONFIG_FILE, Config, Language};
use crate::diagnostics::Diagnostic;

/// The default theme (themes/atlas/), embedded at compile time.
#[derive(rust_embed::Embed)]
#[folder = "themes/atlas/"]
struct DefaultTheme;

/// The name of the embedded theme, as `theme = "..."` in atlas.toml.
pub const DEFAULT_THEME: &str = "atlas";

/// What `atlas new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    /// A region page in `content/regions/`.
    Region,
    /// A drug page in `content/drugs/`.
    Drug,
}

impl NewKind {
    /// The section folder.
    pub fn section(self) -> &'static str {
        match self {
            NewKind::Region => crate::site::REGIONS,
            NewKind::Drug => crate::site::DRUGS,
        }
    }
}

/// True for a slug `new` accepts: lowercase ASCII letters and digits in groups joined by
/// single hyphens (`hainan-boao`, `b2278`).
pub fn valid_new_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 100
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// How the title `atlas new` writes in every language but English starts: a visible
/// placeholder that `atlas check` reports until it is translated.
pub const TITLE_PLACEHOLDER: &str = "TODO";

/// The title `atlas new` writes for `slug` in `lang`: the English title from the slug, as a
/// placeholder in other languages (`TODO 中文标题：Hainan Boao`).
fn new_title(slug: &str, lang: &Language) -> String {
    let english = title_from_slug(slug);
    if lang.code.starts_with("en") {
        english
    } else if lang.code.starts_with("zh") {
        format!("{TITLE_PLACEHOLDER} 中文标题：{english}")
    } else {
        format!("{TITLE_PLACEHOLDER} title in {}: {english}", lang.name)
    }
}

/// `hainan-boao` → `Hainan Boao`.
fn title_from_slug(slug: &str) -> String {
    slug.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes `content/<section>/<slug>.<lang>.md` for every language of the site at `root`.
/// Refuses an invalid slug and refuses to overwrite: if any of the files exists, none is
/// written. Returns the files written, relative to `root`.
pub fn new_page(
    root: &Path,
    kind: NewKind,
    slug: &str,
    today: chrono::NaiveDate,
) -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
    if !valid_new_slug(slug) {
        return Err(vec![
            Diagnostic::error(format!("{slug:?} is not a valid slug")).hint(
                "use lowercase ASCII letters and digits, joined by single hyphens, e.g. hainan-boao",
            ),
        ]);
    }
    let config = Config::load(root)?;
    let section = kind.section();
    let dims = crate::data::Data::load(root, &config.language_codes())
        .0
        .dimensions;
    let files: Vec<(PathBuf, String)> = config
        .languages
        .iter()
        .map(|l| {
            let rel = PathBuf::from("content")
                .join(section)
                .join(format!("{slug}.{}.md", l.code));
            let text = match kind {
                NewKind::Region => region_text(slug, l, &config, &dims, today),
                NewKind::Drug => drug_text(slug, l, &config, today),
            };
            (rel, text)
        })
        .collect();
    let existing: Vec<Diagnostic> = files
        .iter()
        .filter(|(rel, _)| root.join(rel).exists())
        .map(|(rel, _)| {
            Diagnostic::error("the file already exists; nothing was written")
                .in_file(rel)
                .hint("choose another slug, or edit the existing page")
        })
        .collect();
    if !existing.is_empty() {
        return Err(existing);
    }
    // A page with this slug under another name (`slug = "..."` in another file) would clash
    // at build time; the build reports that with both files named.
    let dir = root.join("content").join(section);
    std::fs::create_dir_all(&dir).map_err(|e| {
        vec![
            Diagnostic::error(format!("cannot create the folder: {e}"))
                .in_file(format!("content/{section}"))
                .hint("check the permissions of content/"),
        ]
    })?;
    let mut written = Vec::new();
    for (rel, text) in &files {
        if let Err(e) = write_new(&root.join(rel), text.as_bytes()) {
            // Leave nothing half-made.
            for w in &written {
                let _ = std::fs::remove_file(root.join(w));
            }
            let msg = if e.kind() == std::io::ErrorKind::AlreadyExists {
                "the file already exists; nothing was written".to_string()
            } else {
                format!("cannot write the file: {e}; nothing was written")
            };
            return Err(vec![
                Diagnostic::error(msg)
                    .in_file(rel)
                    .hint("check the permissions of the folder"),
            ]);
        }
        written.push(rel.clone());
    }
    Ok(written)
}

/// The text `atlas new` writes for `slug` in the language `lang` of the site at `root`, or
/// None when `lang` is not one of the site's languages. Writes nothing (`atlas lsp` offers it
/// as the missing translation of a page).
pub fn page_text(
    root: &Path,
    kind: NewKind,
    slug: &str,
    lang: &str,
    today: chrono::NaiveDate,
) -> Option<String> {
    let config = Config::load(root).ok()?;
    let l = config.language(lang)?;
    Some(match kind {
        NewKind::Region => {
            let dims = crate::data::Data::load(root, &config.language_codes())
                .0
                .dimensions;
            region_text(slug, l, &config, &dims, today)
        }
        NewKind::Drug => drug_text(slug, l, &config, today),
    })
}

/// Creates a file that must not exist yet.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn body_placeholder(lang: &str, kind: NewKind) -> &'static str {
    match (lang.starts_with("zh"), kind) {
        (true, NewKind::Region) => {
            "## 概况\n\n（在此用中文写本地区的政策概况，每个事实都注明来源。）\n"
        }
        (true, NewKind::Drug) => "## 概况\n\n（在此用中文写本药品的概况，每个事实都注明来源。）\n",
        (false, NewKind::Region) => {
            "## Overview\n\n(Write the region's policy overview here, citing a source for every fact.)\n"
        }
        (false, NewKind::Drug) => {
            "## Overview\n\n(Write the drug's overview here, citing a source for every fact.)\n"
        }
    }
}

fn common_head(
    slug: &str,
    lang: &Language,
    config: &Config,
    what: &str,
    today: chrono::NaiveDate,
) -> String {
    let others: Vec<String> = config
        .languages
        .iter()
        .filter(|l| l.code != lang.code)
        .map(|l| format!("{slug}.{}.md", l.code))
        .collect();
    let translations = if others.is_empty() {
        String::new()
    } else {
        format!(
            "# Its translation(s) sit beside it: {}. All language versions carry the same\n\
             # structured facts (dates, kind, status, sources, events, values); only the wording is\n\
             # translated. `atlas check` reports any disagreement.\n",
            others.join(", ")
        )
    };
    format!(
        "+++\n\
# A {what} page of the atlas, in {name} ({code}).\n\
{translations}\
# Front matter reference: README.md of atlas, section Front matter. Strings are in double quotes.\n\
\n\
# A draft is left out of the build (see it with `atlas build --drafts`).\n\
# Delete this line once every fact below is filled in from a source.\n\
draft = true\n\
\n\
# Title, in this file's language (required; `atlas check` warns while it starts with TODO).\n\
title = \"{title}\"\n\
\n\
# One sentence for lists and the meta description (optional).\n\
# description = \"...\"\n\
\n\
# The date the facts were last checked against the sources, YYYY-MM-DD. `atlas check`\n\
# warns when it is older than [check] stale_after_days in atlas.toml (default 365).\n\
updated = {today}\n\
\n\
# Sort order in lists, lowest first (optional; default 0).\n\
# weight = 100\n\
\n\
# Free tags (optional), and old URLs that should redirect here (optional).\n\
# tags = [\"...\"]\n\
# aliases = [\"old/path/\"]\n",
        name = lang.name,
        code = lang.code,
        title = new_title(slug, lang),
    )
}

fn region_text(
    slug: &str,
    lang: &Language,
    config: &Config,
    dims: &[crate::data::Dimension],
    today: chrono::NaiveDate,
) -> String {
    let mut s = common_head(slug, lang, config, "region", today);
    s.push_str(
        "\n[region]\n\
# The kind of jurisdiction (required), one of:\n\
#   national | municipality | province | city | pilot_zone | sar | region | foreign\n\
kind = \"province\"\n\
\n\
# Slug of the enclosing region's page, e.g. \"china\" (optional; it must exist).\n\
# parent = \"china\"\n\
\n\
# Other names and spellings (optional).\n\
# names = [\"...\"]\n\
\n\
# Ids of regulators in data/bodies.toml (kind = \"regulator\"), and of the legislatures,\n\
# governments, funders and zone offices that issue or fund policy here (optional).\n\
# regulators = [\"...\"]\n\
# policy_bodies = [\"...\"]\n\
\n\
# Ids of sources (from data/sources.toml) for the page as a whole; cite sources in the\n\
# text with [@source-id].\n\
sources = []\n\
\n\
# Dated events, one [[region.events]] table each (optional):\n\
# [[region.events]]\n\
# date = \"2024-06\"       # YYYY, YYYY-MM or YYYY-MM-DD: exactly as precise as the source\n\
# kind = \"policy\"        # policy | regulation | ind | application | approval | prescription | trial | other\n\
# title = \"One sentence in this file's language.\"\n\
# source = \"source-id\"   # an id from data/sources.toml\n\
\n\
# Comparison values, one table per dimension of data/dimensions.toml (optional). Leave a\n\
# dimension out when the sources say nothing: the table then shows \"unknown\".\n",
    );
    if dims.is_empty() {
        s.push_str("# (data/dimensions.toml defines no dimension yet.)\n");
    } else {
        s.push_str("# The dimensions: ");
        let list: Vec<String> = dims
            .iter()
            .map(|d| {
                let t = match d.kind {
                    crate::data::DimensionType::YesNoPartial => "\"yes\" | \"no\" | \"partial\"",
                    crate::data::DimensionType::Date => "a date such as \"2024-06\"",
                    crate::data::DimensionType::Number => "a number",
                    crate::data::DimensionType::Text => "a text in this file's language",
                };
                format!("{} ({t})", d.id)
            })
            .collect();
        s.push_str(&list.join(",\n#   "));
        s.push('\n');
    }
    let example = dims.first().map_or("dimension-id", |d| d.id.as_str());
    s.push_str(&format!(
        "# [region.compare.{example}]\n\
# value = \"...\"\n\
# source = \"source-id\"\n\
# note = \"An optional note in this file's language.\"\n\
+++\n"
    ));
    s.push_str(body_placeholder(&lang.code, NewKind::Region));
    s
}

fn drug_text(slug: &str, lang: &Language, config: &Config, today: chrono::NaiveDate) -> String {
    let mut s = common_head(slug, lang, config, "drug", today);
    s.push_str(
        "\n[drug]\n\
# Regulatory status (required), one of:\n\
#   approved | conditionally_approved | application_accepted | phase_3 | phase_2_3 |\n\
#   phase_2 | phase_1_2 | phase_1 | ind_approved\n\
status = \"ind_approved\"\n\
# The date the sources show the status as true, as precise as they are (e.g. \"2025-06\").\n\
# status_as_of = \"...\"\n\
\n\
# Generic name / INN, brand name and Chinese name (optional).\n\
# inn = \"...\"\n\
# brand = \"...\"\n\
# name_zh = \"...\"\n\
\n\
# Spelling variants seen in sources (optional).\n\
# aliases = [\"...\"]\n\
\n\
# In this file's language; leave out what the sources do not say (optional).\n\
# developer = \"...\"\n\
# cell_type = \"...\"\n\
# tissue_source = \"...\"\n\
# indications = [\"...\"]\n\
# regulator = \"...\"\n\
\n\
# Price, only where a source gives one (optional).\n\
# price = \"...\"\n\
# price_as_of = \"...\"   # the date the source gives the price for\n\
\n\
# Slugs of related region pages (optional; each must exist), e.g. [\"china\"].\n\
regions = []\n\
\n\
# Ids of sources (from data/sources.toml) for the page as a whole; cite sources in the\n\
# text with [@source-id].\n\
sources = []\n\
\n\
# Dated events, one [[drug.events]] table each (optional):\n\
# [[drug.events]]\n\
# date = \"2025-01\"       # YYYY, YYYY-MM or YYYY-MM-DD: exactly as precise as the source\n\
# kind = \"approval\"      # policy | regulation | ind | application | approval | prescription | trial | other\n\
# title = \"One sentence in this file's language.\"\n\
# source = \"source-id\"   # an id from data/sources.toml\n\
# inferred = \"...\"       # only if the date is the atlas's own inference: what, from what\n\
\n\
# Fields whose value is the atlas's own inference, not in the sources (optional):\n\
# [drug.inferred]\n\
# developer = \"What the atlas inferred, and from what.\"\n\
+++\n",
    );
    s.push_str(body_placeholder(&lang.code, NewKind::Drug));
    s
}

/// What `init` wrote.
#[derive(Debug, Clone)]
pub struct InitReport {
    /// Files written, relative to the new site's folder.
    pub files: Vec<PathBuf>,
}

const INIT_CONFIG: &str = r#"# atlas site configuration.

# The URL the site is published at. "/" works for a site at the root of any host; for a
# sub-path write the full URL, e.g. "https://example.org/atlas/". `atlas build --base-url`
# overrides it (see the deployment recipes in the atlas README).
base_url = "/"

# The theme: a folder under themes/.
theme = "atlas"

# The language of x-default links, and the one shown for a page not yet translated.
default_language = "zh"

# The languages, in the order the language switcher shows them. `code` is the URL prefix and
# the file-name suffix (content/_index.zh.md -> /zh/); `tag` is the BCP 47 tag for lang and
# hreflang; `name` is the language's own name.
[[languages]]
code = "zh"
tag = "zh-Hans"
name = "中文"
title = "干细胞政策图谱"
description = "一份双语、逐条注明出处的干细胞政策图谱。"

[[languages]]
code = "en"
tag = "en"
name = "English"
title = "Stem-Cell Policy Atlas"
description = "A bilingual, cited atlas of stem-cell policy."

[check]
# `atlas check` warns about pages whose `updated` date is older than this many days.
stale_after_days = 365
"#;

const INIT_SOURCES: &str = r#"# The source registry: every document the atlas cites. Cite one in a page's text with
# [@id], or list it in front matter (sources = ["id"], and the `source` of events and
# comparison values). Example:
#
# [[source]]
# id = "example-review-2024"        # lowercase letters, digits, - and _
# title = "Title in its original language"
# lang = "zh"                       # language of the original (optional)
# publisher = "Publisher"           # optional
# date = "2024-04"                  # YYYY, YYYY-MM or YYYY-MM-DD, as the document gives it (optional)
# url = "https://..."               # optional
# doi = "10.1000/example"           # optional
# note = "A remark on the document (optional)."
"#;

const INIT_DIMENSIONS: &str = r#"# The rows of the comparison table. Each region page may give a value per dimension
# ([region.compare.<id>]); a region the sources say nothing about shows "unknown". Example:
#
# [[dimension]]
# id = "local_legislation"                 # lowercase letters, digits, - and _
# type = "yes_no_partial"                  # yes_no_partial | date | number | text
# label = { zh = "地方性立法", en = "Dedicated local legislation" }
# description = { zh = "……", en = "..." }  # optional
"#;

const INIT_GITIGNORE: &str = "/public/\n";

/// Creates a new site in `dir` (created if missing; refused unless empty).
pub fn init(dir: &Path) -> Result<InitReport, Diagnostic> {
    let created_dir = if dir.exists() {
        if !dir.is_dir() {
            return Err(Diagnostic::error("this is a file, not a folder")
                .in_file(dir)
                .hint("give the path of a new or empty folder"));
        }
        let mut entries = std::fs::read_dir(dir).map_err(|e| {
            Diagnostic::error(format!("cannot read the folder: {e}"))
                .in_file(dir)
                .hint("check its permissions")
        })?;
        if entries.next().is_some() {
            return Err(Diagnostic::error(
                "the folder is not empty; atlas init only writes into a new or empty folder",
            )
            .in_file(dir)
            .hint("choose a new folder name, e.g. `atlas init my-atlas`"));
        }
        false
    } else {
        std::fs::create_dir_all(dir).map_err(|e| {
            Diagnostic::error(format!("cannot create the folder: {e}"))
                .in_file(dir)
                .hint("check the permissions of its parent folder")
        })?;
        true
    };
    match write_site(dir) {
        Ok(files) => Ok(InitReport { files }),
        Err((rel, e)) => {
            // The folder was new or empty: remove what was written.
            if created_dir {
                let _ = std::fs::remove_dir_all(dir);
            } else if let Ok(entries) = std::fs::read_dir(dir) {
                for e in entries.flatten() {
                    let p = e.path();
                    let _ = if p.is_dir() {
                        std::fs::remove_dir_all(&p)
                    } else {
                        std::fs::remove_file(&p)
                    };
                }
            }
            Err(Diagnostic::error(format!("cannot write {}: {e}", rel.display()))
                .in_file(dir)
                .hint("check free disk space and the folder's permissions; nothing was left behind"))
        }
    }
}

/// The files of the default theme, as (path relative to the theme folder, bytes).
pub fn default_theme_files() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = DefaultTheme::iter()
        .filter(|p| !p.split('/').any(crate::content::is_ignored_name))
        .filter_map(|p| DefaultTheme::get(&p).map(|f| (p.to_string(), f.data.into_owned())))
        .collect();
    v.sort();
    v
}

fn write_site(dir: &Path) -> Result<Vec<PathBuf>, (PathBuf, std::io::Error)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (PathBuf::from(CONFIG_FILE), INIT_CONFIG.into()),
        (PathBuf::from(".gitignore"), INIT_GITIGNORE.into()),
        (
            PathBuf::from(crate::data::SOURCES_FILE),
            INIT_SOURCES.into(),
        ),
        (
            PathBuf::from(crate::data::DIMENSIONS_FILE),
            INIT_DIMENSIONS.into(),
        ),
    ];
    let pages: [(&str, &str, &str); 6] = [
        (
            "content/_index.zh.md",
            "干细胞政策图谱",
            "这里是图谱的首页。用 `atlas new region <slug>` 添加地区，用 `atlas new drug <slug>` 添加药品。\n",
        ),
        (
            "content/_index.en.md",
            "Stem-Cell Policy Atlas",
            "This is the atlas's home page. Add regions with `atlas new region <slug>` and drugs with `atlas new drug <slug>`.\n",
        ),
        (
            "content/regions/_index.zh.md",
            "地区",
            "各地区的干细胞政策。\n",
        ),
        (
            "content/regions/_index.en.md",
            "Regions",
            "Stem-cell policy, region by region.\n",
        ),
        ("content/drugs/_index.zh.md", "药品", "干细胞药品。\n"),
        ("content/drugs/_index.en.md", "Drugs", "Stem-cell drugs.\n"),
    ];
    for (path, title, body) in pages {
        files.push((
            PathBuf::from(path),
            format!("+++\ntitle = \"{title}\"\n+++\n{body}").into_bytes(),
        ));
    }
    for (rel, bytes) in default_theme_files() {
        files.push((PathBuf::from("themes").join(DEFAULT_THEME).join(rel), bytes));
    }
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| (rel.clone(), e))?;
        }
        write_new(&path, &bytes).map_err(|e| (rel.clone(), e))?;
        written.push(rel);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in ["beijing", "hainan-boao", "b2278", "a1-b2"] {
            assert!(valid_new_slug(ok), "{ok}");
        }
        for bad in [
            "", "Beijing", "a--b", "-a", "a-", "a_b", "a/b", "..", "北京", "a b",
        ] {
            assert!(!valid_new_slug(bad), "{bad}");
        }
        assert_eq!(title_from_slug("hainan-boao"), "Hainan Boao");
    }

    #[test]
    fn embedded_theme_has_templates_and_i18n() {
        let files = default_theme_files();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "templates/base.html",
            "i18n/zh.toml",
            "i18n/en.toml",
            "static/style.css",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        // Byte for byte what is in themes/atlas/.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/atlas");
        for (rel, bytes) in &files {
            assert_eq!(&std::fs::read(root.join(rel)).unwrap(), bytes, "{rel}");
        }
    }

    #[test]
    fn init_config_parses() {
        let c = Config::parse(INIT_CONFIG, Path::new("atlas.toml")).unwrap();
        assert_eq!(c.language_codes(), vec!["zh", "en"]);
    }
}
