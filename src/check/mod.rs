//! `atlas check`: everything the build validates, and more, without writing anything.
//!
//! On top of the build's own checks (config, content, data, links, anchors, citations,
//! schemas, templates, all rendered in memory), `check` reports:
//! - translation parity: pages present in one language only, titles still `atlas new`'s
//!   placeholder, and language versions of a page
//!   that disagree on structured facts (dates, kinds, status, parent, related regions, sources,
//!   events, comparison values of non-text dimensions);
//! - stale facts: pages whose `updated` date is older than `[check] stale_after_days`;
//! - raw HTML that could run script in a reader's browser, in Markdown bodies and in the HTML
//!   and SVG files the build copies (the policy is [`crate::raw_html`]'s): warnings, or errors
//!   with `[check] raw_html = "error"`;
//! - optionally (`--external`), external links that do not answer.
//!
//! Every finding is a [`Diagnostic`] with a [`Category`]; [`Report`] prints them for people
//! or as a stable JSON document for machines.
//!
//! Takes a site root ([`CheckArgs`]); gives a [`Report`]. Must not write anything, and uses
//! the network only for `--external`. It reads the same [`crate::site::Site`] the build makes
//! (through [`crate::build::load`]) and never changes it.
//!
//! Where things are: `report.rs` (findings, the human and JSON formats), `parity.rs`
//! (translation parity), `placeholder.rs` (placeholder titles), `stale.rs` (stale facts),
//! `external.rs` (external links over HTTP), `locator.rs` (positions in front matter); this
//! file runs them all and sorts what they find.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::build::BuildArgs;
use crate::config::Config;
use crate::content::SourcePage;
use crate::data::Data;
use crate::diagnostics::{Diagnostic, line_col};

mod external;
mod locator;
mod parity;
mod placeholder;
mod report;
mod stale;
#[cfg(test)]
mod tests;

pub use external::{ExternalOptions, LinkStatus, check_urls, external_urls};
pub use report::{Category, Finding, JSON_FORMAT_VERSION, Report};

use external::is_http;
use parity::translation_parity;
use placeholder::placeholder_titles;
use stale::stale;
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
        // Files whose front matter failed to parse are content files too.
        report.pages = pages.len() + unparsed_files(&content);
        let (data, _) = Data::load(&args.root, &config.language_codes());
        for f in content_findings(args, &config, &content, &data) {
            push(f.category, vec![f.diagnostic]);
        }
        let paths = crate::config::SitePaths::new(&args.root, &config);
        push(
            Category::RawHtml,
            crate::raw_html::copied_files(
                &args.root,
                &paths.theme,
                &content.assets,
                config.check.raw_html,
            ),
        );

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
    .chain(tag(Category::Translation, placeholder_titles(&pages)))
    .chain(tag(Category::Stale, stale(&pages, days, args.today)))
    .chain(tag(
        Category::RawHtml,
        pages
            .par_iter()
            .flat_map(|p| crate::raw_html::page(p, config.check.raw_html))
            .collect(),
    ))
    .collect()
}

/// The build's diagnostics as `check` reports them (category `build`, or `raw-html` for the
/// raw HTML errors a build with `[check] raw_html = "error"` reports; without the build's
/// one-line summary of untranslated pages, which `check` reports file by file).
pub fn build_findings(ds: impl IntoIterator<Item = Diagnostic>) -> Vec<Finding> {
    ds.into_iter()
        .filter(|d| !is_translation_summary(d))
        .map(|diagnostic| Finding {
            category: if crate::raw_html::is_finding(&diagnostic) {
                Category::RawHtml
            } else {
                Category::Build
            },
            diagnostic,
        })
        .collect()
}

/// How many Markdown files under content/ have errors and did not parse.
fn unparsed_files(content: &crate::content::Content) -> usize {
    let parsed: BTreeSet<&std::path::Path> =
        content.pages.iter().map(|p| p.file.as_path()).collect();
    content
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| d.file.as_deref())
        .filter(|f| f.extension().is_some_and(|x| x == "md") && !parsed.contains(f))
        .collect::<BTreeSet<_>>()
        .len()
}

/// The build's one-line summary of untranslated pages; `check` reports each file instead.
fn is_translation_summary(d: &Diagnostic) -> bool {
    d.file.is_none()
        && d.message
            .contains("are not translated and show the other language")
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
