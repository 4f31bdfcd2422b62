//! Content pages (home, sections, pages): which template renders each, the lists a section
//! or home page shows, and the `page` value a template sees. Takes a page of the site
//! model; must not change what the model says about it.

use serde_json::{Value as Json, json};
use tera::Value;

use super::tvalue::obj;
use super::{Renderer, permalink};
use crate::content::Kind;
use crate::data::DimensionType;
use crate::site::REGIONS;

impl Renderer<'_> {
    /// A content page, fallbacks included.
    pub(super) fn page_html(&self, i: usize) -> Result<(String, Vec<u8>), tera::Error> {
        let site = self.site;
        let p = &site.pages[i];
        let f = site.file(i);
        let translations: Vec<Json> = site
            .translations(i)
            .into_iter()
            .map(|t| {
                let l = site.config.language(&site.pages[t].lang).expect("known language");
                json!({"lang": l.code, "tag": l.tag, "name": l.name, "url": site.url(t), "permalink": permalink(site, &site.pages[t].path), "fallback": site.pages[t].fallback})
            })
            .collect();
        let mut c = self.ctx(&p.lang, &p.path, translations);
        let template = match f.kind {
            Kind::Home => "home.html".to_string(),
            Kind::Section => {
                let specific = format!("section-{}.html", f.section.replace('/', "-"));
                let list: Vec<Value> = site
                    .section_pages(&p.lang, &f.section)
                    .iter()
                    .map(|&j| self.page_ref(j))
                    .collect();
                c.insert_value("pages", Value::from(list));
                if self.theme.tera.contains_template(&specific) {
                    specific
                } else {
                    "section.html".into()
                }
            }
            Kind::Page => {
                let specific = format!("{}.html", singular(&f.section));
                if self.theme.tera.contains_template(&specific) {
                    specific
                } else {
                    "page.html".into()
                }
            }
        };
        if f.kind == Kind::Home {
            let sections: Vec<Json> = site
                .sections()
                .iter()
                .filter_map(|s| site.page(&p.lang, &format!("{s}/_index")))
                .map(|j| json!({"title": site.file(j).front.title, "url": site.url(j), "count": site.section_pages(&p.lang, &site.file(j).section).len(), "description": site.file(j).front.description}))
                .collect();
            c.insert("sections", &sections);
            let recent: Vec<Value> = site.langs[&p.lang]
                .timeline
                .iter()
                .take(5)
                .map(|e| self.timeline_event(&p.lang, e))
                .collect();
            c.insert_value("recent_events", Value::from(recent));
            c.insert("map", &self.home_map(&p.lang));
            let m = &site.langs[&p.lang];
            c.insert(
                "stats",
                &json!({
                    "regions": site.section_pages(&p.lang, REGIONS).len(),
                    "drugs": site.section_pages(&p.lang, crate::site::DRUGS).len(),
                    "sources": site.data.sources.len(),
                    "dimensions": site.data.dimensions.len(),
                    "events": m.timeline.len(),
                    "known_cells": m.compare.known(),
                    "unknown_cells": m.compare.unknown(),
                }),
            );
        }
        c.insert_value("page", self.page_value(i));
        c.insert_value("cite", self.page_cite_value(i));
        let html = self.render_template(&template, &c)?;
        Ok((format!("{}index.html", p.path), html))
    }

    fn page_value(&self, i: usize) -> Value {
        let site = self.site;
        let p = &site.pages[i];
        let f = site.file(i);
        let body = site.body(i);
        let lang = &p.lang;
        let content_lang = site.config.language(&f.lang).expect("known language");
        let fm = &f.front;
        let link = |j: usize| obj! {"title": &site.file(j).front.title, "url": site.url(j)};
        let sources: Vec<Value> = p
            .sources
            .iter()
            .enumerate()
            .map(|(n, id)| self.source_value(lang, id, Some(n + 1)))
            .collect();
        let events = |evs: &Vec<crate::schema::Event>| -> Vec<Value> {
            let mut v: Vec<&crate::schema::Event> = evs.iter().collect();
            v.sort_by_key(|e| e.date);
            v.iter()
                .map(|e| {
                    let n = p.sources.iter().position(|s| s == &e.source).map(|k| k + 1);
                    obj! {"date": e.date.to_string(), "date_human": e.date.human(lang), "kind": self.t(lang, &format!("event_{}", e.kind.key())), "kind_id": e.kind.key(), "title": &e.title, "source": self.source_value(lang, &e.source, n), "inferred": &e.inferred}
                })
                .collect()
        };
        // A body of data/bodies.toml: its name in this language, its kind and the kind's label.
        let body_of = |id: &str| match site.data.body(id) {
            Some(b) => {
                obj! {"id": id, "name": b.name.get(lang).unwrap_or(id), "kind": b.kind.key(), "kind_label": self.t(lang, &format!("body_kind_{}", b.kind.key()))}
            }
            None => obj! {"id": id, "name": id},
        };
        let region = fm.region.as_ref().map(|r| {
            let compare: Vec<Value> = site
                .data
                .dimensions
                .iter()
                .map(|d| {
                    let v = r.compare.get(&d.id);
                    let value = v.and_then(|v| crate::site::normalize_cell(d.kind, &v.value).ok());
                    let n = v.and_then(|v| p.sources.iter().position(|s| s == &v.source)).map(|k| k + 1);
                    obj! {
                        "id": &d.id, "label": d.label.get(lang), "known": value.is_some(),
                        "display": value.as_ref().map(|x| self.cell_display(lang, d.kind, x)).unwrap_or_else(|| self.t(lang, "unknown")),
                        "class": match (&value, d.kind) { (None, _) => "unknown".to_string(), (Some(x), DimensionType::YesNoPartial) => x.clone(), _ => "value".into() },
                        "note": v.and_then(|v| v.note.as_ref()), "source": v.map(|v| self.source_value(lang, &v.source, n)),
                        "inferred": v.and_then(|v| v.inferred.as_ref()),
                    }
                })
                .collect();
            let parent = r.parent.as_ref().and_then(|s| site.page(lang, &format!("{REGIONS}/{s}"))).map(link);
            obj! {
                "kind": r.kind.key(), "kind_label": self.t(lang, &format!("kind_{}", r.kind.key())),
                "parent": parent, "names": &r.names,
                "regulators": r.regulators.iter().map(|id| body_of(id)).collect::<Vec<_>>(),
                "policy_bodies": r.policy_bodies.iter().map(|id| body_of(id)).collect::<Vec<_>>(),
                "events": events(&r.events), "compare": compare,
                "drugs": site.drugs_of_region(i).iter().map(|&j| self.page_ref(j)).collect::<Vec<_>>(),
                "children": site.children_of_region(i).iter().copied().map(link).collect::<Vec<_>>(),
                "inferred": marks(crate::schema::RegionData::INFERABLE, &r.inferred),
            }
        });
        let drug = fm.drug.as_ref().map(|d| {
            // None (no link) for a term no page of this language has (an untranslated page's).
            let term_url = |tax: &str, name: &str| site.term_url(lang, tax, name);
            obj! {
                "inn": &d.inn, "brand": &d.brand, "name_zh": &d.name_zh, "aliases": &d.aliases,
                "developer": &d.developer, "cell_type": &d.cell_type, "tissue_source": &d.tissue_source,
                "tissue_source_url": d.tissue_source.as_ref().map(|t| term_url("cell-sources", t)),
                "indications": d.indications.iter().map(|x| obj! {"name": x, "url": term_url("indications", x)}).collect::<Vec<_>>(),
                "status": d.status.key(), "status_label": self.t(lang, &format!("status_{}", d.status.key())),
                "status_url": term_url("status", d.status.key()),
                "status_as_of": d.status_as_of.map(|x| x.to_string()), "status_as_of_human": d.status_as_of.map(|x| x.human(lang)),
                "regulator": &d.regulator, "price": &d.price,
                "price_as_of": d.price_as_of.map(|x| x.to_string()), "price_as_of_human": d.price_as_of.map(|x| x.human(lang)),
                "inferred": marks(crate::schema::DrugData::INFERABLE, &d.inferred),
                "regions": d.regions.iter().filter_map(|s| site.page(lang, &format!("{REGIONS}/{s}"))).map(link).collect::<Vec<_>>(),
                "events": events(&d.events),
            }
        });
        let section_index = if f.section.is_empty() {
            None
        } else {
            site.page(lang, &format!("{}/_index", f.section)).map(link)
        };
        obj! {
            "key": &p.key, "kind": kind_key(f.kind), "section": &f.section, "slug": f.front.slug.as_deref().unwrap_or(&f.stem),
            "title": &fm.title, "description": &fm.description,
            "date": fm.date.map(|d| d.to_string()), "date_human": fm.date.map(|d| d.human(lang)),
            "updated": fm.updated.map(|d| d.to_string()), "updated_human": fm.updated.map(|d| d.human(lang)),
            "weight": fm.weight, "tags": &fm.tags, "extra": super::tvalue::ser(&fm.extra), "draft": fm.draft,
            "url": site.url(i), "permalink": permalink(site, &p.path), "path": &p.path,
            "lang": lang, "content_lang": &content_lang.code, "content_lang_tag": &content_lang.tag,
            "fallback": p.fallback, "content": &body.html, "summary": &body.summary, "toc": super::tvalue::ser(&body.toc),
            "reading_time": body.reading_time, "word_count": body.word_count,
            "backlinks": p.backlinks.iter().map(|&j| link(j)).collect::<Vec<_>>(),
            "sources": sources, "n_cited": body.citations.len(), "region": region, "drug": drug, "section_index": section_index,
            "file": f.file.to_string_lossy().as_ref(),
        }
    }
}

/// Every inferable field → its inference note, or null: templates test `inferred.<field>`.
fn marks(fields: &[&str], notes: &std::collections::BTreeMap<String, String>) -> Value {
    let m: std::collections::BTreeMap<&str, Option<&String>> =
        fields.iter().map(|f| (*f, notes.get(*f))).collect();
    super::tvalue::ser(&m)
}

fn kind_key(k: Kind) -> &'static str {
    match k {
        Kind::Home => "home",
        Kind::Section => "section",
        Kind::Page => "page",
    }
}

fn singular(section: &str) -> String {
    match section {
        "regions" => "region".into(),
        "drugs" => "drug".into(),
        s => s.replace('/', "-"),
    }
}
