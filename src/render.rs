//! Rendering the site model through the theme's Tera templates, in parallel.
//!
//! The theme is `themes/<theme>/`: `templates/*.html` (Tera, autoescaped), `i18n/<lang>.toml`
//! (interface strings, read by the `trans(key=...)` function) and `static/` (copied to the
//! output root). Every page's context is built from values prepared once per language, so
//! the per-page cost is the page itself (Tera values share their maps by reference count).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value as Json, json};
use tera::{Context, Kwargs, State, Tera, Value};

use crate::content::Kind;
use crate::data::DimensionType;
use crate::diagnostics::Diagnostic;
use crate::output::Staging;
use crate::site::{REGIONS, Site};
use crate::tvalue::{Tv, obj};

/// Interface strings by language, then key.
#[derive(Debug, Clone, Default)]
pub struct I18n(BTreeMap<String, BTreeMap<String, String>>);

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
    "not_translated",
    "region",
    "dimension",
];

impl I18n {
    /// The string for a key.
    pub fn get(&self, lang: &str, key: &str) -> Option<&str> {
        self.0.get(lang)?.get(key).map(String::as_str)
    }

    fn t(&self, lang: &str, key: &str) -> String {
        self.get(lang, key).unwrap_or(key).to_string()
    }
}

/// A loaded theme: compiled templates and interface strings.
pub struct Theme {
    tera: Tera,
    i18n: Arc<I18n>,
    dir: PathBuf,
    /// Whether a template mentions `summary` (other than the HTML element): page references
    /// carry the summary HTML only then (it is most of a reference's size, and references of
    /// every page stay in memory for the lists).
    uses_summary: bool,
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
            tera,
            i18n,
            dir: dir.to_path_buf(),
            uses_summary,
        })
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

fn load_i18n(root: &Path, dir: &Path, languages: &[&str], errs: &mut Vec<Diagnostic>) -> I18n {
    let mut all = BTreeMap::new();
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
                errs.push(
                    Diagnostic::error(format!(
                        "interface string `{k}` is missing in language `{lang}`"
                    ))
                    .in_file(&rel)
                    .hint(format!("add {k} = \"...\" to {}", rel.display())),
                );
            }
        }
    }
    I18n(all)
}

