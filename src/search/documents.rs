//! A site's pages as search documents: for one language, each page's title, names (its own
//! and its translations'), description, body and fact-box facts, with its section, indexed
//! with [`index_files_to`]. Takes the [`Site`]; gives index files. Does not change the site.

use std::collections::BTreeSet;

use super::format::{Doc, Limits, NAME_SEPARATOR, Output};
use super::segment::Segmenter;
use super::terms::FxMap;
use super::text::normalize;
use super::write::build_files_segmented;
use crate::content::Kind;
use crate::site::Site;

/// Hands over every text a page's document is made of ([`names`] and [`body`] join and
/// dedupe them).
pub(super) fn indexed_text(site: &Site, page: usize, f: &mut dyn FnMut(&str)) {
    let front = &site.file(page).front;
    f(&front.title);
    f(front.description.as_deref().unwrap_or_default());
    name_candidates(site, page, f);
    f(&site.body(page).text);
    facts(site, page, &mut |fact| f(fact));
}

/// [`index_files_with`](super::index_files_with), handing text chunks to `emit` as they fill
/// (see [`build_files_to`](super::build_files_to)), with a segmenter from
/// [`site_segmenter`](super::site_segmenter) (made once for all languages).
pub fn index_files_to(
    site: &Site,
    lang: &str,
    limits: Limits,
    segmenter: &Segmenter,
    emit: &mut dyn FnMut(String, Vec<u8>),
) -> Output {
    let site_title = site
        .config
        .language(lang)
        .map(|l| l.title.clone())
        .unwrap_or_default();
    let mut sections: Vec<String> = Vec::new();
    let mut order: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].lang == lang)
        .collect();
    // Home, then section lists, then pages; by key within each.
    order.sort_by(|&a, &b| {
        (site.file(a).kind, &site.pages[a].key).cmp(&(site.file(b).kind, &site.pages[b].key))
    });
    // Section labels, looked up once per section.
    let mut label_of: FxMap<&str, usize> = FxMap::default();
    let mut docs: Vec<(usize, usize)> = Vec::with_capacity(order.len());
    for i in order {
        let f = site.file(i);
        let s = match f.kind {
            Kind::Page => match label_of.get(f.section.as_str()) {
                Some(&s) => s,
                None => {
                    let label = site
                        .page(lang, &format!("{}/_index", f.section))
                        .map(|s| site.file(s).front.title.clone())
                        .unwrap_or_else(|| f.section.clone());
                    let s = section_index(&mut sections, label);
                    label_of.insert(f.section.as_str(), s);
                    s
                }
            },
            Kind::Home | Kind::Section => section_index(&mut sections, site_title.clone()),
        };
        docs.push((i, s));
    }
    build_files_segmented(
        lang,
        &sections,
        docs.len(),
        |k| {
            let (i, section) = docs[k];
            let f = site.file(i);
            Doc {
                url: site.url(i),
                title: f.front.title.clone(),
                section,
                names: names(site, i),
                description: f.front.description.clone().unwrap_or_default(),
                body: body(site, i),
            }
        },
        limits,
        segmenter,
        emit,
    )
}

fn section_index(sections: &mut Vec<String>, label: String) -> usize {
    match sections.iter().position(|s| *s == label) {
        Some(i) => i,
        None => {
            sections.push(label);
            sections.len() - 1
        }
    }
}

/// The page's own names and aliases, then the titles and names of its translations; each
/// once, and not the title again.
fn names(site: &Site, page: usize) -> String {
    let title = normalize(&site.file(page).front.title);
    let mut seen = BTreeSet::from([title]);
    let mut out: Vec<String> = Vec::new();
    name_candidates(site, page, &mut |name| {
        let name = name.trim();
        if !name.is_empty() && seen.insert(normalize(name)) {
            out.push(name.to_string());
        }
    });
    out.join(NAME_SEPARATOR)
}

/// The names [`names`] chooses from, in order: the page's region names or drug names and
/// aliases, then for each translation its title and names.
fn name_candidates(site: &Site, page: usize, f: &mut dyn FnMut(&str)) {
    let mut pages = vec![page];
    pages.extend(
        site.translations(page)
            .into_iter()
            .filter(|&t| t != page && !site.pages[t].fallback),
    );
    for (n, &p) in pages.iter().enumerate() {
        let fm = &site.file(p).front;
        if n > 0 {
            f(&fm.title);
        }
        if let Some(r) = &fm.region {
            r.names.iter().for_each(|name| f(name));
        }
        if let Some(d) = &fm.drug {
            [&d.brand, &d.inn, &d.name_zh]
                .into_iter()
                .flatten()
                .for_each(|name| f(name));
            d.aliases.iter().for_each(|name| f(name));
        }
    }
}

/// The body text, then the facts of the page's fact box: regulators and policy bodies, drug facts, events and
/// comparison notes.
fn body(site: &Site, page: usize) -> String {
    // The text the Markdown pass kept (collapsed already): only the facts are collapsed here.
    let mut out = site.body(page).text.clone();
    facts(site, page, &mut |fact| {
        let p = crate::markdown::collapse_spaces(fact);
        if !p.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&p);
        }
    });
    out
}

/// The facts of a page's fact box, in order, as [`body`] adds them.
fn facts(site: &Site, page: usize, f: &mut dyn FnMut(&str)) {
    let front = &site.file(page).front;
    let lang = &site.pages[page].lang;
    if let Some(r) = &front.region {
        // Bodies by their name in the page's language (data/bodies.toml).
        r.regulators
            .iter()
            .chain(&r.policy_bodies)
            .filter_map(|id| site.data.body(id)?.name.get(lang))
            .for_each(&mut *f);
        r.events.iter().for_each(|e| f(&e.title));
        r.compare
            .values()
            .filter_map(|v| v.note.as_deref())
            .for_each(&mut *f);
    }
    if let Some(d) = &front.drug {
        [&d.developer, &d.cell_type, &d.tissue_source, &d.regulator]
            .into_iter()
            .flatten()
            .for_each(|x| f(x));
        d.indications.iter().for_each(|x| f(x));
        d.events.iter().for_each(|e| f(&e.title));
    }
}
