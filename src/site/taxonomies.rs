//! Taxonomies (indications, cell sources, status, tags): each term of a language with its
//! pages, and the URL of a term's page.

use std::collections::{BTreeMap, HashMap};

use super::Site;
use crate::content::{Kind, SourcePage};
use crate::markdown::slugify;

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

impl Site {
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

    pub(super) fn taxonomies(&self, lang: &str) -> Vec<Taxonomy> {
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
}