/// Turns a Tera error into diagnostics naming the template file, line and column.
pub fn tera_diagnostics(e: &tera::Error, tdir: &Path, root: &Path) -> Vec<Diagnostic> {
    let rel = |name: &str| {
        let p = tdir.join(name);
        p.strip_prefix(root).unwrap_or(&p).to_path_buf()
    };
    let hint = "fix the template; the variables available to templates are listed in README.md";
    let mut out = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    let mut extra = Vec::new();
    while let Some(err) = cur {
        match err.downcast_ref::<tera::Error>().map(|te| te.kind()) {
            Some(tera::ErrorKind::SyntaxError(r)) | Some(tera::ErrorKind::RenderingError(r)) => {
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
                        let d = Diagnostic::error(format!("template: {m}")).in_file(rel(name));
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
    out.into_iter().map(|d| d.hint(hint)).collect()
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct RenderStats {
    /// HTML pages per language code (content pages, generated pages and fallbacks).
    pub pages: BTreeMap<String, usize>,
    /// Static files copied (theme and content).
    pub static_files: usize,
    /// Other generated files (root, 404, redirects, CSV, JSON).
    pub other_files: usize,
}

/// One file of the output. [`jobs`] lists them all; [`Renderer::render`] makes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    /// A content page (home, section or page) by page index, fallbacks included.
    Page(usize),
    /// `/<lang>/compare/`, with `table.csv` and `table.json` (the same cells, made once).
    Compare(String),
    /// `/<lang>/timeline/`.
    Timeline(String),
    /// `/<lang>/sources/`.
    Sources(String),
    /// `/<lang>/<taxonomy>/` by taxonomy index.
    Taxonomy(String, usize),
    /// `/<lang>/<taxonomy>/<term>/` by taxonomy and term index.
    Term(String, usize, usize),
    /// `/<lang>/atom.xml`: the timeline as an Atom feed.
    Feed(String),
    /// `/index.html`: the language chooser.
    Root,
    /// `/404.html`.
    NotFound,
    /// A redirect page, by index into [`Site::aliases`].
    Alias(usize),
    /// `/sitemap.xml`.
    Sitemap,
    /// `/robots.txt`.
    Robots,
    /// `/<lang>/search/index.json` and the shards and text chunks next to it: the search
    /// index (see [`crate::search`]).
    SearchIndex(String),
    /// `/<lang>/search/`: the search page (a list of every page without JavaScript).
    SearchPage(String),
}

impl Job {
    /// The language of an HTML page of one language (counted in the build summary).
    pub fn lang<'s>(&'s self, site: &'s Site) -> Option<&'s str> {
        match self {
            Job::Page(i) => Some(&site.pages[*i].lang),
            Job::Compare(l)
            | Job::Timeline(l)
            | Job::Sources(l)
            | Job::Taxonomy(l, _)
            | Job::Term(l, _, _)
            | Job::SearchPage(l) => Some(l),
            _ => None,
        }
    }
}

/// Every output of the site, in a stable order.
pub fn jobs(site: &Site) -> Vec<Job> {
    let mut jobs: Vec<Job> = (0..site.pages.len()).map(Job::Page).collect();
    for lang in site.config.language_codes() {
        let l = lang.to_string();
        jobs.extend([
            Job::Compare(l.clone()),
            Job::Timeline(l.clone()),
            Job::Sources(l.clone()),
            Job::Feed(l.clone()),
            Job::SearchIndex(l.clone()),
            Job::SearchPage(l.clone()),
        ]);
        for (ti, t) in site.langs[lang].taxonomies.iter().enumerate() {
            jobs.push(Job::Taxonomy(l.clone(), ti));
            jobs.extend((0..t.terms.len()).map(|term| Job::Term(l.clone(), ti, term)));
        }
    }
    jobs.extend([Job::Root, Job::NotFound, Job::Sitemap, Job::Robots]);
    jobs.extend((0..site.aliases.len()).map(Job::Alias));
    jobs
}

/// Static files to copy: (path in the output, file on disk). Theme files first, then files
/// that sit next to the content; a content file wins over a theme file of the same name.
pub fn static_files(site: &Site, theme: &Theme) -> Vec<(String, PathBuf)> {
    let mut out: BTreeMap<String, PathBuf> = BTreeMap::new();
    out.extend(files_under(&theme.dir.join("static")));
    for a in &site.assets {
        out.insert(a.rel.clone(), a.source.clone());
    }
    out.into_iter().collect()
}

/// Files under `dir` (sorted, hidden and editor files left out) as (relative path with `/`,
/// path on disk).
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
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

/// A rendered output file.
#[derive(Debug, Clone)]
pub struct Written {
    /// Path in the output (`zh/regions/beijing/index.html`).
    pub path: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Further files of the same job, as (path, bytes): the search index's shards and text
    /// chunks.
    pub more: Vec<(String, Vec<u8>)>,
}

/// Renders the whole site into the staging folder, in parallel.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    out: &Staging,
) -> Result<RenderStats, Vec<Diagnostic>> {
    let r = Renderer::new(site, theme);
    let jobs = jobs(site);
    let one = |job: &Job| -> Result<Option<String>, Vec<Diagnostic>> {
        // Files a job hands over early (the search index's text chunks, on a large site
        // most of its bytes) are written at once instead of held until the job is done.
        let mut err: Option<Diagnostic> = None;
        let w = r.render_to(job, &mut |path, bytes| {
            if err.is_none() {
                if let Err(e) = out.write(&path, &bytes) {
                    err = Some(write_error(&path, e));
                }
            }
        })?;
        if let Some(e) = err {
            return Err(vec![e]);
        }
        for (path, bytes) in
            std::iter::once((&w.path, &w.bytes)).chain(w.more.iter().map(|(p, b)| (p, b)))
        {
            out.write(path, bytes)
                .map_err(|e| vec![write_error(path, e)])?;
        }
        Ok(job.lang(site).map(str::to_string))
    };
    let (pages, others): (Vec<&Job>, Vec<&Job>) =
        jobs.iter().partition(|j| matches!(j, Job::Page(_)));
    // The generated pages (timeline, compare, sources, feeds...) hold large transient values:
    // render them one after another on one thread while the content pages fill both.
    let (mut results, more): (Vec<_>, Vec<_>) = rayon::join(
        || others.iter().map(|j| one(j)).collect(),
        || pages.par_iter().map(|j| one(j)).collect(),
    );
    results.extend(more);
    let mut stats = RenderStats::default();
    let mut errs = Vec::new();
    for res in results {
        match res {
            Ok(Some(lang)) => *stats.pages.entry(lang).or_default() += 1,
            Ok(None) => stats.other_files += 1,
            Err(d) => errs.extend(d),
        }
    }
    for (rel, src) in static_files(site, theme) {
        match out.copy(&rel, &src) {
            Ok(()) => stats.static_files += 1,
            Err(err) => errs.push(write_error(&rel, err)),
        }
    }
    if errs.is_empty() {
        Ok(stats)
    } else {
        Err(errs)
    }
}

fn write_error(path: &str, e: std::io::Error) -> Diagnostic {
    if e.kind() == std::io::ErrorKind::AlreadyExists {
        return Diagnostic::error(format!("two outputs have the same path {path}")).hint(
            "a theme static file or a file under content/ may collide with a page; rename one",
        );
    }
    Diagnostic::error(format!("cannot write {path} in the output: {e}"))
        .hint("check free disk space and permissions of the output folder")
}

/// The most entries an Atom feed lists (the newest events).
pub const FEED_LIMIT: usize = 100;

fn permalink(site: &Site, path: &str) -> String {
    format!(
        "{}{}{}",
        site.config.origin(),
        site.config.base_path(),
        path
    )
}

/// An Atom id must be an absolute IRI: the permalink, or a URN when `base_url` has no host.
fn atom_id(site: &Site, path: &str) -> String {
    if site.config.origin().is_empty() {
        format!("urn:atlas:{}{path}", site.config.base_path())
    } else {
        permalink(site, path)
    }
}

fn redirect_html(url: &str, canonical: &str) -> String {
    let u = crate::markdown::escape_html(url);
    let c = crate::markdown::escape_html(canonical);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Redirect</title>\
<link rel=\"canonical\" href=\"{c}\"><meta name=\"robots\" content=\"noindex\">\
<meta http-equiv=\"refresh\" content=\"0; url={u}\"></head>\
<body><p><a href=\"{u}\">{u}</a></p></body></html>\n"
    )
}

/// Renders outputs of one site; shared values are prepared once.
pub struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    /// Per language: the shared context values.
    common: BTreeMap<String, Context>,
    /// Per page: a short reference (title, url, summary...) for lists, made on first use
    /// (`atlas serve` renders a few pages of a large site).
    refs: Vec<std::sync::OnceLock<Value>>,
    /// Per language and source id: the source's values, by its number `n` on the page
    /// (0: none), for every number a page uses.
    sources: BTreeMap<String, HashMap<String, Vec<Value>>>,
    /// The search indexes' segmenter, made (or taken from `segmenters`) on first use, for
    /// all languages.
    segmenter: std::sync::OnceLock<std::sync::Arc<crate::search::Segmenter>>,
    /// Where the segmenter of the last build is kept (`atlas serve`).
    segmenters: Option<&'a crate::search::SegmenterCache>,
}

