//! `atlas build`: every stage, from the site folder to a swapped-in output folder.
//!
//! Takes the command-line arguments; runs config, content and data loading, the site model,
//! the render and the atomic write, and gives a [`BuildReport`] (or every error found, with
//! the warnings). It only drives the stages: no pipeline stage (content, site, render, output)
//! may name `build`. [`cache`] holds what `atlas serve` keeps between rebuilds.

pub mod cache;
pub mod summary;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{Config, RawHtmlMode, SitePaths};
use crate::data::Data;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Staging, check_output_dir};
use crate::render::{RenderStats, Theme, render_site};
use crate::site::{BuildOptions, Site};

/// What to build and where.
#[derive(Debug, Clone, Default)]
pub struct BuildArgs {
    /// The site root (holds atlas.toml).
    pub root: PathBuf,
    /// Output folder; default `<root>/public`.
    pub output_dir: Option<PathBuf>,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
}

/// The result of a successful build.
#[derive(Debug)]
pub struct BuildReport {
    /// Where the site was written.
    pub output: PathBuf,
    /// What was written.
    pub stats: RenderStats,
    /// Warnings.
    pub warnings: Vec<Diagnostic>,
    /// Wall time.
    pub elapsed: Duration,
    /// Wall time by stage.
    pub timings: Timings,
    /// Pages per language and drafts left out, for [`summary::summary_line`].
    pub counts: summary::SiteCounts,
}

/// Loads and checks everything up to the site model, without writing anything.
/// Returns the model and the loaded theme.
/// Raw HTML is not checked here (`atlas check` reports it with its own category).
pub fn load(args: &BuildArgs) -> Result<(Site, Theme), Diagnostics> {
    load_timed(args, (false, false), &mut Timings::default(), None)
}

/// [`load`] for a caller that only renders the model, as `atlas build` does: each file's
/// Markdown source is freed once rendered ([`BuildOptions::release_sources`]).
pub fn load_to_render(args: &BuildArgs) -> Result<(Site, Theme), Diagnostics> {
    load_timed(args, (true, true), &mut Timings::default(), None)
}

/// [`load`], reusing from `cache` the parse and the rendered Markdown of files that did not
/// change (and whose links' targets did not change) since the last call with the same cache,
/// and leaving this build's in it. The result is the one [`load`] gives. Used by
/// `atlas serve`; see [`cache`].
pub fn load_cached(
    args: &BuildArgs,
    cache: &cache::BuildCache,
) -> Result<(Site, Theme), Diagnostics> {
    load_timed(args, (false, true), &mut Timings::default(), Some(cache))
}

/// Wall time of each stage of a build, in order.
#[derive(Debug, Clone, Default)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    fn lap(&mut self, stage: &'static str, since: &mut Instant) {
        let now = Instant::now();
        self.0.push((stage, now - *since));
        *since = now;
    }
}

