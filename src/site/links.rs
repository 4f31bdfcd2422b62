//! Rendering every file's Markdown with the link resolver that answers cross-links
//! (`@/regions/beijing.md`), assets and citations from the model, and the check of every
//! link's anchor against the target's headings.

use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;

use super::{BuildOptions, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, LinkResolver, Rendered};

impl Site {
    pub(super) fn render_markdown(&mut self, diags: &mut Diagnostics, opts: &BuildOptions<'_>) {
        // Released sources are taken out and freed one by one as they are rendered (and
        // unwanted summaries at once), so they never all sit beside the rendered bodies.
        let mut bodies: Vec<Arc<str>> = Vec::new();
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
            Arc::new(r)
        };
        let mut results: Vec<Arc<Rendered>> = match opts.markdown_cache {
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
                f.body = Arc::default();
            }
        }
        if opts.release_summaries {
            for r in &mut results {
                if let Some(r) = Arc::get_mut(r) {
                    r.summary = String::new();
                }
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

    pub(super) fn check_anchors(&self, diags: &mut Diagnostics) {
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
            None => {
                let keys: Vec<String> = self.site.files.iter().map(|f| f.key()).collect();
                let near = crate::suggest::nearest(key, keys.iter().map(String::as_str))
                    .map(|k| format!("; did you mean @/{k}.md?"))
                    .unwrap_or_default();
                Err(format!(
                    "there is no content/{key}.{lang}.md (nor a translation of it){near}"
                ))
            }
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

    fn nearest_source(&self, id: &str) -> Option<String> {
        let ids = self.site.data.sources.iter().map(|s| s.id.as_str());
        crate::suggest::nearest(id, ids).map(str::to_string)
    }
}