impl<'a> Renderer<'a> {
    /// Prepares the values every page shares.
    pub fn new(site: &'a Site, theme: &'a Theme) -> Self {
        let refs = (0..site.pages.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        let mut common = BTreeMap::new();
        let base = site.config.base_path();
        let languages: Vec<Json> = site
            .config
            .languages
            .iter()
            .map(|l| json!({"code": l.code, "tag": l.tag, "name": l.name, "title": l.title, "description": l.description, "url": format!("{base}{}/", l.code)}))
            .collect();
        let config = Value::from_serializable(&json!({
            "base_url": site.config.base_url,
            "base_path": base,
            "origin": site.config.origin(),
            "default_language": site.config.default_language,
            "languages": languages,
            "extra": site.config.extra,
        }));
        for l in &site.config.languages {
            let lang = l.code.as_str();
            let t = |k: &str| theme.i18n.t(lang, k);
            let mut nav = vec![
                json!({"id": "regions", "title": t("regions"), "url": format!("{base}{lang}/regions/")}),
                json!({"id": "drugs", "title": t("drugs"), "url": format!("{base}{lang}/drugs/")}),
                json!({"id": "compare", "title": t("compare"), "url": format!("{base}{lang}/compare/")}),
                json!({"id": "timeline", "title": t("timeline"), "url": format!("{base}{lang}/timeline/")}),
                json!({"id": "sources", "title": t("sources"), "url": format!("{base}{lang}/sources/")}),
            ];
            // Sections that have no page in the site do not get a nav entry.
            nav.retain(|n| {
                let id = n["id"].as_str().unwrap_or("");
                !(id == "regions" || id == "drugs")
                    || site.page(lang, &format!("{id}/_index")).is_some()
                    || !site.section_pages(lang, id).is_empty()
            });
            let mut c = Context::new();
            c.insert_value("config", config.clone());
            c.insert("lang", &lang);
            c.insert("lang_tag", &l.tag);
            c.insert("site_title", &l.title);
            c.insert("site_description", &l.description);
            c.insert("nav", &nav);
            c.insert("base_path", &base);
            c.insert("home_url", &format!("{base}{lang}/"));
            c.insert("taxonomies", &site.langs[lang].taxonomies.iter().map(|t| json!({"id": t.id, "title": theme.i18n.t(lang, &format!("tax_{}", t.id)), "url": format!("{base}{lang}/{}/", t.id), "count": t.terms.len()})).collect::<Vec<_>>());
            common.insert(lang.to_string(), c);
        }
        // A page numbers its sources 1..=n; every citation, event and compare cell shows one.
        // (Up to 64: numbers above that are made when needed.)
        let max_n = site
            .pages
            .iter()
            .map(|p| p.sources.len())
            .max()
            .unwrap_or(0)
            .min(64);
        let sources = site
            .config
            .language_codes()
            .into_iter()
            .map(|lang| {
                let by_id = site
                    .data
                    .sources
                    .iter()
                    .map(|s| {
                        let by_n = (0..=max_n)
                            .map(|n| {
                                obj! {
                                    "n": (n > 0).then_some(n),
                                    "id": &s.id, "title": &s.title, "lang": &s.lang, "publisher": &s.publisher,
                                    "date": s.date.map(|d| d.to_string()), "date_human": s.date.map(|d| d.human(lang)),
                                    "url": &s.url, "doi": &s.doi, "doi_url": s.doi.as_ref().map(|d| format!("https://doi.org/{d}")), "note": &s.note,
                                    "anchor": format!("src-{}", s.id), "registry_url": format!("{base}{lang}/sources/#src-{}", s.id),
                                }
                            })
                            .collect();
                        (s.id.clone(), by_n)
                    })
                    .collect();
                (lang.to_string(), by_id)
            })
            .collect();
        Renderer {
            site,
            theme,
            common,
            refs,
            sources,
            segmenter: std::sync::OnceLock::new(),
            segmenters: None,
        }
    }

    fn t(&self, lang: &str, key: &str) -> String {
        self.theme.i18n.t(lang, key)
    }

    /// The short reference of a page, for lists.
    fn page_ref(&self, i: usize) -> Value {
        self.refs[i]
            .get_or_init(|| page_ref(self.site, self.theme, i))
            .clone()
    }

    /// Translations of a generated page at `{lang}/{rest}`.
    fn generated_translations(&self, rest: &str) -> Vec<Json> {
        let base = self.site.config.base_path();
        self.site
            .config
            .languages
            .iter()
            .map(|l| json!({"lang": l.code, "tag": l.tag, "name": l.name, "url": format!("{base}{}/{rest}", l.code), "permalink": permalink(self.site, &format!("{}/{rest}", l.code)), "fallback": false}))
            .collect()
    }

    fn ctx(&self, lang: &str, current_path: &str, translations: Vec<Json>) -> Context {
        let mut c = self.common[lang].clone();
        let x_default = translations
            .iter()
            .find(|t| {
                t["lang"] == self.site.config.default_language.as_str() && t["fallback"] == false
            })
            .or_else(|| translations.iter().find(|t| t["fallback"] == false))
            .map(|t| t["permalink"].clone())
            .unwrap_or(Json::Null);
        c.insert("translations", &translations);
        c.insert("x_default", &x_default);
        c.insert(
            "current_path",
            &format!("{}{current_path}", self.site.config.base_path()),
        );
        c.insert("current_url", &permalink(self.site, current_path));
        c
    }

    /// Keeps the search indexes' segmenter in `cache` for the next renderer, and takes it
    /// from there when it still covers the site.
    pub fn with_segmenter_cache(mut self, cache: &'a crate::search::SegmenterCache) -> Self {
        self.segmenters = Some(cache);
        self
    }

    /// The search indexes' segmenter (see [`crate::search::site_segmenter`]).
    fn segmenter(&self) -> &crate::search::Segmenter {
        self.segmenter.get_or_init(|| match self.segmenters {
            Some(cache) => cache.get(self.site),
            None => std::sync::Arc::new(crate::search::site_segmenter(self.site)),
        })
    }

    /// Renders one output.
    pub fn render(&self, job: &Job) -> Result<Written, Vec<Diagnostic>> {
        let mut early = Vec::new();
        let mut w = self.render_to(job, &mut |path, bytes| early.push((path, bytes)))?;
        early.append(&mut w.more);
        w.more = early;
        Ok(w)
    }

    /// [`Renderer::render`], handing files to `early` as soon as they are made when a job
    /// makes several (the search index's text chunks, as they fill); those are not in the
    /// returned [`Written::more`].
    pub fn render_to(
        &self,
        job: &Job,
        early: &mut dyn FnMut(String, Vec<u8>),
    ) -> Result<Written, Vec<Diagnostic>> {
        let site = self.site;
        let (path, bytes) = match job {
            Job::Compare(lang) => {
                // The table is made once for its three files, and dropped with them.
                let table = self.make_compare_value(lang);
                let tdir = self.theme.dir.join("templates");
                let html = self
                    .compare_html(lang, &table)
                    .map_err(|e| tera_diagnostics(&e, &tdir, &site.paths.root))?;
                let (csv, json) = self.compare_data(lang, &table);
                return Ok(Written {
                    path: format!("{lang}/compare/index.html"),
                    bytes: html,
                    more: vec![
                        (format!("{lang}/compare/table.csv"), csv),
                        (format!("{lang}/compare/table.json"), json),
                    ],
                });
            }
            Job::Feed(lang) => (format!("{lang}/atom.xml"), self.feed(lang).into_bytes()),
            Job::SearchIndex(lang) => {
                let out = crate::search::index_files_to(
                    site,
                    lang,
                    crate::search::Limits::default(),
                    self.segmenter(),
                    early,
                );
                let (path, bytes) = out.manifest;
                return Ok(Written {
                    path,
                    bytes,
                    more: out.files,
                });
            }
            Job::Sitemap => ("sitemap.xml".into(), self.sitemap().into_bytes()),
            Job::Robots => (
                "robots.txt".into(),
                format!(
                    "User-agent: *\nAllow: /\nSitemap: {}\n",
                    permalink(site, "sitemap.xml")
                )
                .into_bytes(),
            ),
            Job::Alias(a) => {
                let (alias, target) = &site.aliases[*a];
                let path = if alias.ends_with(".html") {
                    alias.clone()
                } else {
                    format!("{alias}index.html")
                };
                (
                    path,
                    redirect_html(
                        &site.url(*target),
                        &permalink(site, &site.pages[*target].path),
                    )
                    .into_bytes(),
                )
            }
            _ => {
                let tdir = self.theme.dir.join("templates");
                let (path, html) = self
                    .render_html(job)
                    .map_err(|e| tera_diagnostics(&e, &tdir, &site.paths.root))?;
                (path, html)
            }
        };
        Ok(Written {
            path,
            bytes,
            more: Vec::new(),
        })
    }

    /// The date a page's facts were last reviewed (or its date), for sitemaps and feeds.
    fn lastmod(&self, page: usize) -> Option<crate::date::PartialDate> {
        let f = self.site.file(page);
        f.front.updated.or(f.front.date)
    }

    /// The latest review date of the pages of one language (None: no page has a date).
    fn latest(&self, lang: Option<&str>) -> Option<crate::date::PartialDate> {
        (0..self.site.pages.len())
            .filter(|&i| lang.is_none_or(|l| self.site.pages[i].lang == l))
            .filter_map(|i| self.lastmod(i))
            .max()
    }

    fn sitemap(&self) -> String {
        use std::fmt::Write;
        let site = self.site;
        let esc = crate::markdown::escape_html;
        // (loc, lastmod, [(hreflang, href)])
        type Entry = (
            String,
            Option<crate::date::PartialDate>,
            Vec<(String, String)>,
        );
        let mut entries: Vec<Entry> = Vec::new();
        let tag = |l: &str| {
            site.config
                .language(l)
                .map(|x| x.tag.clone())
                .unwrap_or_default()
        };
        for i in 0..site.pages.len() {
            if site.pages[i].fallback {
                continue;
            }
            let alts = site
                .translations(i)
                .into_iter()
                .filter(|&t| !site.pages[t].fallback)
                .map(|t| {
                    (
                        tag(&site.pages[t].lang),
                        permalink(site, &site.pages[t].path),
                    )
                })
                .collect();
            entries.push((permalink(site, &site.pages[i].path), self.lastmod(i), alts));
        }
        let mut generated = vec![
            "compare/".to_string(),
            "timeline/".into(),
            "sources/".into(),
        ];
        for t in site
            .langs
            .values()
            .next()
            .map(|m| &m.taxonomies)
            .into_iter()
            .flatten()
        {
            generated.push(format!("{}/", t.id));
        }
        let latest_by_lang: BTreeMap<&str, Option<crate::date::PartialDate>> = site
            .config
            .language_codes()
            .into_iter()
            .map(|l| (l, self.latest(Some(l))))
            .collect();
        let latest = self.latest(None);
        for g in &generated {
            for l in site.config.language_codes() {
                let alts = site
                    .config
                    .language_codes()
                    .iter()
                    .map(|o| (tag(o), permalink(site, &format!("{o}/{g}"))))
                    .collect();
                entries.push((
                    permalink(site, &format!("{l}/{g}")),
                    latest_by_lang[l],
                    alts,
                ));
            }
        }
        let mut x = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
        );
        for (loc, lastmod, alts) in entries {
            let _ = write!(x, "  <url>\n    <loc>{}</loc>\n", esc(&loc));
            if let Some(d) = lastmod.or(latest) {
                let _ = writeln!(x, "    <lastmod>{}</lastmod>", d.first_day());
            }
            if alts.len() > 1 {
                for (t, href) in alts {
                    let _ = writeln!(
                        x,
                        "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        esc(&t),
                        esc(&href)
                    );
                }
            }
            x.push_str("  </url>\n");
        }
        x.push_str("</urlset>\n");
        x
    }

