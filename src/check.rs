//! `atlas check`: everything the build validates, and more, without writing anything.
//!
//! On top of the build's own checks (config, content, data, links, anchors, citations,
//! schemas, templates, all rendered in memory), `check` reports:
//! - translation parity: pages present in one language only, and language versions of a page
//!   that disagree on structured facts (dates, kinds, status, parent, related regions, sources,
//!   events, comparison values of non-text dimensions);
//! - stale facts: pages whose `updated` date is older than `[check] stale_after_days`;
//! - raw HTML in Markdown bodies that a static, script-free site should not carry
//!   (`<script>`, inline event handlers, `javascript:` URLs);
//! - optionally (`--external`), external links that do not answer.
//!
//! Every finding is a [`Diagnostic`] with a [`Category`]; [`Report`] prints them for people
//! or as a stable JSON document for machines.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use rayon::prelude::*;
use serde::Serialize;

use crate::build::BuildArgs;
use crate::config::Config;
use crate::content::{Kind, SourcePage};
use crate::data::{Data, DimensionType};
use crate::date::PartialDate;
use crate::diagnostics::{Diagnostic, Severity, line_col};
use crate::schema::{CompareValue, Event};

/// What part of `check` found a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Found by the build itself (the build would fail on its errors).
    Build,
    /// A page missing in a language, or language versions that disagree on facts.
    Translation,
    /// Facts not reviewed for too long (or never dated).
    Stale,
    /// Raw HTML the site's policy warns about.
    RawHtml,
    /// An external link that does not answer.
    ExternalLink,
}

impl Category {
    /// The name used in both output formats.
    pub fn name(self) -> &'static str {
        match self {
            Category::Build => "build",
            Category::Translation => "translation",
            Category::Stale => "stale",
            Category::RawHtml => "raw-html",
            Category::ExternalLink => "external-link",
        }
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which check found it.
    pub category: Category,
    /// What, where and what to do.
    pub diagnostic: Diagnostic,
}

/// How to check external links.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Time allowed for one request (connection, redirects and response headers).
    pub timeout: Duration,
    /// Requests in flight to one host at most.
    pub per_host: usize,
    /// Requests in flight in all at most.
    pub max_concurrent: usize,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            timeout: Duration::from_secs(10),
            per_host: 2,
            max_concurrent: 8,
        }
    }
}

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckArgs {
    /// The site root (holds atlas.toml).
    pub root: PathBuf,
    /// Check pages marked `draft = true` too.
    pub drafts: bool,
    /// Overrides `[check] stale_after_days`.
    pub stale_days: Option<u32>,
    /// Check external links, with these options.
    pub external: Option<ExternalOptions>,
    /// The date staleness is measured from (today, except in tests).
    pub today: chrono::NaiveDate,
}

impl CheckArgs {
    /// Checks of the site at `root`, as of today, without external links.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        CheckArgs {
            root: root.into(),
            drafts: false,
            stale_days: None,
            external: None,
            today: chrono::Local::now().date_naive(),
        }
    }
}

/// The result of a check.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Everything found: errors first, then by file and position.
    pub findings: Vec<Finding>,
    /// Content files checked.
    pub pages: usize,
    /// External URLs checked (None without `--external`).
    pub external_checked: Option<usize>,
}

/// Version of the JSON document; raised only when a field changes meaning or goes away.
pub const JSON_FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    category: Category,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    hint: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonCounts {
    errors: usize,
    warnings: usize,
    pages: usize,
    external_links: Option<usize>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format_version: u32,
    ok: bool,
    counts: JsonCounts,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

impl Report {
    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.diagnostic.is_error())
            .count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.findings.len() - self.error_count()
    }

    /// True when there is no error (warnings allowed).
    pub fn ok(&self) -> bool {
        self.error_count() == 0
    }

    /// The stable JSON document (see docs/check.md).
    pub fn to_json(&self) -> String {
        let doc = JsonReport {
            format_version: JSON_FORMAT_VERSION,
            ok: self.ok(),
            counts: JsonCounts {
                errors: self.error_count(),
                warnings: self.warning_count(),
                pages: self.pages,
                external_links: self.external_checked,
            },
            diagnostics: self
                .findings
                .iter()
                .map(|f| {
                    let d = &f.diagnostic;
                    JsonDiagnostic {
                        severity: d.severity,
                        category: f.category,
                        file: d.file.as_ref().map(|p| path_text(p)),
                        line: d.line,
                        column: d.column,
                        message: &d.message,
                        hint: d.hint.as_deref(),
                    }
                })
                .collect(),
        };
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
            format!("{{\"format_version\":{JSON_FORMAT_VERSION},\"ok\":false,\"error\":\"{e}\"}}")
        });
        s.push('\n');
        s
    }

    /// One finding for people: `file:line:col: warning[stale]: message` and an indented hint.
    pub fn human_line(f: &Finding) -> String {
        let d = &f.diagnostic;
        let mut s = String::new();
        if let Some(file) = &d.file {
            s.push_str(&path_text(file));
            if let Some(line) = d.line {
                s.push_str(&format!(":{line}"));
                if let Some(col) = d.column {
                    s.push_str(&format!(":{col}"));
                }
            }
            s.push_str(": ");
        }
        let label = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        s.push_str(&format!("{label}[{}]: {}", f.category.name(), d.message));
        if let Some(h) = &d.hint {
            s.push_str(&format!("\n  hint: {h}"));
        }
        s
    }

    /// The closing summary line.
    pub fn summary(&self) -> String {
        let ext = match self.external_checked {
            Some(n) => format!(", {n} external link(s) checked"),
            None => String::new(),
        };
        format!(
            "atlas check: {} error(s), {} warning(s) in {} content file(s){ext}",
            self.error_count(),
            self.warning_count(),
            self.pages
        )
    }

    /// Every finding for people, then the summary.
    pub fn to_human(&self) -> String {
        let mut s = String::new();
        for f in &self.findings {
            s.push_str(&Report::human_line(f));
            s.push('\n');
        }
        s.push_str(&self.summary());
        s.push('\n');
        s
    }
}

