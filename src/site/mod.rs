//! The whole site model, built once from config, content and data, then read by every
//! consumer (render, serve, check): output pages with their URLs and translations, rendered
//! bodies, cross-links checked down to the anchor, backlinks and relations, sources, the
//! comparison table, taxonomies and the timeline.
//!
//! Takes the [`Config`], the [`Content`] read from `content/` and the [`Data`]; gives a
//! [`Site`] (or every error found, with the warnings). Renders each Markdown body with the
//! link resolver, but applies no template and writes no file; it must not reach into the
//! later stages (render, output, build). One file per part: `pages.rs` (pages, URLs,
//! translations), `sections.rs`, `links.rs` (Markdown, cross-links, anchors),
//! `markdown_cache.rs`, `schemas.rs`, `tiles.rs` (the map's `tile` keys), `relations.rs`,
//! `sources.rs`, `compare.rs`, `taxonomies.rs`, `timeline.rs`, `output_paths.rs` (aliases,
//! reserved names, collisions).

mod bodies;
mod compare;
mod links;
mod markdown_cache;
mod output_paths;
mod pages;
mod relations;
mod schemas;
mod sections;
mod sources;
mod taxonomies;
#[cfg(test)]
mod test_site;
mod tiles;
mod timeline;

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::config::{Config, SitePaths};
use crate::content::{Asset, Content, SourcePage};
use crate::data::Data;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::Rendered;

pub use crate::content::normalize_alias;
pub use compare::{Cell, CompareTable, normalize_cell};
pub use markdown_cache::MarkdownCache;
pub use output_paths::{GENERATED_FILES, MARKER, RESERVED_SECTIONS};
pub use pages::Page;
pub use taxonomies::{Taxonomy, Term};
pub use tiles::TilePlace;
pub use timeline::TimelineEvent;

use relations::Lists;

/// Section folder of region pages.
pub const REGIONS: &str = "regions";
/// Section folder of drug pages.
pub const DRUGS: &str = "drugs";

/// Options that change what is built.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions<'a> {
    /// Include pages with `draft = true`.
    pub drafts: bool,
    /// Rendered Markdown kept from the last build (`atlas serve`); the result is the same.
    pub markdown_cache: Option<&'a MarkdownCache>,
    /// Free each file's Markdown body and front matter text ([`SourcePage::body`],
    /// [`SourcePage::front_text`]) once the model is built: only the checks read them (the
    /// search index uses the rendered text). `atlas build` sets it; `atlas check` and `atlas
    /// serve` do not.
    pub release_sources: bool,
    /// Free the summaries ([`Rendered::summary`]) once the model is built: `atlas build`
    /// sets it when no template of the theme shows a summary.
    pub release_summaries: bool,
}

/// Everything about one language of the site.
#[derive(Debug, Clone, Default)]
pub struct LangModel {
    /// The comparison table.
    pub compare: CompareTable,
    /// Events, newest first.
    pub timeline: Vec<TimelineEvent>,
    /// Taxonomies that have terms.
    pub taxonomies: Vec<Taxonomy>,
}

/// The built site model.
#[derive(Debug)]
pub struct Site {
    /// The config (with any command-line overrides).
    pub config: Config,
    /// Where things are.
    pub paths: SitePaths,
    /// Sources and dimensions.
    pub data: Data,
    /// The content files used (drafts removed unless asked for).
    pub files: Vec<SourcePage>,
    /// Rendered Markdown, parallel to `files`.
    pub rendered: Vec<std::sync::Arc<Rendered>>,
    /// Output pages.
    pub pages: Vec<Page>,
    /// Files copied from content/.
    pub assets: Vec<Asset>,
    /// Per-language model, by language code.
    pub langs: BTreeMap<String, LangModel>,
    /// Redirects: (alias path under the base path, target page index).
    pub aliases: Vec<(String, usize)>,
    /// Keys of files that failed to parse (links to them are not reported twice).
    broken_keys: HashSet<String>,
    /// Content files with `draft = true` left out (none when drafts are built).
    pub drafts_left_out: usize,
    /// Warnings found while building.
    pub warnings: Vec<Diagnostic>,
    /// Page by language, then key.
    index: HashMap<String, HashMap<String, usize>>,
    lists: Lists,
}

impl Site {
    /// Builds the model. On failure returns every error found (and the warnings).
    pub fn build(
        config: Config,
        paths: SitePaths,
        content: Content,
        data: Data,
        opts: &BuildOptions<'_>,
    ) -> Result<Site, Diagnostics> {
        let mut diags = Diagnostics::default();
        diags.extend(content.diagnostics);
        let all = content.pages.len();
        let files: Vec<SourcePage> = content
            .pages
            .into_iter()
            .filter(|p| opts.drafts || !p.front.draft)
            .collect();
        let drafts_left_out = all - files.len();
        let mut site = Site {
            config,
            paths,
            data,
            files,
            rendered: Vec::new(),
            pages: Vec::new(),
            assets: content.assets,
            langs: BTreeMap::new(),
            aliases: Vec::new(),
            broken_keys: content.broken_keys,
            drafts_left_out,
            warnings: Vec::new(),
            index: HashMap::new(),
            lists: Lists::default(),
        };
        site.check_sections(&mut diags);
        site.add_missing_indexes(&mut diags);
        site.make_pages(&mut diags);
        site.index_lists();
        site.render_markdown(&mut diags, opts);
        site.check_anchors(&mut diags);
        // Heading ids were only needed for the anchor checks (the pages have their TOC);
        // a body the Markdown cache shares keeps them for the next build.
        for r in &mut site.rendered {
            if let Some(r) = std::sync::Arc::get_mut(r) {
                r.anchors = HashSet::new();
            }
        }
        site.check_schemas(&mut diags);
        site.check_tiles(&mut diags);
        site.compute_backlinks();
        site.collect_sources();
        site.make_aliases(&mut diags);
        site.check_output_paths(&mut diags);
        for l in site.config.language_codes() {
            let model = site.lang_model(l, &mut diags);
            site.langs.insert(l.to_string(), model);
        }
        site.link_term_translations();
        site.warn_unused_sources();
        if diags.has_errors() {
            diags.extend(site.warnings);
            return Err(diags.sorted());
        }
        site.warnings = Diagnostics(std::mem::take(&mut site.warnings)).sorted().0;
        site.warnings.extend(diags.0);
        if opts.release_sources {
            // Only needed to point at errors in the front matter, all found by now.
            for f in &mut site.files {
                f.front_text = "".into();
            }
        }
        Ok(site)
    }

    /// The output page for (language, key).
    pub fn page(&self, lang: &str, key: &str) -> Option<usize> {
        self.index.get(lang)?.get(key).copied()
    }

    /// The content file shown by a page.
    pub fn file(&self, page: usize) -> &SourcePage {
        &self.files[self.pages[page].file]
    }

    /// The rendered body shown by a page.
    pub fn body(&self, page: usize) -> &Rendered {
        &self.rendered[self.pages[page].file]
    }

    /// URL of a page (base path + path).
    pub fn url(&self, page: usize) -> String {
        format!("{}{}", self.config.base_path(), self.pages[page].path)
    }

    fn lang_model(&self, lang: &str, diags: &mut Diagnostics) -> LangModel {
        let mut errors = Vec::new();
        let taxonomies = self.taxonomies(lang, &mut errors);
        diags.extend(std::mem::take(&mut errors));
        let timeline = self.timeline(lang, &mut errors);
        diags.extend(errors);
        LangModel {
            compare: self.compare_table(lang),
            timeline,
            taxonomies,
        }
    }
}