    fn feed(&self, lang: &str) -> String {
        use atom_syndication::{Entry, Feed, FixedDateTime, Link, Text};
        let site = self.site;
        let day = |d: crate::date::PartialDate| -> FixedDateTime {
            let nd = d.first_day();
            let dt = nd.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            dt.fixed_offset()
        };
        let events = &site.langs[lang].timeline;
        let title = site
            .config
            .language(lang)
            .map(|l| l.title.clone())
            .unwrap_or_default();
        let mut feed = Feed::default();
        feed.set_title(Text::plain(format!(
            "{title} · {}",
            self.t(lang, "timeline")
        )));
        feed.set_id(atom_id(site, &format!("{lang}/timeline/")));
        feed.set_lang(site.config.language(lang).map(|l| l.tag.clone()));
        feed.set_updated(
            events
                .first()
                .map(|e| day(e.date))
                .unwrap_or_else(|| day("1970".parse().expect("valid"))),
        );
        let mut self_link = Link::default();
        self_link.set_href(permalink(site, &format!("{lang}/atom.xml")));
        self_link.set_rel("self");
        let mut alt = Link::default();
        alt.set_href(permalink(site, &format!("{lang}/timeline/")));
        feed.set_links(vec![self_link, alt]);
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        // The newest events only: readers poll a feed, and ids stay the same as it moves on.
        let entries: Vec<Entry> = events
            .iter()
            .take(FEED_LIMIT)
            .map(|e| {
                let page_link = permalink(site, &site.pages[e.page].path);
                let base_id = format!(
                    "{}#event-{}",
                    atom_id(site, &site.pages[e.page].path),
                    e.date
                );
                let n = seen.entry(base_id.clone()).or_default();
                *n += 1;
                let id = if *n == 1 {
                    base_id
                } else {
                    format!("{base_id}-{n}")
                };
                let mut entry = Entry::default();
                entry.set_title(Text::plain(format!(
                    "{} · {}: {}",
                    e.date.human(lang),
                    site.file(e.page).front.title,
                    e.title
                )));
                entry.set_id(id);
                entry.set_updated(day(e.date));
                let mut l = Link::default();
                l.set_href(page_link);
                entry.set_links(vec![l]);
                entry
            })
            .collect();
        feed.set_entries(entries);
        let mut out = feed.to_string();
        out.push('\n');
        out
    }