fn path_text(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// Runs every check. Never writes anything; network access only with `external`.
pub fn check(args: &CheckArgs) -> Report {
    let mut report = Report::default();
    let mut found: Vec<Finding> = Vec::new();
    let mut push = |category: Category, ds: Vec<Diagnostic>| {
        found.extend(ds.into_iter().map(|diagnostic| Finding {
            category,
            diagnostic,
        }));
    };
    let build_args = BuildArgs {
        root: args.root.clone(),
        output_dir: None,
        base_url: None,
        drafts: args.drafts,
    };
    // External URLs seen in the output: URL -> first output file that has it.
    let mut output_urls: BTreeMap<String, String> = BTreeMap::new();
    match crate::build::load(&build_args) {
        Ok((site, theme)) => {
            push(
                Category::Build,
                site.warnings
                    .iter()
                    .filter(|d| !is_translation_summary(d))
                    .cloned()
                    .collect(),
            );
            let renderer = crate::render::Renderer::new(&site, &theme);
            let want_urls = args.external.is_some();
            // Per output file: its path and the external URLs in it, or its errors.
            type Rendered = Result<(String, Vec<String>), Vec<Diagnostic>>;
            let results: Vec<Rendered> = crate::render::jobs(&site)
                .par_iter()
                .map(|job| {
                    let w = renderer.render(job)?;
                    let urls = if want_urls && w.path.ends_with(".html") {
                        external_urls(&w.bytes)
                    } else {
                        Vec::new()
                    };
                    Ok((w.path, urls))
                })
                .collect();
            let mut errs = Vec::new();
            for r in results {
                match r {
                    Ok((path, urls)) => {
                        for u in urls {
                            output_urls.entry(u).or_insert_with(|| path.clone());
                        }
                    }
                    Err(d) => errs.extend(d),
                }
            }
            push(Category::Build, errs);
        }
        Err(d) => push(
            Category::Build,
            d.0.into_iter()
                .filter(|d| !is_translation_summary(d))
                .collect(),
        ),
    }

    // The content-level checks work on whatever parsed, even when the build fails.
    if let Ok(config) = Config::load(&args.root) {
        let content = crate::content::load(&args.root, &config);
        let pages: Vec<&SourcePage> = content
            .pages
            .iter()
            .filter(|p| args.drafts || !p.front.draft)
            .collect();
        report.pages = pages.len();
        let (data, _) = Data::load(&args.root, &config.language_codes());
        for f in content_findings(args, &config, &content, &data) {
            push(f.category, vec![f.diagnostic]);
        }

        if let Some(opts) = &args.external {
            let mut urls: BTreeSet<String> = output_urls.keys().cloned().collect();
            // Source URLs are checked even when the build fails.
            urls.extend(
                data.sources
                    .iter()
                    .filter_map(|s| s.url.clone())
                    .filter(|u| is_http(u)),
            );
            // The site's own pages are not published yet.
            let origin = config.origin();
            if !origin.is_empty() {
                let own = format!("{origin}{}", config.base_path());
                urls.retain(|u| !u.starts_with(&own));
            }
            let urls: Vec<String> = urls.into_iter().collect();
            report.external_checked = Some(urls.len());
            let results = check_urls(&urls, opts);
            let sources_text = std::fs::read_to_string(args.root.join(crate::data::SOURCES_FILE))
                .unwrap_or_default();
            let mut ds = Vec::new();
            for (url, status) in urls.iter().zip(results) {
                let (message, hint) = match status {
                    LinkStatus::Ok(_) => continue,
                    LinkStatus::Broken(code) => (
                        format!("external link answers HTTP {code}: {url}"),
                        if code == 429 || code == 403 {
                            "the server may refuse automated checks; open the link in a browser, and replace it if it is gone".to_string()
                        } else {
                            "fix or replace the URL (an archived copy is better than a dead link)"
                                .to_string()
                        },
                    ),
                    LinkStatus::Unreachable(why) => (
                        format!("external link is unreachable: {url} ({why})"),
                        "check the URL; if the site is gone, link an archived copy instead"
                            .to_string(),
                    ),
                };
                let mut d = Diagnostic::warning(message).hint(hint);
                if let Some((l, c)) = find_in(&sources_text, url) {
                    d = d.in_file(crate::data::SOURCES_FILE).at(l, c);
                } else if let Some((p, l, c)) = pages.iter().find_map(|p| url_in_page(p, url)) {
                    d = d.in_file(&p.file).at(l, c);
                } else if let Some(out) = output_urls.get(url) {
                    d.message.push_str(&format!(" (in the output file {out})"));
                }
                ds.push(d);
            }
            push(Category::ExternalLink, ds);
        }
    }

    found.sort_by(|a, b| {
        let (x, y) = (&a.diagnostic, &b.diagnostic);
        (
            x.severity,
            x.file.as_deref(),
            x.line.unwrap_or(0),
            x.column.unwrap_or(0),
            &x.message,
            a.category,
        )
            .cmp(&(
                y.severity,
                y.file.as_deref(),
                y.line.unwrap_or(0),
                y.column.unwrap_or(0),
                &y.message,
                b.category,
            ))
    });
    found.dedup();
    report.findings = found;
    report
}

/// The checks `check` adds to the build's on the content as loaded (translation parity,
/// stale facts, raw HTML), without the build and without external links. `atlas lsp` runs
/// them on its unsaved buffers.
pub fn content_findings(
    args: &CheckArgs,
    config: &Config,
    content: &crate::content::Content,
    data: &Data,
) -> Vec<Finding> {
    let pages: Vec<&SourcePage> = content
        .pages
        .iter()
        .filter(|p| args.drafts || !p.front.draft)
        .collect();
    let days = args.stale_days.unwrap_or(config.check.stale_after_days);
    let tag = |category: Category, ds: Vec<Diagnostic>| {
        ds.into_iter().map(move |diagnostic| Finding {
            category,
            diagnostic,
        })
    };
    tag(
        Category::Translation,
        translation_parity(&pages, &content.broken_keys, config, data),
    )
    .chain(tag(Category::Stale, stale(&pages, days, args.today)))
    .chain(tag(
        Category::RawHtml,
        pages.par_iter().flat_map(|p| raw_html(p)).collect(),
    ))
    .collect()
}

/// The build's diagnostics as `check` reports them (category `build`, without the build's
/// one-line summary of untranslated pages, which `check` reports file by file).
pub fn build_findings(ds: impl IntoIterator<Item = Diagnostic>) -> Vec<Finding> {
    ds.into_iter()
        .filter(|d| !is_translation_summary(d))
        .map(|diagnostic| Finding {
            category: Category::Build,
            diagnostic,
        })
        .collect()
}

/// The build's one-line summary of untranslated pages; `check` reports each file instead.
fn is_translation_summary(d: &Diagnostic) -> bool {
    d.file.is_none()
        && d.message
            .contains("are not translated and show the other language")
}

fn is_http(u: &str) -> bool {
    let l = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

fn find_in(text: &str, needle: &str) -> Option<(usize, usize)> {
    text.find(needle).map(|i| line_col(text, i))
}

fn url_in_page<'a>(p: &'a SourcePage, url: &str) -> Option<(&'a SourcePage, usize, usize)> {
    if let Some((l, c)) = find_in(&p.front_text, url) {
        return Some((p, l + p.front_line - 1, c));
    }
    find_in(&p.body, url).map(|(l, c)| (p, l + p.body_line - 1, c))
}

// ---------------------------------------------------------------------------------------------
// Translation parity

/// One step of a path into the front matter: a key or an array index.
#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Idx(usize),
}

