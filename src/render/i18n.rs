//! The theme's interface strings (`i18n/<lang>.toml`): loading them, checking that every
//! language defines every key, and looking them up. Takes the theme folder; gives [`I18n`];
//! must not render anything.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::Diagnostic;

/// Interface strings by language, then key.
#[derive(Debug, Clone, Default)]
pub struct I18n(pub(super) BTreeMap<String, BTreeMap<String, String>>);

/// i18n keys the renderer itself uses (vocabulary labels and notices); every language of a
/// theme must define them.
pub const REQUIRED_KEYS: &[&str] = &[
    "regions",
    "drugs",
    "compare",
    "timeline",
    "sources",
    "unknown",
    "value_yes",
    "value_no",
    "value_partial",
    "value_not_among_named",
    "not_translated",
    "region",
    "dimension",
];

impl I18n {
    /// The string for a key.
    pub fn get(&self, lang: &str, key: &str) -> Option<&str> {
        self.0.get(lang)?.get(key).map(String::as_str)
    }

    pub(super) fn t(&self, lang: &str, key: &str) -> String {
        self.get(lang, key).unwrap_or(key).to_string()
    }
}

pub(super) fn load_i18n(
    root: &Path,
    dir: &Path,
    languages: &[&str],
    errs: &mut Vec<Diagnostic>,
) -> I18n {
    let mut all = BTreeMap::new();
    // Each file's text, to point at a key another language lacks.
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for lang in languages {
        let path = dir.join(format!("{lang}.toml"));
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                errs.push(
                    Diagnostic::error(format!(
                        "cannot read the interface strings for `{lang}`: {e}"
                    ))
                    .in_file(&rel)
                    .hint(format!(
                        "create {} with the same keys as the other languages",
                        rel.display()
                    )),
                );
                continue;
            }
        };
        match toml::from_str::<BTreeMap<String, String>>(&text) {
            Ok(m) => {
                all.insert(lang.to_string(), m);
                texts.insert(lang.to_string(), text);
            }
            Err(e) => {
                let pos = e
                    .span()
                    .map(|s| crate::diagnostics::line_col(&text, s.start));
                errs.push(
                    Diagnostic::error(e.message().trim().to_string())
                        .in_file(&rel)
                        .at_pos(pos)
                        .hint("each line is key = \"text\""),
                );
            }
        }
    }
    let mut keys: std::collections::BTreeSet<&String> =
        all.values().flat_map(|m| m.keys()).collect();
    let required: Vec<String> = REQUIRED_KEYS
        .iter()
        .chain(crate::pictures::I18N_KEYS)
        .map(|s| s.to_string())
        .collect();
    keys.extend(required.iter());
    for lang in languages {
        let Some(m) = all.get(*lang) else { continue };
        let path = dir.join(format!("{lang}.toml"));
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        for k in &keys {
            if !m.contains_key(*k) {
                // Where another language defines it (file:line), to copy and translate.
                let other = languages.iter().find_map(|o| {
                    let value = all.get(*o)?.get(*k)?;
                    let (line, _) = crate::diagnostics::locate(texts.get(*o)?, k, "")?;
                    let file = dir.join(format!("{o}.toml"));
                    let file = file
                        .strip_prefix(root)
                        .unwrap_or(&file)
                        .display()
                        .to_string();
                    Some((format!("{file}:{line}"), value))
                });
                let d = match other {
                    Some((at, value)) => Diagnostic::error(format!(
                        "interface string `{k}` is missing in language `{lang}`; {at} defines it"
                    ))
                    .hint(format!(
                        "add {k} = \"...\" to {}, translating {at}: {k} = {value:?}",
                        rel.display()
                    )),
                    None => Diagnostic::error(format!(
                        "interface string `{k}` is missing in language `{lang}`"
                    ))
                    .hint(format!("add {k} = \"...\" to {}", rel.display())),
                };
                errs.push(d.in_file(&rel));
            }
        }
    }
    I18n(all)
}