    /// Renders a template to bytes: straight into a buffer, without the copy and UTF-8 check
    /// of `Tera::render` (the output of a template is UTF-8 by construction).
    fn render_template(&self, name: &str, c: &tera::Context) -> Result<Vec<u8>, tera::Error> {
        let mut out = Vec::with_capacity(16 * 1024);
        self.theme.tera.render_to(name, c, &mut out)?;
        Ok(out)
    }

    fn render_html(&self, job: &Job) -> Result<(String, Vec<u8>), tera::Error> {
        let site = self.site;
        let base = site.config.base_path();
        match job {
            Job::Page(i) => {
                let p = &site.pages[*i];
                let f = site.file(*i);
                let translations: Vec<Json> = site
                    .translations(*i)
                    .into_iter()
                    .map(|t| {
                        let l = site.config.language(&site.pages[t].lang).expect("known language");
                        json!({"lang": l.code, "tag": l.tag, "name": l.name, "url": site.url(t), "permalink": permalink(site, &site.pages[t].path), "fallback": site.pages[t].fallback})
                    })
                    .collect();
                let mut c = self.ctx(&p.lang, &p.path, translations);
                let template = match f.kind {
                    Kind::Home => "home.html".to_string(),
                    Kind::Section => {
                        let specific = format!("section-{}.html", f.section.replace('/', "-"));
                        let list: Vec<Value> = site
                            .section_pages(&p.lang, &f.section)
                            .iter()
                            .map(|&j| self.page_ref(j))
                            .collect();
                        c.insert_value("pages", Value::from(list));
                        if self.theme.tera.contains_template(&specific) {
                            specific
                        } else {
                            "section.html".into()
                        }
                    }
                    Kind::Page => {
                        let specific = format!("{}.html", singular(&f.section));
                        if self.theme.tera.contains_template(&specific) {
                            specific
                        } else {
                            "page.html".into()
                        }
                    }
                };
                if f.kind == Kind::Home {
                    let sections: Vec<Json> = site
                        .sections()
                        .iter()
                        .filter_map(|s| site.page(&p.lang, &format!("{s}/_index")))
                        .map(|j| json!({"title": site.file(j).front.title, "url": site.url(j), "count": site.section_pages(&p.lang, &site.file(j).section).len(), "description": site.file(j).front.description}))
                        .collect();
                    c.insert("sections", &sections);
                    let recent: Vec<Value> = site.langs[&p.lang]
                        .timeline
                        .iter()
                        .take(5)
                        .map(|e| self.timeline_event(&p.lang, e))
                        .collect();
                    c.insert_value("recent_events", Value::from(recent));
                    let m = &site.langs[&p.lang];
                    c.insert(
                        "stats",
                        &json!({
                            "regions": site.section_pages(&p.lang, REGIONS).len(),
                            "drugs": site.section_pages(&p.lang, crate::site::DRUGS).len(),
                            "sources": site.data.sources.len(),
                            "dimensions": site.data.dimensions.len(),
                            "events": m.timeline.len(),
                            "known_cells": m.compare.known(),
                            "unknown_cells": m.compare.unknown(),
                        }),
                    );
                }
                c.insert_value("page", self.page_value(*i));
                let html = self.render_template(&template, &c)?;
                Ok((format!("{}index.html", p.path), html))
            }
            Job::Timeline(lang) => {
                let mut c = self.ctx(
                    lang,
                    &format!("{lang}/timeline/"),
                    self.generated_translations("timeline/"),
                );
                c.insert("title", &self.t(lang, "timeline"));
                let events: Vec<Value> = site.langs[lang]
                    .timeline
                    .iter()
                    .map(|e| self.timeline_event(lang, e))
                    .collect();
                c.insert_value("events", Value::from(events));
                let t = |k: &str| self.t(lang, k);
                let tl = crate::pictures::timeline_from_site(site, lang, &t);
                c.insert(
                    "timeline_svg",
                    &crate::pictures::timeline_svg(&tl, "timeline-picture", lang, &t),
                );
                c.insert(
                    "timeline_svg_narrow",
                    &crate::pictures::timeline_svg_layout(
                        &tl,
                        "timeline-picture-narrow",
                        lang,
                        &t,
                        crate::pictures::Layout::Narrow,
                    ),
                );
                c.insert(
                    "reviewed",
                    &self.reviewed(site.langs[lang].timeline.iter().map(|e| e.page)),
                );
                let html = self.render_template("timeline.html", &c)?;
                Ok((format!("{lang}/timeline/index.html"), html))
            }
            Job::Sources(lang) => {
                let mut c = self.ctx(
                    lang,
                    &format!("{lang}/sources/"),
                    self.generated_translations("sources/"),
                );
                c.insert("title", &self.t(lang, "sources"));
                let list: Vec<Value> = site
                    .data
                    .sources
                    .iter()
                    .map(|s| {
                        let mut v = self
                            .source_value(lang, &s.id, None)
                            .into_map()
                            .unwrap_or_default();
                        let cited: Vec<Value> = site
                            .citing_pages(lang, &s.id)
                            .into_iter()
                            .map(|i| obj! {"title": &site.file(i).front.title, "url": site.url(i)})
                            .collect();
                        v.insert(tera::value::Key::Str("cited_by"), cited.tv());
                        Value::from(v)
                    })
                    .collect();
                c.insert_value("sources", Value::from(list));
                c.insert(
                    "reviewed",
                    &self.reviewed((0..site.pages.len()).filter(|&i| &site.pages[i].lang == lang)),
                );
                let html = self.render_template("sources.html", &c)?;
                Ok((format!("{lang}/sources/index.html"), html))
            }
            Job::Taxonomy(lang, ti) => {
                let t = &site.langs[lang].taxonomies[*ti];
                let path = format!("{lang}/{}/", t.id);
                let mut c = self.ctx(
                    lang,
                    &path,
                    self.generated_translations(&format!("{}/", t.id)),
                );
                c.insert("title", &self.t(lang, &format!("tax_{}", t.id)));
                c.insert("taxonomy", &t.id);
                let terms: Vec<Json> = t.terms.iter().map(|term| json!({"name": self.term_name(lang, t.id, &term.name), "url": format!("{base}{path}{}/", term.slug), "count": term.pages.len()})).collect();
                c.insert("terms", &terms);
                c.insert(
                    "reviewed",
                    &self.reviewed(t.terms.iter().flat_map(|x| x.pages.iter().copied())),
                );
                let html = self.render_template("taxonomy.html", &c)?;
                Ok((format!("{path}index.html"), html))
            }
            Job::Term(lang, ti, term) => {
                let t = &site.langs[lang].taxonomies[*ti];
                let term = &t.terms[*term];
                let path = format!("{lang}/{}/{}/", t.id, term.slug);
                // A term's name differs by language; its translation is the other language's taxonomy list.
                let mut c = self.ctx(
                    lang,
                    &path,
                    self.generated_translations(&format!("{}/", t.id)),
                );
                c.insert("title", &self.term_name(lang, t.id, &term.name));
                c.insert("taxonomy", &t.id);
                c.insert("taxonomy_title", &self.t(lang, &format!("tax_{}", t.id)));
                c.insert("taxonomy_url", &format!("{base}{lang}/{}/", t.id));
                let pages: Vec<Value> = term.pages.iter().map(|&i| self.page_ref(i)).collect();
                c.insert_value("pages", Value::from(pages));
                c.insert("reviewed", &self.reviewed(term.pages.iter().copied()));
                let html = self.render_template("term.html", &c)?;
                Ok((format!("{path}index.html"), html))
            }
            Job::SearchPage(lang) => {
                let path = format!("{lang}/search/");
                let mut c = self.ctx(lang, &path, self.generated_translations("search/"));
                c.insert("title", &self.t(lang, "search"));
                c.insert(
                    "search_index_url",
                    &format!("{base}{lang}/search/index.json"),
                );
                // Without JavaScript the page lists every page, section by section.
                let groups: Vec<Value> = site
                    .sections()
                    .iter()
                    .filter_map(|s| site.page(lang, &format!("{s}/_index")))
                    .map(|j| {
                        let pages: Vec<Value> = site
                            .section_pages(lang, &site.file(j).section)
                            .iter()
                            .map(|&k| self.page_ref(k))
                            .collect();
                        let mut g = tera::Map::new();
                        g.insert("section".into(), self.page_ref(j));
                        g.insert("pages".into(), Value::from(pages));
                        Value::from(g)
                    })
                    .collect();
                c.insert_value("groups", Value::from(groups));
                let html = self.render_template("search.html", &c)?;
                Ok((format!("{path}index.html"), html))
            }
            Job::Root => {
                let lang = site.config.default_language.as_str();
                let mut c = self.ctx(lang, "", self.generated_translations(""));
                let choices: Vec<Json> = site
                    .config
                    .languages
                    .iter()
                    .map(|l| json!({"code": l.code, "tag": l.tag, "name": l.name, "title": l.title, "description": l.description, "url": format!("{base}{}/", l.code), "prompt": self.t(&l.code, "choose_language")}))
                    .collect();
                c.insert("choices", &choices);
                let html = self.render_template("root.html", &c)?;
                Ok(("index.html".into(), html))
            }
            Job::NotFound => {
                let lang = site.config.default_language.as_str();
                let mut c = self.ctx(lang, "404.html", Vec::new());
                let choices: Vec<Json> = site
                    .config
                    .languages
                    .iter()
                    .map(|l| json!({"code": l.code, "tag": l.tag, "name": l.name, "url": format!("{base}{}/", l.code), "title": self.t(&l.code, "not_found_title"), "text": self.t(&l.code, "not_found_text"), "home": self.t(&l.code, "home")}))
                    .collect();
                c.insert("choices", &choices);
                let html = self.render_template("404.html", &c)?;
                Ok(("404.html".into(), html))
            }
            other => Err(tera::Error::message(format!(
                "{other:?} is not an HTML page"
            ))),
        }
    }

