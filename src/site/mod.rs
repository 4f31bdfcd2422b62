//! The whole site model, built once from config, content and data, then read by every
//! consumer (render, serve, check): output pages with their URLs and translations, rendered
//! bodies, cross-links checked down to the anchor, backlinks and relations, sources, the
//! comparison table, taxonomies and the timeline.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, SitePaths};
use crate::content::{Asset, Content, Kind, SourcePage};
use crate::data::{Data, DimensionType};
use crate::date::PartialDate;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, LinkResolver, Rendered, slugify};
use crate::schema::{CellValue, EventKind};

pub use crate::content::normalize_alias;

/// Section folder of region pages.
pub const REGIONS: &str = "regions";
/// Section folder of drug pages.
pub const DRUGS: &str = "drugs";

/// Output paths atlas generates itself; a content section may not use them.
pub const RESERVED_SECTIONS: &[&str] = &[
    "compare",
    "timeline",
    "sources",
    "tags",
    "indications",
    "cell-sources",
    "status",
    "search",
];

/// Files atlas writes at the root of the output (besides pages, `<lang>/atom.xml`, theme
/// static files and the folders in [`RESERVED_SECTIONS`]).
pub const GENERATED_FILES: &[&str] = &[
    "index.html",
    "404.html",
    "sitemap.xml",
    "robots.txt",
    crate::output::MARKER,
];

/// Options that change what is built.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions<'a> {
    /// Include pages with `draft = true`.
    pub drafts: bool,
    /// Rendered Markdown kept from the last build (`atlas serve`); the result is the same.
    pub markdown_cache: Option<&'a crate::build::cache::MarkdownCache>,
    /// Free each file's Markdown body and front matter text ([`SourcePage::body`],
    /// [`SourcePage::front_text`]) once the model is built: only the checks read them (the
    /// search index uses the rendered text). `atlas build` sets it; `atlas check` and `atlas
    /// serve` do not.
    pub release_sources: bool,
    /// Free the summaries ([`Rendered::summary`]) once the model is built: `atlas build`
    /// sets it when no template of the theme shows a summary.
    pub release_summaries: bool,
}

/// One output page: a content file in one output language.
#[derive(Debug, Clone)]
pub struct Page {
    /// Language-independent key (`regions/beijing`).
    pub key: String,
    /// Output language code.
    pub lang: String,
    /// Index into [`Site::files`] of the content shown (another language's when a fallback).
    pub file: usize,
    /// True when the page shows another language's content because it is not translated.
    pub fallback: bool,
    /// URL path under the base path (`zh/regions/beijing/`).
    pub path: String,
    /// Pages (same language) that link to this one, by index.
    pub backlinks: Vec<usize>,
    /// Source ids shown at the end of the page, numbered in this order.
    pub sources: Vec<String>,
}

/// One cell of the comparison table.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Normalised value: `yes`/`no`/`partial`, `2024-06`, a number, or the text.
    pub value: String,
    /// Source id.
    pub source: String,
    /// Note in the page's language.
    pub note: Option<String>,
}

/// The comparison table in one language.
#[derive(Debug, Clone, Default)]
pub struct CompareTable {
    /// Region columns (page indices).
    pub regions: Vec<usize>,
    /// One row per dimension, in file order; `cells[d][r]`.
    pub cells: Vec<Vec<Option<Cell>>>,
}

impl CompareTable {
    /// Number of known cells.
    pub fn known(&self) -> usize {
        self.cells.iter().flatten().filter(|c| c.is_some()).count()
    }
    /// Number of unknown cells.
    pub fn unknown(&self) -> usize {
        self.cells.iter().flatten().filter(|c| c.is_none()).count()
    }
}

/// A dated event, gathered for the timeline.
#[derive(Debug, Clone)]
pub struct TimelineEvent {
    /// Date.
    pub date: PartialDate,
    /// Kind.
    pub kind: EventKind,
    /// Sentence.
    pub title: String,
    /// Source id.
    pub source: String,
    /// Page index the event belongs to.
    pub page: usize,
}

/// A taxonomy term with its pages.
#[derive(Debug, Clone)]
pub struct Term {
    /// As written (or the status key).
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// Page indices, by title.
    pub pages: Vec<usize>,
}

/// A taxonomy in one language.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// URL segment and i18n key: `indications`, `cell-sources`, `status`, `tags`.
    pub id: &'static str,
    /// Terms, most pages first, then by name.
    pub terms: Vec<Term>,
    /// Term index by slug.
    by_slug: HashMap<String, usize>,
}

impl Taxonomy {
    /// The term with this URL segment, if a page of the language has it.
    pub fn term(&self, slug: &str) -> Option<&Term> {
        self.by_slug.get(slug).map(|&i| &self.terms[i])
    }
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
    pub rendered: Vec<Rendered>,
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
    /// Warnings found while building.
    pub warnings: Vec<Diagnostic>,
    /// Page by language, then key.
    index: HashMap<String, HashMap<String, usize>>,
    lists: Lists,
}

