//! Taxonomies (indications, cell sources, status, tags): each term of a language with its
//! pages, and the URL of a term's page. Two spellings of one term URL, and a term URL
//! segment longer than a file name may be, are errors naming both pages.

use std::collections::{BTreeMap, HashMap};

use super::Site;
use super::output_paths::{MAX_NAME_BYTES, short};
use crate::content::{Kind, SourcePage};
use crate::diagnostics::{Diagnostic, locate};
use crate::markdown::slugify;
use crate::schema::DrugStatus;

/// A taxonomy term with its pages.
#[derive(Debug, Clone)]
pub struct Term {
    /// As written (or the status key).
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// Page indices, by title.
    pub pages: Vec<usize>,
    /// The same term in the other languages: (language, URL segment), for each language
    /// where one term has exactly the translations of this term's pages (see
    /// [`Site::link_term_translations`]).
    pub translations: Vec<(String, String)>,
}

/// A taxonomy in one language.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// URL segment and i18n key: `indications`, `cell-sources`, `status`, `tags`.
    pub id: &'static str,
    /// Terms, most pages first, then by name; statuses in pipeline order.
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

    /// Links each term to the same term in the other languages: the term of the same
    /// taxonomy whose pages are exactly the translations of this term's pages (a drug's
    /// indication is written in each language; its pages are what make two names one term).
    /// A term whose pages are not all translated, or whose translations are split between
    /// terms, has none: its language switch leads to the other language's taxonomy list.
    pub(super) fn link_term_translations(&mut self) {
        let keys_of = |site: &Site, pages: &[usize]| -> Vec<String> {
            let mut k: Vec<String> = pages
                .iter()
                .filter(|&&i| !site.pages[i].fallback)
                .map(|&i| site.file(i).key())
                .collect();
            k.sort();
            k
        };
        // (language, taxonomy, sorted page keys) -> the slugs of the terms with those pages.
        // Only a set of pages with one term in each language pairs two terms: a page with
        // two indications cannot say which is which.
        let mut by_keys: HashMap<(&str, &str, Vec<String>), Vec<String>> = HashMap::new();
        for (lang, m) in &self.langs {
            for t in &m.taxonomies {
                for term in &t.terms {
                    let keys = keys_of(self, &term.pages);
                    if keys.len() == term.pages.len() {
                        by_keys
                            .entry((lang.as_str(), t.id, keys))
                            .or_default()
                            .push(term.slug.clone());
                    }
                }
            }
        }
        let unique = |lang: &str, tax: &'static str, keys: &Vec<String>| -> Option<String> {
            match by_keys.get(&(lang, tax, keys.clone())).map(Vec::as_slice) {
                Some([one]) => Some(one.clone()),
                _ => None,
            }
        };
        // (language, taxonomy index, term index, its translations)
        type Found = (String, usize, usize, Vec<(String, String)>);
        let mut found: Vec<Found> = Vec::new();
        for (lang, m) in &self.langs {
            for (ti, t) in m.taxonomies.iter().enumerate() {
                for (k, term) in t.terms.iter().enumerate() {
                    let keys = keys_of(self, &term.pages);
                    let mut tr = Vec::new();
                    if unique(lang, t.id, &keys).is_some() {
                        for other in self.langs.keys().filter(|l| *l != lang) {
                            if let Some(slug) = unique(other, t.id, &keys) {
                                tr.push((other.clone(), slug));
                            }
                        }
                    }
                    if !tr.is_empty() {
                        found.push((lang.clone(), ti, k, tr));
                    }
                }
            }
        }
        for (lang, ti, k, tr) in found {
            if let Some(m) = self.langs.get_mut(&lang) {
                m.taxonomies[ti].terms[k].translations = tr;
            }
        }
    }

    /// The taxonomies of a language; errors (slug collisions, names too long) go to `errors`.
    pub(super) fn taxonomies(&self, lang: &str, errors: &mut Vec<Diagnostic>) -> Vec<Taxonomy> {
        let mut out = Vec::new();
        // (taxonomy, front matter key, what one term is called)
        let mut add = |(id, key, what): (&'static str, &str, &str),
                       terms_of: &dyn Fn(&SourcePage) -> Vec<String>| {
            let mut terms: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
            // Spellings seen, with the first page that has each.
            let mut spellings: HashMap<String, usize> = HashMap::new();
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
                    if !spellings.contains_key(&t) {
                        spellings.insert(t.clone(), i);
                        let first = terms.get(&slug).map(|(name, _)| (name, spellings[name]));
                        let url = format!("{}{lang}/{id}/{slug}/", self.config.base_path());
                        if let Some(d) = self.term_problem((key, what), (&t, i), first, &url) {
                            errors.push(d);
                        }
                    }
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
                        Term {
                            name,
                            slug,
                            pages,
                            translations: Vec::new(),
                        }
                    })
                    .collect();
                if id == "status" {
                    // Pipeline order, from the first trials allowed to approval.
                    terms.sort_by_key(|t| DrugStatus::pipeline_position(&t.name));
                } else {
                    terms.sort_by(|a, b| {
                        b.pages.len().cmp(&a.pages.len()).then(a.name.cmp(&b.name))
                    });
                }
                let by_slug = terms
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (t.slug.clone(), i))
                    .collect();
                out.push(Taxonomy { id, terms, by_slug });
            }
        };
        add(("indications", "indications", "indication"), &|f| {
            f.front
                .drug
                .as_ref()
                .map(|d| d.indications.clone())
                .unwrap_or_default()
        });
        add(("cell-sources", "tissue_source", "cell source"), &|f| {
            f.front
                .drug
                .as_ref()
                .and_then(|d| d.tissue_source.clone())
                .into_iter()
                .collect()
        });
        add(("status", "status", "status"), &|f| {
            f.front
                .drug
                .as_ref()
                .map(|d| vec![d.status.key().to_string()])
                .unwrap_or_default()
        });
        add(("tags", "tags", "tag"), &|f| f.front.tags.clone());
        out
    }

    /// The error for a new spelling `term` on page `page`, if its URL segment is too long for
    /// a file name or another spelling (`first`: name and page) already has its URL.
    fn term_problem(
        &self,
        (key, what): (&str, &str),
        (term, page): (&str, usize),
        first: Option<(&String, usize)>,
        url: &str,
    ) -> Option<Diagnostic> {
        let place = |i: usize, name: &str| {
            let f = self.file(i);
            let pos = locate(&f.front_text, key, name).map(|(l, c)| (l + f.front_line - 1, c));
            (f.file.clone(), pos)
        };
        let (file, pos) = place(page, term);
        let slug_len = slugify(term).len();
        if slug_len > MAX_NAME_BYTES {
            return Some(
                Diagnostic::error(format!(
                    "{what} \"{}\" makes a URL segment of {slug_len} bytes, longer than the {MAX_NAME_BYTES} bytes a file name may have",
                    short(term)
                ))
                .in_file(file)
                .at_pos(pos)
                .hint(format!("shorten the {what} (a Chinese character takes 3 bytes)")),
            );
        }
        let (name, i) = first?;
        let (other, other_pos) = place(i, name);
        let other_at = match other_pos {
            Some((l, _)) => format!("{}:{l}", other.display()),
            None => other.display().to_string(),
        };
        Some(
            Diagnostic::error(format!(
                "{what} \"{}\" has the same URL {} as the {what} \"{}\" in {other_at}",
                short(term),
                short(url),
                short(name)
            ))
            .in_file(file)
            .at_pos(pos)
            .hint(format!(
                "spell the {what} the same way in both pages if they mean the same, or rename one of them"
            )),
        )
    }
}