    fn timeline_event(&self, lang: &str, e: &crate::site::TimelineEvent) -> Value {
        let site = self.site;
        let f = site.file(e.page);
        obj! {
            "date": e.date.to_string(), "date_human": e.date.human(lang), "year": e.date.year,
            "kind": self.t(lang, &format!("event_{}", event_key(e.kind))), "kind_id": event_key(e.kind),
            "title": &e.title, "page_title": &f.front.title, "page_url": site.url(e.page),
            "section": &f.section, "source": self.source_value(lang, &e.source, None),
        }
    }

    /// The oldest and newest review dates (`updated`, else `date`) of the pages a
    /// generated page draws on: `{from, from_human, to, to_human}`, or null.
    fn reviewed(&self, pages: impl Iterator<Item = usize>) -> Json {
        let (mut lo, mut hi) = (None, None);
        let mut lang = String::new();
        for i in pages {
            if let Some(d) = self.lastmod(i) {
                lang.clone_from(&self.site.pages[i].lang);
                lo = Some(lo.map_or(d, |x: crate::date::PartialDate| x.min(d)));
                hi = Some(hi.map_or(d, |x: crate::date::PartialDate| x.max(d)));
            }
        }
        match (lo, hi) {
            (Some(lo), Some(hi)) => json!({
                "from": lo.to_string(), "from_human": lo.human(&lang),
                "to": hi.to_string(), "to_human": hi.human(&lang),
            }),
            _ => Json::Null,
        }
    }

