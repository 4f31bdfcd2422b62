//! File names: `regions/beijing.zh.md` split into section, stem, language and kind, and the
//! slugs atlas accepts.

use std::path::Path;

use super::Kind;
use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// Splits `regions/beijing.zh.md` into (section, stem, lang, kind).
pub(super) fn name_parts(
    rel_path: &Path,
    config: &Config,
) -> Result<(String, String, String, Kind), Diagnostic> {
    let name = rel_path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let section = rel_path
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let base = name.strip_suffix(".md").unwrap_or(&name);
    let langs = config.language_codes().join(", ");
    let Some((stem, lang)) = base.rsplit_once('.') else {
        return Err(Diagnostic::error(format!(
            "the file name has no language code: {name}"
        ))
        .hint(format!(
            "name it <slug>.<lang>.md with one of the site's languages ({langs}), e.g. {base}.{}.md",
            config.default_language
        )));
    };
    if config.language(lang).is_none() {
        return Err(Diagnostic::error(format!(
            "`{lang}` in the file name is not a language of this site"
        ))
        .hint(format!(
            "use one of the languages in atlas.toml ({langs}), or add [[languages]] code = \"{lang}\" there"
        )));
    }
    let kind = match (stem, section.is_empty()) {
        ("_index", true) => Kind::Home,
        ("_index", false) => Kind::Section,
        (_, true) => {
            return Err(Diagnostic::error(
                "a page must be inside a section folder, not directly in content/",
            )
            .hint("move it into a folder such as content/regions/"));
        }
        _ => Kind::Page,
    };
    if kind == Kind::Page && !valid_slug(stem) {
        return Err(
            Diagnostic::error(format!("`{stem}` is not a valid page name"))
                .hint("use lowercase letters, digits and - in file names (e.g. hainan-boao.zh.md)"),
        );
    }
    for seg in section.split('/').filter(|s| !s.is_empty()) {
        if !valid_slug(seg) {
            return Err(
                Diagnostic::error(format!("`{seg}` is not a valid section folder name"))
                    .hint("use lowercase letters, digits and - in folder names"),
            );
        }
    }
    Ok((section, stem.to_string(), lang.to_string(), kind))
}

/// A URL segment atlas accepts: not empty, no `.`/`..`, no `/`, `\`, spaces or control chars.
pub fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}