/// Finds the line and column of values in a page's front matter.
struct Locator<'a> {
    page: &'a SourcePage,
    table: Option<toml::Spanned<toml::de::DeTable<'a>>>,
}

impl<'a> Locator<'a> {
    fn new(page: &'a SourcePage) -> Self {
        Locator {
            page,
            table: toml::de::DeTable::parse(&page.front_text).ok(),
        }
    }

    fn span(&self, path: &[Seg]) -> Option<std::ops::Range<usize>> {
        let table = self.table.as_ref()?;
        let Some((Seg::Key(first), rest)) = path.split_first() else {
            return None;
        };
        let mut v = table.get_ref().get(*first)?;
        for s in rest {
            v = match s {
                Seg::Key(k) => v.get_ref().get(*k)?,
                Seg::Idx(i) => v.get_ref().get(*i)?,
            };
        }
        Some(v.span())
    }

    /// The (line, column) in the file of the value at `path`, or of the nearest enclosing
    /// value that exists, or of the front matter's first line.
    fn at(&self, path: &[Seg]) -> (usize, usize) {
        let p = self.page;
        for n in (1..=path.len()).rev() {
            if let Some(span) = self.span(&path[..n]) {
                let (l, c) = line_col(&p.front_text, span.start);
                return (l + p.front_line - 1, c);
            }
        }
        // YAML front matter (or TOML that did not parse): look for the last key by name.
        let key = path.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(*k),
            Seg::Idx(_) => None,
        });
        if let Some((l, c)) = key.and_then(|k| crate::diagnostics::locate(&p.front_text, k, "")) {
            return (l + p.front_line - 1, c);
        }
        (p.front_line, 1)
    }
}

