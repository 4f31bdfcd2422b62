//! For unit tests of the site checks: a small two-language site written to a temporary
//! folder and built into a model; gives the error and warning lines (`file:line:col: ...`).

use std::path::Path;

use super::{BuildOptions, Site};
use crate::config::{Config, SitePaths};

/// The smallest config with `zh` and `en`.
const CONFIG: &str = "base_url = \"https://example.org/\"\ntheme = \"atlas\"\ndefault_language = \"en\"\n\n\
[[languages]]\ncode = \"en\"\ntag = \"en\"\nname = \"English\"\ntitle = \"T\"\ndescription = \"d\"\n\n\
[[languages]]\ncode = \"zh\"\ntag = \"zh-Hans\"\nname = \"中文\"\ntitle = \"T\"\ndescription = \"d\"\n";

/// One source `s1`, cited by the pages the tests write.
const SOURCES: &str = "[[source]]\nid = \"s1\"\ntitle = \"A source\"\n";

/// Builds a site from `files` (relative path, text) plus the config and `data/sources.toml`
/// (unless `files` has its own), a home page and a regions index in both languages; returns every diagnostic, as printed.
pub(crate) fn diagnostics(files: &[(&str, &str)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("atlas.toml", CONFIG);
    write("data/sources.toml", SOURCES);
    for lang in ["en", "zh"] {
        write(
            &format!("content/_index.{lang}.md"),
            "+++\ntitle = \"Home\"\n+++\n",
        );
        write(
            &format!("content/regions/_index.{lang}.md"),
            "+++\ntitle = \"Regions\"\n+++\n",
        );
    }
    for (rel, text) in files {
        write(rel, text);
    }
    build(root)
}

fn build(root: &Path) -> Vec<String> {
    let config = Config::load(root).expect("test config");
    let content = crate::content::load(root, &config);
    let (data, mut out): (_, Vec<String>) = {
        let (d, diags) = crate::data::Data::load(root, &["en", "zh"]);
        (d, diags.iter().map(|d| d.to_string()).collect())
    };
    let paths = SitePaths::new(root, &config);
    match Site::build(config, paths, content, data, &BuildOptions::default()) {
        Ok(site) => out.extend(site.warnings.iter().map(|d| d.to_string())),
        Err(diags) => out.extend(diags.iter().map(|d| d.to_string())),
    }
    out
}