    fn term_name(&self, lang: &str, tax: &str, name: &str) -> String {
        if tax == "status" {
            self.t(lang, &format!("status_{name}"))
        } else {
            name.to_string()
        }
    }

    fn source_value(&self, lang: &str, id: &str, n: Option<usize>) -> Value {
        let prepared = self.sources.get(lang).and_then(|m| m.get(id));
        match prepared {
            Some(by_n) => match by_n.get(n.unwrap_or(0)) {
                Some(v) => v.clone(),
                None => {
                    let mut m = by_n[0].as_map().cloned().unwrap_or_default();
                    m.insert(tera::value::Key::Str("n"), n.tv());
                    Value::from(m)
                }
            },
            None => obj! {"n": n, "id": id, "title": id},
        }
    }

    fn cell_display(&self, lang: &str, kind: DimensionType, value: &str) -> String {
        match kind {
            DimensionType::YesNoPartial => self.t(lang, &format!("value_{value}")),
            DimensionType::Date => value
                .parse::<crate::date::PartialDate>()
                .map(|d| d.human(lang))
                .unwrap_or_else(|_| value.to_string()),
            _ => value.to_string(),
        }
    }

    /// The comparison page, from the table [`Self::make_compare_value`] made.
    fn compare_html(&self, lang: &str, table: &Json) -> Result<Vec<u8>, tera::Error> {
        let site = self.site;
        let base = site.config.base_path();
        let mut c = self.ctx(
            lang,
            &format!("{lang}/compare/"),
            self.generated_translations("compare/"),
        );
        c.insert("title", &self.t(lang, "compare"));
        c.insert("table", table);
        c.insert(
            "coverage_svg",
            &crate::pictures::coverage_svg(
                &crate::pictures::coverage_from_site(site, lang),
                "coverage",
                &|k: &str| self.t(lang, k),
            ),
        );
        c.insert(
            "reviewed",
            &self.reviewed(site.langs[lang].compare.regions.iter().copied()),
        );
        c.insert("csv_url", &format!("{base}{lang}/compare/table.csv"));
        c.insert("json_url", &format!("{base}{lang}/compare/table.json"));
        let html = self.render_template("compare.html", &c)?;
        Ok(html)
    }

    fn make_compare_value(&self, lang: &str) -> Json {
        let site = self.site;
        let table = &site.langs[lang].compare;
        let regions: Vec<Json> = table
            .regions
            .iter()
            .enumerate()
            .map(|(ri, &r)| json!({"key": site.pages[r].key, "slug": site.file(r).stem, "title": site.file(r).front.title, "short_title": crate::pictures::short_title(site, r), "url": site.url(r), "known": table.cells.iter().filter(|row| row[ri].is_some()).count()}))
            .collect();
        let rows: Vec<Json> = site
            .data
            .dimensions
            .iter()
            .zip(&table.cells)
            .map(|(d, cells)| {
                let cells: Vec<Json> = cells
                    .iter()
                    .zip(&table.regions)
                    .map(|(cell, &r)| match cell {
                        Some(c) => {
                            let n = site.pages[r].sources.iter().position(|s| s == &c.source).map(|i| i + 1);
                            json!({
                                "known": true, "value": c.value, "display": self.cell_display(lang, d.kind, &c.value),
                                "class": if d.kind == DimensionType::YesNoPartial { c.value.as_str() } else { "value" },
                                "note": c.note, "source": self.source_value(lang, &c.source, n),
                                "region_url": site.url(r), "source_url": format!("{}#src-{}", site.url(r), c.source),
                            })
                        }
                        None => json!({"known": false, "value": Json::Null, "display": self.t(lang, "unknown"), "class": "unknown", "note": Json::Null, "region_url": site.url(r)}),
                    })
                    .collect();
                json!({
                    "id": d.id, "type": d.kind, "label": d.label.get(lang), "description": d.description.get(lang),
                    "cells": cells,
                })
            })
            .collect();
        json!({"regions": regions, "rows": rows, "known": table.known(), "unknown": table.unknown(), "total": table.known() + table.unknown()})
    }

    /// CSV (UTF-8 with BOM) and JSON of the comparison table, the same cells as the HTML.
    fn compare_data(&self, lang: &str, table: &Json) -> (Vec<u8>, Vec<u8>) {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec![self.t(lang, "dimension")];
        for r in table["regions"].as_array().into_iter().flatten() {
            header.push(r["title"].as_str().unwrap_or("").to_string());
        }
        let _ = w.write_record(&header);
        for row in table["rows"].as_array().into_iter().flatten() {
            let mut rec = vec![row["label"].as_str().unwrap_or("").to_string()];
            for c in row["cells"].as_array().into_iter().flatten() {
                rec.push(c["display"].as_str().unwrap_or("").to_string());
            }
            let _ = w.write_record(&rec);
        }
        let mut csv = "\u{feff}".as_bytes().to_vec();
        csv.extend(w.into_inner().unwrap_or_default());
        let mut json =
            serde_json::to_vec_pretty(&json!({"lang": lang, "table": table})).unwrap_or_default();
        json.push(b'\n');
        (csv, json)
    }