/// Lists computed once: (language, section) → pages; (language, region slug) → drugs and
/// child regions. Each sorted by weight, then title.
#[derive(Debug, Default)]
struct Lists {
    sections: HashMap<(String, String), Vec<usize>>,
    drugs_of_region: HashMap<(String, String), Vec<usize>>,
    children: HashMap<(String, String), Vec<usize>>,
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
        let files: Vec<SourcePage> = content
            .pages
            .into_iter()
            .filter(|p| opts.drafts || !p.front.draft)
            .collect();
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
        // Heading ids were only needed for the anchor checks (the pages have their TOC).
        for r in &mut site.rendered {
            r.anchors = HashSet::new();
        }
        site.check_schemas(&mut diags);
        site.compute_relations();
        site.make_aliases(&mut diags);
        site.check_output_paths(&mut diags);
        for l in site.config.language_codes() {
            let model = site.lang_model(l);
            site.langs.insert(l.to_string(), model);
        }
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
                f.front_text = String::new();
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

    /// URL of a taxonomy term's page in a language (`/en/indications/knee-osteoarthritis/`),
    /// or None when no page of that language has the term (an untranslated page shows the
    /// other language's terms).
    pub fn term_url(&self, lang: &str, taxonomy: &str, name: &str) -> Option<String> {
        let slug = slugify(name);
        let tax = self
            .langs
            .get(lang)?
            .taxonomies
            .iter()
            .find(|t| t.id == taxonomy)?;
        tax.term(&slug)?;
        Some(format!(
            "{}{lang}/{taxonomy}/{slug}/",
            self.config.base_path()
        ))
    }

    /// The same page in every language, in config order.
    pub fn translations(&self, page: usize) -> Vec<usize> {
        let key = &self.pages[page].key;
        self.config
            .language_codes()
            .iter()
            .filter_map(|l| self.page(l, key))
            .collect()
    }

