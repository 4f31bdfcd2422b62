//! Cited sources: their template values, prepared once per language and number, and the
//! sources registry page (`/<lang>/sources/`). Takes the site's source data; must not
//! number a page's sources (the site model does).

use std::collections::{BTreeMap, HashMap};

use tera::Value;

use super::Renderer;
use super::tvalue::{Tv, obj};
use crate::site::Site;

/// Per language and source id: the source's values by its number `n` on a page (0: none).
pub(super) fn prepared(
    site: &Site,
    i18n: &super::i18n::I18n,
) -> BTreeMap<String, HashMap<String, Vec<Value>>> {
    let base = site.config.base_path();
    // A page numbers its sources 1..=n; every citation, event and compare cell shows one.
    // (Up to 64: numbers above that are made when needed.)
    let max_n = site
        .pages
        .iter()
        .map(|p| p.sources.len())
        .max()
        .unwrap_or(0)
        .min(64);
    site.config
        .language_codes()
        .into_iter()
        .map(|lang| {
            let by_id = site
                .data
                .sources
                .iter()
                .map(|s| {
                    // The language the atlas read, named in this language, when it is not the
                    // original's ("The atlas read it in English.").
                    let read_name = |s: &crate::data::Source| {
                        let read = s.read.as_deref().filter(|r| Some(*r) != s.lang.as_deref())?;
                        Some(
                            i18n.get(lang, &format!("language_{read}"))
                                .unwrap_or(read)
                                .to_string(),
                        )
                    };
                    let by_n = (0..=max_n)
                        .map(|n| {
                            obj! {
                                "n": (n > 0).then_some(n),
                                "id": &s.id, "title": &s.title, "lang": &s.lang,
                                "title_en": s.title_en.as_deref().filter(|_| lang == "en" && s.lang.as_deref() != Some("en")),
                                "publisher": s.publisher.as_ref().and_then(|p| p.get(lang)),
                                "read": &s.read, "read_name": read_name(s),
                                "date": s.date.map(|d| d.to_string()), "date_human": s.date.map(|d| d.human(lang)),
                                "url": &s.url, "doi": &s.doi, "doi_url": s.doi.as_ref().map(|d| format!("https://doi.org/{d}")),
                                "note": s.note.as_ref().and_then(|n| n.get(lang)),
                                "anchor": format!("src-{}", s.id), "registry_url": format!("{base}{lang}/sources/#src-{}", s.id),
                            }
                        })
                        .collect();
                    (s.id.clone(), by_n)
                })
                .collect();
            (lang.to_string(), by_id)
        })
        .collect()
}

impl Renderer<'_> {
    pub(super) fn source_value(&self, lang: &str, id: &str, n: Option<usize>) -> Value {
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

    /// `/<lang>/sources/`: every source and the pages that cite it.
    pub(super) fn sources_html(&self, lang: &str) -> Result<(String, Vec<u8>), tera::Error> {
        let site = self.site;
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
            &self.reviewed((0..site.pages.len()).filter(|&i| site.pages[i].lang == *lang)),
        );
        let html = self.render_template("sources.html", &c)?;
        Ok((format!("{lang}/sources/index.html"), html))
    }
}