fn show<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::Null) => "(none)".into(),
        Ok(x) => x.to_string(),
        Err(_) => "(?)".into(),
    }
}

fn sorted_set(v: &[String]) -> Vec<&String> {
    let s: BTreeSet<&String> = v.iter().collect();
    s.into_iter().collect()
}

/// Compares the language versions of every page.
fn translation_parity(
    pages: &[&SourcePage],
    broken: &HashSet<String>,
    config: &Config,
    data: &Data,
) -> Vec<Diagnostic> {
    let mut by_key: BTreeMap<String, BTreeMap<&str, &SourcePage>> = BTreeMap::new();
    for p in pages {
        by_key.entry(p.key()).or_default().insert(&p.lang, p);
    }
    let order = config.fallback_order();
    let mut out = Vec::new();
    for (key, versions) in &by_key {
        if broken.contains(key) {
            // A version failed to parse: the build reports it; comparing would mislead.
            continue;
        }
        let missing: Vec<&str> = config
            .language_codes()
            .into_iter()
            .filter(|l| !versions.contains_key(l))
            .collect();
        if !missing.is_empty() {
            for p in versions.values() {
                let files: Vec<String> = missing
                    .iter()
                    .map(|l| format!("{}.{l}.md", file_base(p)))
                    .collect();
                out.push(
                    Diagnostic::warning(format!(
                        "this page exists only in {} of the site's languages: there is no {}",
                        versions.keys().copied().collect::<Vec<_>>().join(", "),
                        files.join(", ")
                    ))
                    .in_file(&p.file)
                    .at(1, 1)
                    .hint(format!(
                        "translate it into {}; until then those languages show this version with a notice",
                        missing.join(", ")
                    )),
                );
            }
        }
        let Some(reference) = order.iter().find_map(|l| versions.get(l)) else {
            continue;
        };
        for other in versions.values() {
            if other.lang != reference.lang {
                compare_facts(reference, other, data, &mut out);
            }
        }
    }
    out
}

/// `content/regions/beijing` for `content/regions/beijing.zh.md`.
fn file_base(p: &SourcePage) -> String {
    let f = path_text(&p.file);
    let suffix = format!(".{}.md", p.lang);
    f.strip_suffix(&suffix).unwrap_or(&f).to_string()
}

struct Compare<'a, 'o> {
    a: &'a SourcePage,
    b: &'a SourcePage,
    la: Locator<'a>,
    lb: Locator<'a>,
    out: &'o mut Vec<Diagnostic>,
}

impl Compare<'_, '_> {
    /// Reports a disagreement at `path` in `b` (and names where `a` says otherwise).
    fn differ(&mut self, path: &[Seg], what: &str, va: String, vb: String) {
        let (l, c) = self.lb.at(path);
        let (la, _) = self.la.at(path);
        self.out.push(
            Diagnostic::error(format!(
                "{what} differs between translations: {vb} here, {va} in {}:{la}",
                path_text(&self.a.file)
            ))
            .in_file(&self.b.file)
            .at(l, c)
            .hint("the language versions of a page carry the same facts (only the wording is translated): correct whichever is wrong"),
        );
    }

    fn same<T: PartialEq + Serialize>(&mut self, path: &[Seg], what: &str, va: &T, vb: &T) {
        if va != vb {
            self.differ(path, what, show(va), show(vb));
        }
    }

    fn same_set(&mut self, path: &[Seg], what: &str, va: &[String], vb: &[String]) {
        let (sa, sb) = (sorted_set(va), sorted_set(vb));
        if sa != sb {
            self.differ(path, what, show(&sa), show(&sb));
        }
    }

