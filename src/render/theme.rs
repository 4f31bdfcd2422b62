//! Loading a theme (`themes/<theme>/`): its Tera templates, compiled once with the `trans()`
//! function, and its interface strings. Takes the theme folder and the site's languages;
//! gives a [`Theme`] or every problem found; must not render pages.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Kwargs, State, Tera, Value};

use super::errors::tera_diagnostics;
use super::i18n::{I18n, load_i18n};
use crate::diagnostics::Diagnostic;

/// A loaded theme: compiled templates and interface strings. Cloning it is cheap (the
/// compiled templates are shared).
#[derive(Clone)]
pub struct Theme {
    pub(super) tera: Arc<Tera>,
    pub(super) i18n: Arc<I18n>,
    pub(super) dir: PathBuf,
    /// Whether a template mentions `summary` (other than the HTML element): page references
    /// carry the summary HTML only then (it is most of a reference's size, and references of
    /// every page stay in memory for the lists).
    pub(super) uses_summary: bool,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme").field("dir", &self.dir).finish()
    }
}

/// True if a template's text uses the `summary` value: the word appears other than in the
/// HTML element `<summary>` / `</summary>`.
fn mentions_summary(template: &str) -> bool {
    let all = template.matches("summary").count();
    let tags = template.matches("<summary").count() + template.matches("</summary").count();
    all > tags
}

/// Templates every theme must have.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "base.html",
    "home.html",
    "section.html",
    "page.html",
    "root.html",
    "404.html",
    "compare.html",
    "timeline.html",
    "sources.html",
    "taxonomy.html",
    "term.html",
    "search.html",
];

impl Theme {
    /// Loads `themes/<name>/` for the given languages. Reports every problem found.
    pub fn load(root: &Path, dir: &Path, languages: &[&str]) -> Result<Theme, Vec<Diagnostic>> {
        let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
        let mut errs = Vec::new();
        if !dir.is_dir() {
            let available: Vec<String> = std::fs::read_dir(root.join("themes"))
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().to_string())
                        .collect()
                })
                .unwrap_or_default();
            return Err(vec![
                Diagnostic::error(format!(
                    "the theme folder {} does not exist",
                    rel(dir).display()
                ))
                .in_file(crate::config::CONFIG_FILE)
                .hint(if available.is_empty() {
                    "create it, or set `theme` in atlas.toml to an existing folder under themes/"
                        .to_string()
                } else {
                    format!(
                        "set `theme` in atlas.toml to one of: {}",
                        available.join(", ")
                    )
                }),
            ]);
        }
        let tdir = dir.join("templates");
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        let mut files = Vec::new();
        for (name, path) in files_under(&tdir) {
            match std::fs::read_to_string(&path) {
                Ok(t) => files.push((name, t)),
                Err(err) => errs.push(
                    Diagnostic::error(format!("cannot read the template: {err}"))
                        .in_file(rel(&path))
                        .hint("save it as UTF-8 and make it readable"),
                ),
            }
        }
        let i18n = Arc::new(load_i18n(root, &dir.join("i18n"), languages, &mut errs));
        // Each string as a Tera value, made once: `trans()` runs dozens of times per page.
        let strings: BTreeMap<String, HashMap<String, Value>> = i18n
            .0
            .iter()
            .map(|(lang, m)| {
                let values = m
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                    .collect();
                (lang.clone(), values)
            })
            .collect();
        tera.register_filter("json", json_filter);
        tera.register_function(
            "trans",
            move |kwargs: Kwargs, state: &State| -> tera::TeraResult<Value> {
                let key: &str = kwargs.must_get("key")?;
                let from_state;
                let lang: &str = match kwargs.get::<&str>("lang")? {
                    Some(l) => l,
                    None => {
                        from_state = state.get::<Value>("lang")?;
                        from_state.as_ref().and_then(Value::as_str).ok_or_else(|| {
                            tera::Error::message("trans(): no `lang` in the context")
                        })?
                    }
                };
                strings
                    .get(lang)
                    .and_then(|m| m.get(key))
                    .cloned()
                    .ok_or_else(|| {
                        tera::Error::message(format!("trans(): no key `{key}` in i18n/{lang}.toml"))
                    })
            },
        );
        // Syntax errors file by file (so all are reported), then the whole set for references.
        for (name, text) in &files {
            let mut one = Tera::new();
            one.register_from(&tera);
            if let Err(e) = one.add_raw_template(name, text) {
                if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                    errs.extend(tera_diagnostics(&e, &tdir, root));
                }
            }
        }
        if errs.is_empty() {
            if let Err(e) =
                tera.add_raw_templates(files.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            {
                errs.extend(tera_diagnostics(&e, &tdir, root));
            }
        }
        for t in REQUIRED_TEMPLATES {
            if !files.iter().any(|(n, _)| n == t) {
                errs.push(
                    Diagnostic::error(format!("the theme has no template {t}"))
                        .in_file(rel(&tdir.join(t)))
                        .hint("every theme needs: ".to_string() + &REQUIRED_TEMPLATES.join(", ")),
                );
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        let uses_summary = files.iter().any(|(_, t)| mentions_summary(t));
        Ok(Theme {
            tera: Arc::new(tera),
            i18n,
            dir: dir.to_path_buf(),
            uses_summary,
        })
    }

    /// [`Theme::load`], reusing the theme `cache` holds when everything a load reads (the
    /// templates, the interface strings of `languages`) has the same bytes as when it was
    /// compiled, and leaving a newly compiled theme in it. Used by `atlas serve` and `atlas
    /// lsp`, which load the site again after each edit: compiling the templates is most of a
    /// theme's load.
    pub fn load_cached(
        root: &Path,
        dir: &Path,
        languages: &[&str],
        cache: &ThemeCache,
    ) -> Result<Theme, Vec<Diagnostic>> {
        let key = sources_hash(root, dir, languages);
        let mut kept = cache.0.lock().unwrap_or_else(|e| e.into_inner());
        if let (Some(key), Some((k, theme))) = (key, kept.as_ref()) {
            if *k == key {
                return Ok(theme.clone());
            }
        }
        *kept = None;
        let theme = Self::load(root, dir, languages)?;
        if let Some(key) = key {
            *kept = Some((key, theme.clone()));
        }
        Ok(theme)
    }

    /// Whether a template shows summaries (`summary`, other than the HTML element).
    pub fn uses_summary(&self) -> bool {
        self.uses_summary
    }

    /// The interface strings.
    pub fn i18n(&self) -> &I18n {
        &self.i18n
    }

    /// The theme folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// The last theme [`Theme::load_cached`] compiled, with a hash of what it was made from.
#[derive(Default)]
pub struct ThemeCache(std::sync::Mutex<Option<(u128, Theme)>>);

impl std::fmt::Debug for ThemeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThemeCache").finish_non_exhaustive()
    }
}