    fn page_value(&self, i: usize) -> Value {
        let site = self.site;
        let p = &site.pages[i];
        let f = site.file(i);
        let body = site.body(i);
        let lang = &p.lang;
        let content_lang = site.config.language(&f.lang).expect("known language");
        let fm = &f.front;
        let link = |j: usize| obj! {"title": &site.file(j).front.title, "url": site.url(j)};
        let sources: Vec<Value> = p
            .sources
            .iter()
            .enumerate()
            .map(|(n, id)| self.source_value(lang, id, Some(n + 1)))
            .collect();
        let events = |evs: &Vec<crate::schema::Event>| -> Vec<Value> {
            let mut v: Vec<&crate::schema::Event> = evs.iter().collect();
            v.sort_by_key(|e| e.date);
            v.iter()
                .map(|e| {
                    let n = p.sources.iter().position(|s| s == &e.source).map(|k| k + 1);
                    obj! {"date": e.date.to_string(), "date_human": e.date.human(lang), "kind": self.t(lang, &format!("event_{}", event_key(e.kind))), "kind_id": event_key(e.kind), "title": &e.title, "source": self.source_value(lang, &e.source, n)}
                })
                .collect()
        };
        let region = fm.region.as_ref().map(|r| {
            let compare: Vec<Value> = site
                .data
                .dimensions
                .iter()
                .map(|d| {
                    let v = r.compare.get(&d.id);
                    let value = v.and_then(|v| crate::site::normalize_cell(d.kind, &v.value).ok());
                    let n = v.and_then(|v| p.sources.iter().position(|s| s == &v.source)).map(|k| k + 1);
                    obj! {
                        "id": &d.id, "label": d.label.get(lang), "known": value.is_some(),
                        "display": value.as_ref().map(|x| self.cell_display(lang, d.kind, x)).unwrap_or_else(|| self.t(lang, "unknown")),
                        "class": match (&value, d.kind) { (None, _) => "unknown".to_string(), (Some(x), DimensionType::YesNoPartial) => x.clone(), _ => "value".into() },
                        "note": v.and_then(|v| v.note.as_ref()), "source": v.map(|v| self.source_value(lang, &v.source, n)),
                    }
                })
                .collect();
            let parent = r.parent.as_ref().and_then(|s| site.page(lang, &format!("{REGIONS}/{s}"))).map(link);
            obj! {
                "kind": r.kind.key(), "kind_label": self.t(lang, &format!("kind_{}", r.kind.key())),
                "parent": parent, "names": &r.names, "regulators": &r.regulators,
                "events": events(&r.events), "compare": compare,
                "drugs": site.drugs_of_region(i).iter().map(|&j| self.page_ref(j)).collect::<Vec<_>>(),
                "children": site.children_of_region(i).iter().copied().map(link).collect::<Vec<_>>(),
            }
        });
        let drug = fm.drug.as_ref().map(|d| {
            // None (no link) for a term no page of this language has (an untranslated page's).
            let term_url = |tax: &str, name: &str| site.term_url(lang, tax, name);
            obj! {
                "inn": &d.inn, "brand": &d.brand, "name_zh": &d.name_zh, "aliases": &d.aliases,
                "developer": &d.developer, "cell_type": &d.cell_type, "tissue_source": &d.tissue_source,
                "tissue_source_url": d.tissue_source.as_ref().map(|t| term_url("cell-sources", t)),
                "indications": d.indications.iter().map(|x| obj! {"name": x, "url": term_url("indications", x)}).collect::<Vec<_>>(),
                "status": d.status.key(), "status_label": self.t(lang, &format!("status_{}", d.status.key())),
                "status_url": term_url("status", d.status.key()),
                "regulator": &d.regulator, "price": &d.price,
                "regions": d.regions.iter().filter_map(|s| site.page(lang, &format!("{REGIONS}/{s}"))).map(link).collect::<Vec<_>>(),
                "events": events(&d.events),
            }
        });
        let section_index = if f.section.is_empty() {
            None
        } else {
            site.page(lang, &format!("{}/_index", f.section)).map(link)
        };
        obj! {
            "key": &p.key, "kind": kind_key(f.kind), "section": &f.section, "slug": f.front.slug.as_deref().unwrap_or(&f.stem),
            "title": &fm.title, "description": &fm.description,
            "date": fm.date.map(|d| d.to_string()), "date_human": fm.date.map(|d| d.human(lang)),
            "updated": fm.updated.map(|d| d.to_string()), "updated_human": fm.updated.map(|d| d.human(lang)),
            "weight": fm.weight, "tags": &fm.tags, "extra": crate::tvalue::ser(&fm.extra), "draft": fm.draft,
            "url": site.url(i), "permalink": permalink(site, &p.path), "path": &p.path,
            "lang": lang, "content_lang": &content_lang.code, "content_lang_tag": &content_lang.tag,
            "fallback": p.fallback, "content": &body.html, "summary": &body.summary, "toc": crate::tvalue::ser(&body.toc),
            "reading_time": body.reading_time, "word_count": body.word_count,
            "backlinks": p.backlinks.iter().map(|&j| link(j)).collect::<Vec<_>>(),
            "sources": sources, "region": region, "drug": drug, "section_index": section_index,
            "file": f.file.to_string_lossy().as_ref(),
        }
    }
}

fn kind_key(k: Kind) -> &'static str {
    match k {
        Kind::Home => "home",
        Kind::Section => "section",
        Kind::Page => "page",
    }
}

fn event_key(k: crate::schema::EventKind) -> &'static str {
    use crate::schema::EventKind::*;
    match k {
        Policy => "policy",
        Regulation => "regulation",
        Ind => "ind",
        Application => "application",
        Approval => "approval",
        Prescription => "prescription",
        Trial => "trial",
        Other => "other",
    }
}

fn singular(section: &str) -> String {
    match section {
        "regions" => "region".into(),
        "drugs" => "drug".into(),
        s => s.replace('/', "-"),
    }
}

fn page_ref(site: &Site, theme: &Theme, i: usize) -> Value {
    let f = site.file(i);
    let lang = &site.pages[i].lang;
    let drug = f.front.drug.as_ref().map(|d| obj! {
        "status": d.status.key(), "status_label": theme.i18n.t(lang, &format!("status_{}", d.status.key())),
        "developer": &d.developer, "indications": &d.indications, "brand": &d.brand, "inn": &d.inn,
    });
    let region = f.front.region.as_ref().map(|r| obj! {"kind": r.kind.key(), "kind_label": theme.i18n.t(lang, &format!("kind_{}", r.kind.key()))});
    let url = site.url(i);
    // In lists, in-page anchors of the summary must point at the page itself.
    let summary = &site.body(i).summary;
    let summary = if !theme.uses_summary {
        Value::none()
    } else if summary.contains("href=\"#") {
        summary.replace("href=\"#", &format!("href=\"{url}#")).tv()
    } else {
        summary.tv()
    };
    obj! {
        "title": &f.front.title, "description": &f.front.description, "url": url,
        "date": f.front.date.map(|d| d.to_string()), "date_human": f.front.date.map(|d| d.human(lang)),
        "updated": f.front.updated.map(|d| d.to_string()),
        "summary": summary,
        "fallback": site.pages[i].fallback, "section": &f.section, "drug": drug, "region": region,
        "reading_time": site.body(i).reading_time,
    }
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