    fn events(&mut self, table: &str, ea: &[Event], eb: &[Event]) {
        if ea.len() == eb.len() {
            for (i, (x, y)) in ea.iter().zip(eb).enumerate() {
                let n = i + 1;
                let p = |k| {
                    [
                        Seg::Key(table),
                        Seg::Key("events"),
                        Seg::Idx(i),
                        Seg::Key(k),
                    ]
                };
                self.same(
                    &p("date"),
                    &format!("{table}.events #{n} `date`"),
                    &x.date,
                    &y.date,
                );
                self.same(
                    &p("kind"),
                    &format!("{table}.events #{n} `kind`"),
                    &x.kind,
                    &y.kind,
                );
                self.same(
                    &p("source"),
                    &format!("{table}.events #{n} `source`"),
                    &x.source,
                    &y.source,
                );
            }
            return;
        }
        // Different counts: say which events are on one side only.
        let key = |e: &Event| {
            format!(
                "{} {} [{}]",
                e.date,
                show(&e.kind).trim_matches('"'),
                e.source
            )
        };
        let mut only_b: Vec<String> = eb.iter().map(key).collect();
        let mut only_a = Vec::new();
        for e in ea {
            let k = key(e);
            match only_b.iter().position(|x| *x == k) {
                Some(i) => {
                    only_b.remove(i);
                }
                None => only_a.push(k),
            }
        }
        let mut detail = Vec::new();
        if !only_a.is_empty() {
            detail.push(format!("missing here: {}", only_a.join("; ")));
        }
        if !only_b.is_empty() {
            detail.push(format!("only here: {}", only_b.join("; ")));
        }
        let path = [Seg::Key(table), Seg::Key("events")];
        let (l, c) = self.lb.at(&path);
        let (la, _) = self.la.at(&path);
        self.out.push(
            Diagnostic::error(format!(
                "`{table}.events` differ between translations: {} event(s) here, {} in {}:{la} ({})",
                eb.len(),
                ea.len(),
                path_text(&self.a.file),
                detail.join("; ")
            ))
            .in_file(&self.b.file)
            .at(l, c)
            .hint("every language version lists the same events (date, kind, source); only the titles are translated"),
        );
    }

    fn compare_values(
        &mut self,
        data: &Data,
        ca: &BTreeMap<String, CompareValue>,
        cb: &BTreeMap<String, CompareValue>,
    ) {
        let dims: BTreeSet<&String> = ca.keys().chain(cb.keys()).collect();
        for dim in dims {
            let what = format!("comparison value `{dim}`");
            let base = [Seg::Key("region"), Seg::Key("compare"), Seg::Key(dim)];
            match (ca.get(dim), cb.get(dim)) {
                (Some(x), None) => self.differ(&base, &what, show(&x.value), "(none)".into()),
                (None, Some(y)) => self.differ(&base, &what, "(none)".into(), show(&y.value)),
                (Some(x), Some(y)) => {
                    let mut src = base.to_vec();
                    src.push(Seg::Key("source"));
                    self.same(&src, &format!("{what} `source`"), &x.source, &y.source);
                    let kind = data.dimension(dim).map(|d| d.kind);
                    if kind.is_some_and(|k| k != DimensionType::Text) {
                        let k = kind.unwrap_or(DimensionType::Text);
                        let nx = crate::site::normalize_cell(k, &x.value)
                            .unwrap_or_else(|_| show(&x.value));
                        let ny = crate::site::normalize_cell(k, &y.value)
                            .unwrap_or_else(|_| show(&y.value));
                        if nx != ny {
                            let mut v = base.to_vec();
                            v.push(Seg::Key("value"));
                            self.differ(
                                &v,
                                &format!("{what} `value`"),
                                show(&x.value),
                                show(&y.value),
                            );
                        }
                    }
                }
                (None, None) => {}
            }
        }
    }
}

/// Compares the structured facts of `b` with those of `a` (the reference language).
fn compare_facts(a: &SourcePage, b: &SourcePage, data: &Data, out: &mut Vec<Diagnostic>) {
    let mut c = Compare {
        a,
        b,
        la: Locator::new(a),
        lb: Locator::new(b),
        out,
    };
    let (fa, fb) = (&a.front, &b.front);
    c.same(&[Seg::Key("date")], "`date`", &fa.date, &fb.date);
    c.same(
        &[Seg::Key("updated")],
        "`updated`",
        &fa.updated,
        &fb.updated,
    );
    if let (Some(ra), Some(rb)) = (&fa.region, &fb.region) {
        let r = Seg::Key("region");
        c.same(&[r, Seg::Key("kind")], "`region.kind`", &ra.kind, &rb.kind);
        c.same(
            &[r, Seg::Key("parent")],
            "`region.parent`",
            &ra.parent,
            &rb.parent,
        );
        c.same_set(
            &[r, Seg::Key("sources")],
            "`region.sources`",
            &ra.sources,
            &rb.sources,
        );
        c.events("region", &ra.events, &rb.events);
        c.compare_values(data, &ra.compare, &rb.compare);
    }
    if let (Some(da), Some(db)) = (&fa.drug, &fb.drug) {
        let d = Seg::Key("drug");
        c.same(
            &[d, Seg::Key("status")],
            "`drug.status`",
            &da.status,
            &db.status,
        );
        c.same_set(
            &[d, Seg::Key("regions")],
            "`drug.regions`",
            &da.regions,
            &db.regions,
        );
        c.same_set(
            &[d, Seg::Key("sources")],
            "`drug.sources`",
            &da.sources,
            &db.sources,
        );
        c.events("drug", &da.events, &db.events);
    }
}