    /// Pages of one section in one language, sorted by weight, then title.
    pub fn section_pages(&self, lang: &str, section: &str) -> &[usize] {
        self.lists
            .sections
            .get(&(lang.to_string(), section.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// Computes the section lists and the region relations once.
    fn index_lists(&mut self) {
        let mut lists = Lists::default();
        for i in 0..self.pages.len() {
            let f = self.file(i);
            if f.kind != Kind::Page {
                continue;
            }
            let lang = self.pages[i].lang.clone();
            lists
                .sections
                .entry((lang.clone(), f.section.clone()))
                .or_default()
                .push(i);
            if let Some(d) = &f.front.drug {
                for r in &d.regions {
                    lists
                        .drugs_of_region
                        .entry((lang.clone(), r.clone()))
                        .or_default()
                        .push(i);
                }
            }
            if let Some(parent) = f.front.region.as_ref().and_then(|r| r.parent.as_ref()) {
                lists
                    .children
                    .entry((lang.clone(), parent.clone()))
                    .or_default()
                    .push(i);
            }
        }
        let key = |site: &Site, i: usize| {
            let f = site.file(i);
            (
                f.front.weight,
                f.front.title.clone(),
                site.pages[i].key.clone(),
            )
        };
        for v in lists
            .sections
            .values_mut()
            .chain(lists.drugs_of_region.values_mut())
            .chain(lists.children.values_mut())
        {
            v.sort_by_cached_key(|&i| key(self, i));
            v.dedup();
        }
        self.lists = lists;
    }

    /// Sections (folder names) that have an index or pages, sorted.
    pub fn sections(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<String> = self
            .files
            .iter()
            .filter(|f| f.kind != Kind::Home)
            .map(|f| f.section.clone())
            .collect();
        set.into_iter().collect()
    }

    /// Pages shown in the other language because they are not translated.
    pub fn fallback_pages(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.pages.len()).filter(|&i| self.pages[i].fallback)
    }

    fn check_sections(&self, diags: &mut Diagnostics) {
        for f in &self.files {
            let top = f.section.split('/').next().unwrap_or("");
            if RESERVED_SECTIONS.contains(&top) {
                diags.push(
                    Diagnostic::error(format!(
                        "content/{top}/ is a section name atlas uses for its own pages"
                    ))
                    .in_file(&f.file)
                    .hint(format!(
                        "rename the folder; reserved names: {}",
                        RESERVED_SECTIONS.join(", ")
                    )),
                );
            }
            let is_page = f.kind == Kind::Page;
            let expect_region = is_page && f.section == REGIONS;
            let expect_drug = is_page && f.section == DRUGS;
            match (&f.front.region, expect_region) {
                (None, true) => diags.push(
                    f.front_error("title", "", "a region page needs a [region] table")
                        .hint(format!(
                            "add [region] with at least kind = ... ({})",
                            crate::schema::RegionKind::ALL
                        )),
                ),
                (Some(_), false) => diags.push(
                    f.front_error(
                        "region",
                        "",
                        "only pages in content/regions/ may have a [region] table",
                    )
                    .hint("move the page to content/regions/ or remove the table"),
                ),
                _ => {}
            }
            match (&f.front.drug, expect_drug) {
                (None, true) => diags.push(
                    f.front_error("title", "", "a drug page needs a [drug] table")
                        .hint("add [drug] with developer, cell_type, indications, status and regulator (see README.md)"),
                ),
                (Some(_), false) => diags.push(
                    f.front_error("drug", "", "only pages in content/drugs/ may have a [drug] table")
                        .hint("move the page to content/drugs/ or remove the table"),
                ),
                _ => {}
            }
        }
    }

    /// Every site needs a home page; a section with pages but no `_index` file gets a plain
    /// one so that no link leads nowhere.
    fn add_missing_indexes(&mut self, diags: &mut Diagnostics) {
        // A home file that failed to parse has been reported already.
        if !self.files.iter().any(|f| f.kind == Kind::Home) && !self.broken_keys.contains("_index")
        {
            diags.push(
                Diagnostic::error("the site has no home page")
                    .in_file("content")
                    .hint(format!(
                        "create content/_index.{}.md with at least a title in its front matter",
                        self.config.default_language
                    )),
            );
        }
        let with_index: HashSet<String> = self
            .files
            .iter()
            .filter(|f| f.kind == Kind::Section)
            .map(|f| f.section.clone())
            .collect();
        let mut missing: Vec<(String, String)> = self
            .files
            .iter()
            .filter(|f| f.kind == Kind::Page && !with_index.contains(&f.section))
            .map(|f| (f.section.clone(), f.lang.clone()))
            .collect();
        missing.sort();
        missing.dedup_by(|a, b| a.0 == b.0);
        for (section, lang) in missing {
            let file = PathBuf::from(format!("content/{section}/_index.{lang}.md"));
            self.warnings.push(
                Diagnostic::warning(format!(
                    "section {section}/ has no _index file; its list page is titled {section:?}"
                ))
                .in_file(&file)
                .hint("create the file with a title (and an introduction) in each language"),
            );
            self.files.push(SourcePage {
                file,
                lang,
                kind: Kind::Section,
                section: section.clone(),
                stem: "_index".into(),
                front: crate::content::FrontMatter {
                    title: section,
                    ..Default::default()
                },
                body: String::new(),
                body_line: 1,
                front_text: String::new(),
                front_line: 1,
            });
        }
    }

    fn make_pages(&mut self, diags: &mut Diagnostics) {
        // key -> lang -> file index
        let mut by_key: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for (i, f) in self.files.iter().enumerate() {
            by_key.entry(f.key()).or_default().insert(f.lang.clone(), i);
        }
        let order: Vec<String> = self
            .config
            .fallback_order()
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut missing: Vec<String> = Vec::new();
        for (key, present) in &by_key {
            for lang in self.config.language_codes() {
                let (file, fallback) = match present.get(lang) {
                    Some(&i) => (i, false),
                    None => {
                        let from = order
                            .iter()
                            .find_map(|l| present.get(l))
                            .copied()
                            .expect("a key has at least one language");
                        missing.push(format!(
                            "{lang}: {} (shows {})",
                            key,
                            self.files[from].file.display()
                        ));
                        (from, true)
                    }
                };
                let path = self.page_path(lang, file);
                self.index
                    .entry(lang.to_string())
                    .or_default()
                    .insert(key.clone(), self.pages.len());
                self.pages.push(Page {
                    key: key.clone(),
                    lang: lang.to_string(),
                    file,
                    fallback,
                    path,
                    backlinks: Vec::new(),
                    sources: Vec::new(),
                });
            }
        }
        if !missing.is_empty() {
            self.warnings.push(
                Diagnostic::warning(format!(
                    "{} page(s) are not translated and show the other language with a notice:\n    {}",
                    missing.len(),
                    missing.join("\n    ")
                ))
                .hint("add the missing <slug>.<lang>.md files"),
            );
        }
        let _ = diags;
    }

    fn page_path(&self, lang: &str, file: usize) -> String {
        let f = &self.files[file];
        match f.kind {
            Kind::Home => format!("{lang}/"),
            Kind::Section => format!("{lang}/{}/", f.section),
            Kind::Page => {
                let slug = f.front.slug.as_deref().unwrap_or(&f.stem);
                format!("{lang}/{}/{slug}/", f.section)
            }
        }
    }

    fn render_markdown(&mut self, diags: &mut Diagnostics, opts: &BuildOptions<'_>) {
        // Released sources are taken out and freed one by one as they are rendered (and
        // unwanted summaries at once), so they never all sit beside the rendered bodies.
        let mut bodies: Vec<String> = Vec::new();
        if opts.release_sources && opts.markdown_cache.is_none() {
            bodies = self
                .files
                .iter_mut()
                .map(|f| std::mem::take(&mut f.body))
                .collect();
        }
        let asset_set: HashSet<&str> = self.assets.iter().map(|a| a.rel.as_str()).collect();
        let base = self.config.base_path();
        let resolvers: Vec<Resolver> = self
            .files
            .iter()
            .map(|f| Resolver {
                site: self,
                lang: &f.lang,
                dir: &f.section,
                assets: &asset_set,
                base: &base,
            })
            .collect();
        let release_summary = |mut r: Rendered| {
            if opts.release_summaries {
                r.summary = String::new();
            }
            r
        };
        let mut results: Vec<Rendered> = match opts.markdown_cache {
            Some(cache) => cache.render_all(&self.files, &resolvers),
            None if !bodies.is_empty() => bodies
                .into_par_iter()
                .zip(&resolvers)
                .map(|(body, resolver)| release_summary(markdown::render(&body, resolver)))
                .collect(),
            None => self
                .files
                .par_iter()
                .zip(&resolvers)
                .map(|(f, resolver)| release_summary(markdown::render(&f.body, resolver)))
                .collect(),
        };
        drop(resolvers);
        if opts.release_sources {
            for f in &mut self.files {
                f.body = String::new();
            }
        }
        if opts.release_summaries {
            for r in &mut results {
                r.summary = String::new();
            }
        }
        for (f, r) in self.files.iter().zip(&results) {
            for e in &r.errors {
                diags.push(
                    Diagnostic::error(e.message.clone())
                        .in_file(&f.file)
                        .at(e.line + f.body_line - 1, e.column)
                        .hint(e.hint.clone()),
                );
            }
        }
        self.rendered = results;
    }

    fn check_anchors(&self, diags: &mut Diagnostics) {
        for (fi, f) in self.files.iter().enumerate() {
            for link in &self.rendered[fi].links {
                let Some(anchor) = &link.anchor else { continue };
                let Some(target) = self.page(&f.lang, &link.key) else {
                    continue;
                };
                if self.pages[target].fallback && self.broken_keys.contains(&link.key) {
                    continue; // the target's own file has errors, reported already
                }
                let body = self.body(target);
                if !body.anchors.contains(anchor) {
                    let mut known: Vec<&String> = body.anchors.iter().collect();
                    known.sort();
                    let list = if known.is_empty() {
                        "it has no headings".to_string()
                    } else {
                        format!(
                            "its headings are: {}",
                            known
                                .iter()
                                .map(|s| format!("#{s}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    diags.push(
                        Diagnostic::error(format!(
                            "broken anchor #{anchor}: {} has no heading with that id",
                            self.file(target).file.display()
                        ))
                        .in_file(&f.file)
                        .at(link.line + f.body_line - 1, link.column)
                        .hint(list),
                    );
                }
            }
        }
    }

    fn check_schemas(&self, diags: &mut Diagnostics) {
        let regions: HashSet<&str> = self
            .files
            .iter()
            .filter(|f| f.kind == Kind::Page && f.section == REGIONS)
            .map(|f| f.stem.as_str())
            .collect();
        let region_exists = |slug: &str| {
            regions.contains(slug) || self.broken_keys.contains(&format!("{REGIONS}/{slug}"))
        };
        let regions_list = || {
            let mut v: Vec<&str> = self
                .files
                .iter()
                .filter(|f| f.kind == Kind::Page && f.section == REGIONS)
                .map(|f| f.stem.as_str())
                .collect();
            v.sort();
            v.dedup();
            v.join(", ")
        };
        let check_source = |f: &SourcePage, key: &str, id: &str, diags: &mut Diagnostics| {
            if self.data.source(id).is_none() && !self.data.sources_unreadable {
                diags.push(
                    f.front_error(
                        key,
                        &format!("\"{id}\""),
                        format!("unknown source id `{id}`"),
                    )
                    .hint(format!(
                        "add it to {} or use one of: {}",
                        crate::data::SOURCES_FILE,
                        self.source_ids()
                    )),
                );
            }
        };
        // (language, region slug) -> parent slug
        let parents: HashMap<(&str, &str), &str> = self
            .files
            .iter()
            .filter(|f| f.kind == Kind::Page && f.section == REGIONS)
            .filter_map(|f| {
                let p = f.front.region.as_ref()?.parent.as_deref()?;
                Some(((f.lang.as_str(), f.stem.as_str()), p))
            })
            .collect();
        for f in &self.files {
            if let Some(r) = &f.front.region {
                if let Some(parent) = &r.parent {
                    if parent == &f.stem {
                        diags.push(
                            f.front_error("parent", parent, "a region cannot be its own parent")
                                .hint("remove `parent` or name another region"),
                        );
                    } else if let Some(circle) = parent_circle(&parents, &f.lang, &f.stem) {
                        diags.push(
                            f.front_error(
                                "parent",
                                parent,
                                format!(
                                    "the parents of region `{}` go round in a circle: {}",
                                    f.stem,
                                    circle.join(" → ")
                                ),
                            )
                            .hint("one region of the circle must have another parent (or none)"),
                        );
                    } else if !region_exists(parent) {
                        diags.push(
                            f.front_error(
                                "parent",
                                parent,
                                format!("parent region `{parent}` does not exist"),
                            )
                            .hint(format!(
                                "use the slug of a page in content/regions/: {}",
                                regions_list()
                            )),
                        );
                    }
                }
                for s in &r.sources {
                    check_source(f, "sources", s, diags);
                }
                for e in &r.events {
                    check_source(f, "source", &e.source, diags);
                }
                for (dim_id, v) in &r.compare {
                    check_source(f, "source", &v.source, diags);
                    match self.data.dimension(dim_id) {
                        None if self.data.dimensions_unreadable => {}
                        None => diags.push(
                            f.front_error(
                                dim_id,
                                "",
                                format!("unknown comparison dimension `{dim_id}`"),
                            )
                            .hint(format!(
                                "use one of the ids in {}: {}",
                                crate::data::DIMENSIONS_FILE,
                                self.data
                                    .dimensions
                                    .iter()
                                    .map(|d| d.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        ),
                        Some(d) => {
                            if let Err(why) = normalize_cell(d.kind, &v.value) {
                                diags.push(
                                    f.front_error(
                                        dim_id,
                                        "value",
                                        format!("[region.compare.{dim_id}]: {why}"),
                                    )
                                    .hint(format!(
                                        "dimension `{dim_id}` has type {}",
                                        type_name(d.kind)
                                    )),
                                );
                            }
                        }
                    }
                }
            }
            if let Some(d) = &f.front.drug {
                for region in &d.regions {
                    if !region_exists(region) {
                        diags.push(
                            f.front_error(
                                "regions",
                                &format!("\"{region}\""),
                                format!("related region `{region}` does not exist"),
                            )
                            .hint(format!(
                                "use the slug of a page in content/regions/: {}",
                                regions_list()
                            )),
                        );
                    }
                }
                for s in &d.sources {
                    check_source(f, "sources", s, diags);
                }
                for e in &d.events {
                    check_source(f, "source", &e.source, diags);
                }
            }
        }
    }

    fn source_ids(&self) -> String {
        let v: Vec<&str> = self.data.sources.iter().map(|s| s.id.as_str()).collect();
        if v.is_empty() {
            "(the registry is empty)".into()
        } else {
            v.join(", ")
        }
    }

    fn compute_relations(&mut self) {
        let n = self.pages.len();
        let mut backlinks: Vec<Vec<usize>> = vec![Vec::new(); n];
        for from in 0..n {
            let lang = self.pages[from].lang.clone();
            if self.pages[from].fallback {
                continue;
            }
            let mut targets: Vec<String> = self
                .body(from)
                .links
                .iter()
                .map(|l| l.key.clone())
                .collect();
            let f = self.file(from);
            if let Some(r) = &f.front.region {
                if let Some(p) = &r.parent {
                    targets.push(format!("{REGIONS}/{p}"));
                }
            }
            if let Some(d) = &f.front.drug {
                targets.extend(d.regions.iter().map(|r| format!("{REGIONS}/{r}")));
            }
            for t in targets {
                if let Some(to) = self.page(&lang, &t) {
                    if to != from && !backlinks[to].contains(&from) {
                        backlinks[to].push(from);
                    }
                }
            }
        }
        for (i, mut b) in backlinks.into_iter().enumerate() {
            b.sort_by(|&x, &y| self.file(x).front.title.cmp(&self.file(y).front.title));
            self.pages[i].backlinks = b;
        }
        for i in 0..n {
            let f = self.file(i);
            let mut ids: Vec<String> = self.body(i).citations.clone();
            let mut extra: Vec<&String> = Vec::new();
            if let Some(r) = &f.front.region {
                extra.extend(&r.sources);
                extra.extend(r.events.iter().map(|e| &e.source));
                extra.extend(r.compare.values().map(|v| &v.source));
            }
            if let Some(d) = &f.front.drug {
                extra.extend(&d.sources);
                extra.extend(d.events.iter().map(|e| &e.source));
            }
            for id in extra {
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
            self.pages[i].sources = ids;
        }
    }

    /// Drugs (same language) whose `regions` name this region page.
    pub fn drugs_of_region(&self, page: usize) -> &[usize] {
        let key = (self.pages[page].lang.clone(), self.file(page).stem.clone());
        self.lists
            .drugs_of_region
            .get(&key)
            .map_or(&[], Vec::as_slice)
    }

    /// Regions (same language) whose parent is this region page.
    pub fn children_of_region(&self, page: usize) -> &[usize] {
        let key = (self.pages[page].lang.clone(), self.file(page).stem.clone());
        self.lists.children.get(&key).map_or(&[], Vec::as_slice)
    }

    /// Pages (any section, same language) that cite a source.
    pub fn citing_pages(&self, lang: &str, source: &str) -> Vec<usize> {
        (0..self.pages.len())
            .filter(|&i| {
                self.pages[i].lang == lang
                    && !self.pages[i].fallback
                    && self.pages[i].sources.iter().any(|s| s == source)
            })
            .collect()
    }

    fn make_aliases(&mut self, diags: &mut Diagnostics) {
        let mut aliases = Vec::new();
        for i in 0..self.pages.len() {
            if self.pages[i].fallback {
                continue;
            }
            // Invalid aliases were reported while parsing.
            aliases.extend(
                self.file(i)
                    .front
                    .aliases
                    .iter()
                    .filter_map(|a| normalize_alias(a).ok())
                    .map(|p| (p, i)),
            );
        }
        self.aliases = aliases;
        let _ = diags;
    }

    /// Every output file has one owner, and no file sits where another output needs a folder.
    /// Paths are compared as files (`en/a/` is `en/a/index.html`), so an alias written as
    /// `en/a/index.html` collides with the page `en/a/`; aliases and files under content/
    /// may not take the place of a page atlas generates (keep [`GENERATED_FILES`] and
    /// [`RESERVED_SECTIONS`] in line with `render::jobs`).
    fn check_output_paths(&self, diags: &mut Diagnostics) {
        #[derive(Clone)]
        enum Owner {
            File(PathBuf),
            Generated,
        }
        let as_file = |p: &str| {
            if p.is_empty() || p.ends_with('/') {
                format!("{p}index.html")
            } else {
                p.to_string()
            }
        };
        let mut seen: HashMap<String, Owner> = HashMap::new();
        for f in GENERATED_FILES {
            seen.insert(f.to_string(), Owner::Generated);
        }
        for l in self.config.language_codes() {
            seen.insert(format!("{l}/atom.xml"), Owner::Generated);
        }
        let generated_dir = |p: &str| {
            let mut parts = p.split('/');
            let (Some(lang), Some(dir), Some(_)) = (parts.next(), parts.next(), parts.next())
            else {
                return false;
            };
            self.config.language(lang).is_some() && RESERVED_SECTIONS.contains(&dir)
        };
        let mut claim = |path: String, file: &Path, what: &str, diags: &mut Diagnostics| {
            let url = format!("/{path}");
            let clash = match seen.get(&path) {
                Some(Owner::File(other)) if other == file => return,
                Some(Owner::File(other)) => Some(format!(
                    "two files produce the same URL {url}: this {what} and {}",
                    other.display()
                )),
                Some(Owner::Generated) => Some(format!(
                    "this {what} would replace {url}, which atlas generates"
                )),
                None if generated_dir(&path) => Some(format!(
                    "this {what} would write {url}, inside a folder of pages atlas generates"
                )),
                None => None,
            };
            match clash {
                Some(msg) => diags.push(
                    Diagnostic::error(msg)
                        .in_file(file)
                        .hint(format!("change the {what}'s path (its slug, alias or file name) so that it does not collide")),
                ),
                None => {
                    seen.insert(path, Owner::File(file.to_path_buf()));
                }
            }
        };
        for i in 0..self.pages.len() {
            if self.pages[i].fallback {
                continue;
            }
            claim(
                as_file(&self.pages[i].path),
                &self.file(i).file,
                "page",
                diags,
            );
        }
        for (a, i) in &self.aliases {
            claim(as_file(a), &self.file(*i).file, "alias", diags);
        }
        for a in &self.assets {
            claim(
                a.rel.clone(),
                &PathBuf::from("content").join(&a.rel),
                "file",
                diags,
            );
        }
        // A file where another output needs a folder (`sitemap.xml` and `sitemap.xml/index.html`).
        let mut clashes: Vec<(PathBuf, String, String)> = Vec::new();
        for (path, owner) in &seen {
            let Owner::File(file) = owner else { continue };
            let mut dir = String::new();
            for seg in path
                .split('/')
                .collect::<Vec<_>>()
                .split_last()
                .map_or(&[][..], |(_, d)| d)
            {
                if !dir.is_empty() {
                    dir.push('/');
                }
                dir.push_str(seg);
                if let Some(other) = seen.get(&dir) {
                    let other = match other {
                        Owner::File(f) => f.display().to_string(),
                        Owner::Generated => "atlas's own output".to_string(),
                    };
                    clashes.push((
                        file.clone(),
                        path.clone(),
                        format!("/{dir} is a file of {other}"),
                    ));
                }
            }
        }
        clashes.sort();
        for (file, path, why) in clashes {
            diags.push(
                Diagnostic::error(format!("cannot write /{path}: {why}"))
                    .in_file(file)
                    .hint("change the slug, alias or file name so that no path runs through another file"),
            );
        }
    }

    fn lang_model(&self, lang: &str) -> LangModel {
        LangModel {
            compare: self.compare_table(lang),
            timeline: self.timeline(lang),
            taxonomies: self.taxonomies(lang),
        }
    }

    fn compare_table(&self, lang: &str) -> CompareTable {
        let regions: Vec<usize> = self
            .section_pages(lang, REGIONS)
            .iter()
            .copied()
            .filter(|&i| {
                self.file(i)
                    .front
                    .region
                    .as_ref()
                    .is_some_and(|r| !r.compare.is_empty())
            })
            .collect();
        let cells = self
            .data
            .dimensions
            .iter()
            .map(|d| {
                regions
                    .iter()
                    .map(|&r| {
                        let v = self.file(r).front.region.as_ref()?.compare.get(&d.id)?;
                        Some(Cell {
                            value: normalize_cell(d.kind, &v.value).ok()?,
                            source: v.source.clone(),
                            note: v.note.clone(),
                        })
                    })
                    .collect()
            })
            .collect();
        CompareTable { regions, cells }
    }

    fn timeline(&self, lang: &str) -> Vec<TimelineEvent> {
        let mut v = Vec::new();
        for i in 0..self.pages.len() {
            if self.pages[i].lang != lang {
                continue;
            }
            let f = self.file(i);
            let events = f.front.region.as_ref().map(|r| &r.events).or(f
                .front
                .drug
                .as_ref()
                .map(|d| &d.events));
            for e in events.into_iter().flatten() {
                v.push(TimelineEvent {
                    date: e.date,
                    kind: e.kind,
                    title: e.title.clone(),
                    source: e.source.clone(),
                    page: i,
                });
            }
        }
        v.sort_by(|a, b| {
            b.date
                .cmp(&a.date)
                .then_with(|| self.pages[a.page].key.cmp(&self.pages[b.page].key))
                .then_with(|| a.title.cmp(&b.title))
        });
        v
    }

    fn taxonomies(&self, lang: &str) -> Vec<Taxonomy> {
        let mut out = Vec::new();
        let mut add = |id: &'static str, terms_of: &dyn Fn(&SourcePage) -> Vec<String>| {
            let mut terms: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
            for i in 0..self.pages.len() {
                // An untranslated page shown in this language has the other language's
                // terms: they are not terms of this language.
                if self.pages[i].lang != lang
                    || self.pages[i].fallback
                    || self.file(i).kind != Kind::Page
                {
                    continue;
                }
                for t in terms_of(self.file(i)) {
                    let slug = slugify(&t);
                    let e = terms.entry(slug).or_insert_with(|| (t.clone(), Vec::new()));
                    // Pages come in order: a page naming a term twice is the last one.
                    if e.1.last() != Some(&i) {
                        e.1.push(i);
                    }
                }
            }
            if !terms.is_empty() {
                let mut terms: Vec<Term> = terms
                    .into_iter()
                    .map(|(slug, (name, mut pages))| {
                        pages.sort_by(|&a, &b| {
                            self.file(a).front.title.cmp(&self.file(b).front.title)
                        });
                        Term { name, slug, pages }
                    })
                    .collect();
                terms.sort_by(|a, b| b.pages.len().cmp(&a.pages.len()).then(a.name.cmp(&b.name)));
                let by_slug = terms
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (t.slug.clone(), i))
                    .collect();
                out.push(Taxonomy { id, terms, by_slug });
            }
        };
        add("indications", &|f| {
            f.front
                .drug
                .as_ref()
                .map(|d| d.indications.clone())
                .unwrap_or_default()
        });
        add("cell-sources", &|f| {
            f.front
                .drug
                .as_ref()
                .and_then(|d| d.tissue_source.clone())
                .into_iter()
                .collect()
        });
        add("status", &|f| {
            f.front
                .drug
                .as_ref()
                .map(|d| vec![d.status.key().to_string()])
                .unwrap_or_default()
        });
        add("tags", &|f| f.front.tags.clone());
        out
    }

    fn warn_unused_sources(&mut self) {
        let used: HashSet<&str> = self
            .pages
            .iter()
            .flat_map(|p| p.sources.iter().map(String::as_str))
            .collect();
        let mut w = Vec::new();
        for s in &self.data.sources {
            if !used.contains(s.id.as_str()) {
                w.push(
                    Diagnostic::warning(format!("source `{}` is not cited by any page", s.id))
                        .in_file(crate::data::SOURCES_FILE)
                        .at_pos(crate::diagnostics::locate(
                            &std::fs::read_to_string(
                                self.paths.root.join(crate::data::SOURCES_FILE),
                            )
                            .unwrap_or_default(),
                            "id",
                            &format!("\"{}\"", s.id),
                        ))
                        .hint(format!("cite it with [@{}] in a page, or remove it", s.id)),
                );
            }
        }
        self.warnings.extend(w);
    }
}

/// The chain of parents from `start` back to itself (`a → b → a`), if it goes round.
fn parent_circle(
    parents: &HashMap<(&str, &str), &str>,
    lang: &str,
    start: &str,
) -> Option<Vec<String>> {
    let mut chain = vec![start.to_string()];
    let mut cur = start;
    while let Some(&p) = parents.get(&(lang, cur)) {
        chain.push(p.to_string());
        if p == start {
            return Some(chain);
        }
        if chain.len() > parents.len() + 1 {
            return None; // a circle further up, reported on its own regions
        }
        cur = p;
    }
    None
}

fn type_name(t: DimensionType) -> &'static str {
    match t {
        DimensionType::YesNoPartial => "yes_no_partial (\"yes\", \"no\" or \"partial\")",
        DimensionType::Date => "date (\"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\")",
        DimensionType::Number => "number",
        DimensionType::Text => "text (a string)",
    }
}

/// Checks a comparison value against its dimension's type and normalises it.
pub fn normalize_cell(t: DimensionType, v: &CellValue) -> Result<String, String> {
    match (t, v) {
        (DimensionType::YesNoPartial, CellValue::Bool(b)) => {
            Ok(if *b { "yes" } else { "no" }.into())
        }
        (DimensionType::YesNoPartial, CellValue::Text(s))
            if ["yes", "no", "partial"].contains(&s.as_str()) =>
        {
            Ok(s.clone())
        }
        (DimensionType::YesNoPartial, _) => Err(format!(
            "{} is not one of \"yes\", \"no\", \"partial\"",
            show(v)
        )),
        (DimensionType::Date, CellValue::Text(s)) => s
            .parse::<PartialDate>()
            .map(|d| d.to_string())
            .map_err(|e| e.to_string()),
        (DimensionType::Date, CellValue::Number(n)) if n.fract() == 0.0 => format!("{n}")
            .parse::<PartialDate>()
            .map(|d| d.to_string())
            .map_err(|e| e.to_string()),
        (DimensionType::Date, _) => Err(format!(
            "{} is not a date (write \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\")",
            show(v)
        )),
        (DimensionType::Number, CellValue::Number(n)) => Ok(if n.fract() == 0.0 {
            format!("{}", *n as i64)
        } else {
            n.to_string()
        }),
        (DimensionType::Number, _) => Err(format!("{} is not a number", show(v))),
        (DimensionType::Text, CellValue::Text(s)) if !s.trim().is_empty() => Ok(s.clone()),
        (DimensionType::Text, _) => Err(format!("{} is not a non-empty text", show(v))),
    }
}

fn show(v: &CellValue) -> String {
    match v {
        CellValue::Number(n) => n.to_string(),
        CellValue::Text(s) => format!("{s:?}"),
        CellValue::Bool(b) => b.to_string(),
    }
}

struct Resolver<'a> {
    site: &'a Site,
    lang: &'a str,
    dir: &'a str,
    assets: &'a HashSet<&'a str>,
    base: &'a str,
}

impl LinkResolver for Resolver<'_> {
    fn resolve(&self, path: &str) -> Result<(String, String), String> {
        let Some(stem_path) = path.strip_suffix(".md") else {
            return Err("the target must be a Markdown file path ending in .md".into());
        };
        // An explicit language suffix (`beijing.en.md`) picks that language.
        let (key, lang) = match stem_path.rsplit_once('.') {
            Some((k, l)) if self.site.config.language(l).is_some() => (k, l),
            _ => (stem_path, self.lang),
        };
        let key = key.trim_start_matches('/');
        match self.site.page(lang, key) {
            Some(i) => Ok((key.to_string(), self.site.url(i))),
            // The target has errors of its own, reported already.
            None if self.site.broken_keys.contains(key) => Ok((key.to_string(), "#".into())),
            None => Err(format!(
                "there is no content/{key}.{lang}.md (nor a translation of it)"
            )),
        }
    }

    fn asset(&self, rel: &str) -> Option<String> {
        let mut parts: Vec<&str> = self.dir.split('/').filter(|s| !s.is_empty()).collect();
        for seg in rel.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                s => parts.push(s),
            }
        }
        let joined = parts.join("/");
        self.assets
            .contains(joined.as_str())
            .then(|| format!("{}{joined}", self.base))
    }

    fn source_exists(&self, id: &str) -> bool {
        // An unreadable registry was reported already; do not call every citation unknown.
        self.site.data.source(id).is_some() || self.site.data.sources_unreadable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_typed() {
        use DimensionType::*;
        assert_eq!(
            normalize_cell(YesNoPartial, &CellValue::Text("partial".into())).unwrap(),
            "partial"
        );
        assert!(normalize_cell(YesNoPartial, &CellValue::Text("maybe".into())).is_err());
        assert_eq!(
            normalize_cell(Date, &CellValue::Number(2024.0)).unwrap(),
            "2024"
        );
        assert!(normalize_cell(Date, &CellValue::Text("2024-13".into())).is_err());
        assert_eq!(
            normalize_cell(Number, &CellValue::Number(12.0)).unwrap(),
            "12"
        );
        assert!(normalize_cell(Number, &CellValue::Text("12".into())).is_err());
    }
}