/// [`load`]; `release_sources`: see [`BuildOptions::release_sources`]; `gate_raw_html`: with
/// `[check] raw_html = "error"`, raw HTML findings are errors of the load (as for `atlas build`
/// and `atlas serve`); `cache`: see [`load_cached`].
fn load_timed(
    args: &BuildArgs,
    (release_sources, gate_raw_html): (bool, bool),
    timings: &mut Timings,
    cache: Option<&cache::BuildCache>,
) -> Result<(Site, Theme), Diagnostics> {
    let mut t = Instant::now();
    let root = &args.root;
    let mut diags = Diagnostics::default();
    if let Some(c) = cache {
        c.take_loaded();
    }
    let mut config = Config::load(root).map_err(Diagnostics)?;
    if let Some(url) = &args.base_url {
        config.set_base_url(url).map_err(|e| Diagnostics(vec![e]))?;
    }
    let paths = SitePaths::new(root, &config);
    let langs = config.language_codes();
    let (theme, (data, content)) = rayon::join(
        || match cache {
            Some(c) => Theme::load_cached(root, &paths.theme, &langs, &c.theme),
            None => Theme::load(root, &paths.theme, &langs),
        },
        || {
            rayon::join(
                || Data::load(root, &langs),
                || crate::content::load_cached(root, &config, cache.map(|c| &c.parsed)),
            )
        },
    );
    let theme = match theme {
        Ok(t) => Some(t),
        Err(e) => {
            diags.extend(e);
            None
        }
    };
    let (data, data_diags) = data;
    diags.extend(data_diags);
    if gate_raw_html && config.check.raw_html == RawHtmlMode::Error {
        diags.extend(raw_html_errors(root, &paths, &content, args.drafts));
    }
    if let Some(c) = cache.filter(|c| c.keep_loaded) {
        *c.loaded.lock().unwrap_or_else(|e| e.into_inner()) = Some(cache::Loaded {
            config: config.clone(),
            content: content.clone(),
            data: data.clone(),
        });
    }
    timings.lap("read config, theme, data and content", &mut t);
    let opts = BuildOptions {
        drafts: args.drafts,
        markdown_cache: cache.map(|c| &c.markdown),
        release_sources,
        release_summaries: release_sources && theme.as_ref().is_some_and(|t| !t.uses_summary()),
    };
    let site = Site::build(config, paths, content, data, &opts);
    timings.lap("site model (Markdown, links, relations, tables)", &mut t);
    match (site, theme) {
        (Ok(site), Some(theme)) if !diags.has_errors() => Ok((site, theme)),
        (Ok(site), _) => {
            diags.extend(site.warnings);
            Err(diags.sorted())
        }
        (Err(e), _) => {
            diags.extend(e.0);
            Err(diags.sorted())
        }
    }
}

/// Builds the site into its output folder. On failure the previous output is untouched and
/// every error found is returned (with the warnings).
pub fn build(args: &BuildArgs) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    let output = output_dir(args);
    check_output_dir(&args.root, &output).map_err(|d| Diagnostics(vec![d]))?;
    let mut timings = Timings::default();
    // Nothing reads the Markdown sources once rendered: free them for the render.
    let (site, theme) = load_timed(args, (true, true), &mut timings, None)?;
    let mut t = Instant::now();
    let staging = Staging::new(&output).map_err(|e| {
        Diagnostics(vec![
            Diagnostic::error(format!(
                "cannot create a staging folder beside {}: {e}",
                output.display()
            ))
            .hint("check that the output's parent folder is writable"),
        ])
    })?;
    let stats = render_site(&site, &theme, &staging).map_err(|e| {
        let mut d = Diagnostics(e);
        d.extend(site.warnings.clone());
        d.sorted()
    })?;
    timings.lap("render and write", &mut t);
    staging.commit().map_err(|e| {
        Diagnostics(vec![
            Diagnostic::error(format!(
                "cannot swap the new output into {}: {e}",
                output.display()
            ))
            .hint("check permissions; the previous output is unchanged"),
        ])
    })?;
    timings.lap("swap in, remove the previous output", &mut t);
    let counts = summary::SiteCounts::of(&site);
    Ok(BuildReport {
        output,
        stats,
        counts,
        warnings: site.warnings,
        elapsed: start.elapsed(),
        timings,
    })
}

/// `[check] raw_html = "error"`: the raw HTML findings of the pages (drafts only when built)
/// and of the HTML and SVG files the build copies, as errors.
fn raw_html_errors(
    root: &Path,
    paths: &SitePaths,
    content: &crate::content::Content,
    drafts: bool,
) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let mut out: Vec<Diagnostic> = content
        .pages
        .par_iter()
        .filter(|p| drafts || !p.front.draft)
        .flat_map(|p| crate::raw_html::page(p, RawHtmlMode::Error))
        .collect();
    out.extend(crate::raw_html::copied_files(
        root,
        &paths.theme,
        &content.assets,
        RawHtmlMode::Error,
    ));
    out
}

/// The output folder for these arguments.
pub fn output_dir(args: &BuildArgs) -> PathBuf {
    args.output_dir
        .clone()
        .unwrap_or_else(|| args.root.join("public"))
}

/// Used by tests and tools: true if `path` looks like an atlas site root.
pub fn is_site_root(path: &Path) -> bool {
    path.join(crate::config::CONFIG_FILE).is_file()
}