// ---------------------------------------------------------------------------------------------
// Stale facts

/// The last day of the period a partial date names (`2024-06` → 2024-06-30).
fn last_day(d: PartialDate) -> chrono::NaiveDate {
    use chrono::NaiveDate;
    match (d.month, d.day) {
        (Some(_), Some(_)) => d.first_day(),
        (Some(m), None) => {
            let (y, m) = if m == 12 {
                (d.year + 1, 1)
            } else {
                (d.year, m + 1)
            };
            NaiveDate::from_ymd_opt(y, m, 1)
                .and_then(|x| x.pred_opt())
                .unwrap_or_else(|| d.first_day())
        }
        _ => NaiveDate::from_ymd_opt(d.year, 12, 31).unwrap_or_else(|| d.first_day()),
    }
}

fn stale(pages: &[&SourcePage], days: u32, today: chrono::NaiveDate) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for p in pages.iter().filter(|p| p.kind == Kind::Page) {
        let loc = Locator::new(p);
        match p.front.updated {
            None => {
                let (l, c) = loc.at(&[Seg::Key("title")]);
                out.push(
                    Diagnostic::warning(
                        "the page has no `updated` date: nothing says when its facts were last checked",
                    )
                    .in_file(&p.file)
                    .at(l, c)
                    .hint(format!(
                        "after checking the facts against the sources, add updated = {today} to the front matter"
                    )),
                );
            }
            Some(d) => {
                let (l, c) = loc.at(&[Seg::Key("updated")]);
                if d.first_day() > today {
                    out.push(
                        Diagnostic::warning(format!("`updated` = {d} is in the future"))
                            .in_file(&p.file)
                            .at(l, c)
                            .hint("set it to the day the facts were last checked"),
                    );
                    continue;
                }
                let age = (today - last_day(d)).num_days();
                if age > i64::from(days) {
                    out.push(
                        Diagnostic::warning(format!(
                            "facts last reviewed {d}, {age} days ago (the limit is {days} days)"
                        ))
                        .in_file(&p.file)
                        .at(l, c)
                        .hint(format!(
                            "check the facts against the sources, then set updated = {today}; the limit is [check] stale_after_days in atlas.toml, or --stale-days"
                        )),
                    );
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Raw HTML policy

/// `javascript:` URL, read as a browser does: leading spaces and control characters, and
/// tabs or newlines inside the scheme, are ignored.
fn is_javascript_url(v: &str) -> bool {
    let cleaned: String = v
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(11)
        .collect();
    cleaned.eq_ignore_ascii_case("javascript:")
}

/// Problems in one piece of raw HTML that starts at byte `at` of the body.
fn scan_html(html: &str, at: usize, page: &SourcePage, out: &mut Vec<Diagnostic>) {
    use html5gum::{DefaultEmitter, Token, Tokenizer};
    let pos = |offset: usize| {
        let (l, c) = line_col(&page.body, at + offset);
        (l + page.body_line - 1, c)
    };
    let tokens = Tokenizer::new_with_emitter(html, DefaultEmitter::<usize>::new_with_span());
    for token in tokens.flatten() {
        let Token::StartTag(tag) = token else {
            continue;
        };
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        if name == "script" {
            let (l, c) = pos(tag.span.start);
            out.push(
                Diagnostic::warning("raw HTML: a <script> element in the page body")
                    .in_file(&page.file)
                    .at(l, c)
                    .hint("the site must work without scripts and load nothing from other hosts: remove it, or put site-wide scripts in the theme"),
            );
        }
        for (attr, value) in &tag.attributes {
            let attr_name = String::from_utf8_lossy(attr).to_ascii_lowercase();
            let value_text = String::from_utf8_lossy(&value.value);
            if attr_name.len() > 2 && attr_name.starts_with("on") {
                // The attribute's name sits just before its value; find it within the tag.
                let tag_text = html.get(tag.span.start..tag.span.end).unwrap_or("");
                let off = tag_text
                    .to_ascii_lowercase()
                    .find(&attr_name)
                    .map_or(tag.span.start, |i| tag.span.start + i);
                let (l, c) = pos(off);
                out.push(
                    Diagnostic::warning(format!(
                        "raw HTML: inline event handler `{attr_name}` on <{name}>"
                    ))
                    .in_file(&page.file)
                    .at(l, c)
                    .hint("remove it: page bodies carry no scripts (use a plain link or Markdown instead)"),
                );
            }
            if is_javascript_url(&value_text) {
                let (l, c) = pos(value.span.start);
                out.push(
                    Diagnostic::warning(format!(
                        "raw HTML: javascript: URL in `{attr_name}` of <{name}>"
                    ))
                    .in_file(&page.file)
                    .at(l, c)
                    .hint("link to a page or a file instead"),
                );
            }
        }
    }
}

/// Raw HTML policy warnings for one page body.
fn raw_html(page: &SourcePage) -> Vec<Diagnostic> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let body = &page.body;
    let parser = Parser::new_ext(body, crate::markdown::options()).into_offset_iter();
    let mut block: Option<usize> = None;
    for (event, range) in parser {
        match event {
            Event::Start(Tag::HtmlBlock) => block = Some(range.start),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(start) = block.take() {
                    let end = range.end.min(body.len());
                    if let Some(text) = body.get(start..end) {
                        scan_html(text, start, page, &mut out);
                    }
                }
            }
            Event::InlineHtml(_) | Event::Html(_) if block.is_none() => {
                if let Some(text) = body.get(range.clone()) {
                    scan_html(text, range.start, page, &mut out);
                }
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. })
                if is_javascript_url(&dest_url) =>
            {
                let (l, c) = line_col(body, range.start);
                out.push(
                    Diagnostic::warning("javascript: URL in a Markdown link")
                        .in_file(&page.file)
                        .at(l + page.body_line - 1, c)
                        .hint(
                            "link to a page (@/section/page.md), a file or an http(s) URL instead",
                        ),
                );
            }
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// External links

/// http(s) URLs in the `href` and `src` attributes of an HTML document.
pub fn external_urls(html: &[u8]) -> Vec<String> {
    use html5gum::{Token, Tokenizer};
    let text = String::from_utf8_lossy(html);
    let mut out = Vec::new();
    for token in Tokenizer::new(text.as_ref()).flatten() {
        if let Token::StartTag(tag) = token {
            for (attr, value) in &tag.attributes {
                let a: &[u8] = attr;
                if a.eq_ignore_ascii_case(b"href") || a.eq_ignore_ascii_case(b"src") {
                    let v = String::from_utf8_lossy(&value.value).trim().to_string();
                    if is_http(&v) {
                        // The fragment is never sent to the server.
                        let v = v.split('#').next().unwrap_or(&v).to_string();
                        out.push(v);
                    }
                }
            }
        }
    }
    out
}

/// What an external URL answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    /// A success status (after redirects).
    Ok(u16),
    /// An error status, to HEAD and then to GET.
    Broken(u16),
    /// No HTTP answer: why.
    Unreachable(String),
}

/// The host (with port) a URL is requested from, for the per-host limit.
fn host_of(url: &str) -> Option<String> {
    let uri: ureq::http::Uri = url.parse().ok()?;
    uri.authority().map(|a| a.as_str().to_ascii_lowercase())
}

fn probe(agent: &ureq::Agent, url: &str, timeout: Duration) -> LinkStatus {
    use ureq::Error;
    let fail = |e: Error| match e {
        Error::Timeout(_) => format!("no answer within {} s", timeout.as_secs_f32()),
        Error::HostNotFound => "host not found".into(),
        Error::ConnectionFailed => "connection failed".into(),
        e => e.to_string(),
    };
    match agent.head(url).call() {
        Ok(r) if r.status().is_success() => return LinkStatus::Ok(r.status().as_u16()),
        // Some servers refuse or mishandle HEAD: ask again with GET.
        Ok(_) => {}
        // No server answered at all: a GET would not fare better.
        Err(e @ (Error::Timeout(_) | Error::HostNotFound | Error::ConnectionFailed)) => {
            return LinkStatus::Unreachable(fail(e));
        }
        Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return LinkStatus::Unreachable(format!("connection refused ({e})"));
        }
        Err(_) => {}
    }
    match agent.get(url).call() {
        Ok(r) if r.status().is_success() => LinkStatus::Ok(r.status().as_u16()),
        Ok(r) => LinkStatus::Broken(r.status().as_u16()),
        Err(e) => LinkStatus::Unreachable(fail(e)),
    }
}

/// Checks URLs concurrently but politely: at most `per_host` requests in flight to one host
/// and `max_concurrent` in all, each limited to `timeout`. Results are in the order of `urls`.
pub fn check_urls(urls: &[String], opts: &ExternalOptions) -> Vec<LinkStatus> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!(
            "atlas-check/",
            env!("CARGO_PKG_VERSION"),
            " (link checker)"
        ))
        .build()
        .into();
    let mut results: Vec<Option<LinkStatus>> = vec![None; urls.len()];
    let mut pending = VecDeque::new();
    for (i, u) in urls.iter().enumerate() {
        match host_of(u) {
            Some(h) => pending.push_back((i, h)),
            None => results[i] = Some(LinkStatus::Unreachable("not a valid URL".into())),
        }
    }
    struct State {
        pending: VecDeque<(usize, String)>,
        in_flight: HashMap<String, usize>,
        done: Vec<(usize, LinkStatus)>,
    }
    let state = Mutex::new(State {
        pending,
        in_flight: HashMap::new(),
        done: Vec::new(),
    });
    let wake = Condvar::new();
    let per_host = opts.per_host.max(1);
    let workers = opts.max_concurrent.max(1).min(urls.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let (i, host) = {
                        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                        loop {
                            if st.pending.is_empty() {
                                return;
                            }
                            let free = st.pending.iter().position(|(_, h)| {
                                st.in_flight.get(h).copied().unwrap_or(0) < per_host
                            });
                            if let Some(k) = free {
                                let job = st.pending.remove(k).expect("index in range");
                                *st.in_flight.entry(job.1.clone()).or_default() += 1;
                                break job;
                            }
                            st = wake.wait(st).unwrap_or_else(|e| e.into_inner());
                        }
                    };
                    let status = probe(&agent, &urls[i], opts.timeout);
                    let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(n) = st.in_flight.get_mut(&host) {
                        *n = n.saturating_sub(1);
                    }
                    st.done.push((i, status));
                    drop(st);
                    wake.notify_all();
                }
            });
        }
    });
    let st = state.into_inner().unwrap_or_else(|e| e.into_inner());
    for (i, status) in st.done {
        results[i] = Some(status);
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| LinkStatus::Unreachable("not checked".into())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(front: &str, body: &str) -> SourcePage {
        let text = format!("+++\n{front}+++\n{body}");
        crate::content::parse_page(
            &text,
            "content/regions/x.en.md".into(),
            "regions".into(),
            "x".into(),
            "en".into(),
            Kind::Page,
        )
        .unwrap()
    }

    #[test]
    fn javascript_urls_as_browsers_read_them() {
        assert!(is_javascript_url("javascript:alert(1)"));
        assert!(is_javascript_url("  JavaScript:x"));
        assert!(is_javascript_url("java\tscript:x"));
        assert!(!is_javascript_url("https://example.org/javascript:"));
        assert!(!is_javascript_url("javascript"));
    }

    #[test]
    fn raw_html_positions() {
        let p = page(
            "title = \"T\"\n[region]\nkind = \"province\"\n",
            "Text with <span onclick=\"x()\">a span</span>.\n\n<div>\n<script>alert(1)</script>\n</div>\n\n[a](javascript:alert(1)) and `<script>` in code\n\n    <script>in an indented code block</script>\n",
        );
        let d = raw_html(&p);
        let got: Vec<(usize, usize, bool)> = d
            .iter()
            .map(|d| {
                (
                    d.line.unwrap(),
                    d.column.unwrap(),
                    d.message.contains("script"),
                )
            })
            .collect();
        // Body starts on line 6: the front matter has 3 lines between the +++ lines.
        assert_eq!(
            got,
            vec![(6, 17, false), (9, 1, true), (12, 1, true)],
            "{d:#?}"
        );
        assert!(d[0].message.contains("onclick"), "{}", d[0].message);
        assert!(d[2].message.contains("Markdown link"), "{}", d[2].message);
    }

    #[test]
    fn locator_finds_nested_values() {
        let p = page(
            "title = \"T\"\nupdated = 2024-01-01\n[region]\nkind = \"province\"\n[[region.events]]\ndate = \"2024\"\ntitle = \"a\"\nsource = \"s\"\n[[region.events]]\ndate = \"2025\"\ntitle = \"b\"\nsource = \"s\"\n",
            "",
        );
        let l = Locator::new(&p);
        assert_eq!(l.at(&[Seg::Key("updated")]), (3, 11));
        assert_eq!(
            l.at(&[
                Seg::Key("region"),
                Seg::Key("events"),
                Seg::Idx(1),
                Seg::Key("date")
            ]),
            (11, 8)
        );
        // A missing value falls back to its nearest parent.
        assert_eq!(l.at(&[Seg::Key("region"), Seg::Key("parent")]).0, 4);
    }

    #[test]
    fn last_day_of_partial_dates() {
        let d = |s: &str| last_day(s.parse().unwrap()).to_string();
        assert_eq!(d("2024"), "2024-12-31");
        assert_eq!(d("2024-02"), "2024-02-29");
        assert_eq!(d("2024-12"), "2024-12-31");
        assert_eq!(d("2024-03-05"), "2024-03-05");
    }

    #[test]
    fn urls_from_html() {
        let html = br#"<a href="https://a.example/x#frag">a</a><img src="http://b.example/i.png"><a href="/local/">l</a><a href="mailto:x@y">m</a><link href="HTTPS://c.example/&amp;q">"#;
        assert_eq!(
            external_urls(html),
            vec![
                "https://a.example/x",
                "http://b.example/i.png",
                "HTTPS://c.example/&q"
            ]
        );
    }

    #[test]
    fn invalid_url_is_reported_without_network() {
        let r = check_urls(
            &["http://exa mple/".to_string()],
            &ExternalOptions::default(),
        );
        assert!(matches!(&r[0], LinkStatus::Unreachable(_)), "{r:?}");
    }
}