/// A hash of everything [`Theme::load`] reads (the folders, the languages, each template's
/// name and bytes, each language's interface strings file), or None when something cannot
/// be read (the load then reports it, and nothing is kept).
fn sources_hash(root: &Path, dir: &Path, languages: &[&str]) -> Option<u128> {
    use std::hash::Hash;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    (root, dir, languages).hash(&mut h);
    if !dir.is_dir() {
        return None;
    }
    for (name, path) in files_under(&dir.join("templates")) {
        (name, std::fs::read(&path).ok()?).hash(&mut h);
    }
    for lang in languages {
        let path = dir.join("i18n").join(format!("{lang}.toml"));
        std::fs::read(&path).ok()?.hash(&mut h);
    }
    Some(h.digest128())
}

/// Files under `dir` (sorted, hidden and editor files left out) as (relative path with `/`,
/// path on disk).
pub(super) fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| {
            e.file_type().is_file()
                && !crate::content::is_ignored_name(&e.file_name().to_string_lossy())
        })
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap_or(e.path())
                .to_string_lossy()
                .replace('\\', "/");
            (rel, e.path().to_path_buf())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn summary_is_mentioned_in_expressions_not_as_the_html_element() {
        assert!(super::mentions_summary("{{ p.summary | safe }}"));
        assert!(super::mentions_summary(
            "<summary>x</summary>{% if page.summary %}{% endif %}"
        ));
        assert!(!super::mentions_summary(
            "<details><summary>{{ t }}</summary></details>"
        ));
    }
}

/// `{{ value | json }}`: the value as JSON, safe inside a `<script>` element and in HTML:
/// `<`, `>` and `&` are written as `\u003c`, `\u003e` and `\u0026`, so no value can close
/// the element (`</script>`) or open a comment.
fn json_filter(val: Value, _: Kwargs, _: &State) -> tera::TeraResult<Value> {
    let text =
        serde_json::to_string(&val).map_err(|e| tera::Error::message(format!("json: {e}")))?;
    Ok(Value::safe_string(&json_for_script(&text)))
}

/// JSON text with `<`, `>` and `&` escaped (still the same JSON value).
pub(crate) fn json_for_script(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod json_tests {
    use super::json_for_script;

    #[test]
    fn script_end_cannot_appear() {
        let text = serde_json::to_string(&serde_json::json!({"a": "</script><!-- & x"})).unwrap();
        let out = json_for_script(&text);
        assert!(
            !out.contains('<') && !out.contains('>') && !out.contains('&'),
            "{out}"
        );
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["a"], "</script><!-- & x");
    }
}
