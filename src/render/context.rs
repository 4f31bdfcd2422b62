//! The [`Renderer`] and the values every page's context shares: the per-language context
//! (config, navigation, taxonomies), translations and permalinks, page references for lists
//! and review dates. Takes the site and theme; gives Tera contexts and values; must not
//! decide which template a page uses.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value as Json, json};
use tera::{Context, Value};

use super::theme::Theme;
use super::tvalue::{Tv, obj};
use crate::site::Site;

/// Renders outputs of one site; shared values are prepared once.
pub struct Renderer<'a> {
    pub(super) site: &'a Site,
    pub(super) theme: &'a Theme,
    /// Per language: the shared context values.
    pub(super) common: BTreeMap<String, Context>,
    /// Per page: a short reference (title, url, summary...) for lists, made on first use
    /// (`atlas serve` renders a few pages of a large site).
    pub(super) refs: Vec<std::sync::OnceLock<Value>>,
    /// Per language and source id: the source's values, by its number `n` on the page
    /// (0: none), for every number a page uses.
    pub(super) sources: BTreeMap<String, HashMap<String, Vec<Value>>>,
    /// The search indexes' segmenter, made (or taken from `segmenters`) on first use, for
    /// all languages.
    pub(super) segmenter: std::sync::OnceLock<std::sync::Arc<crate::search::Segmenter>>,
    /// Where the segmenter of the last build is kept (`atlas serve`).
    pub(super) segmenters: Option<&'a crate::search::SegmenterCache>,
    /// Set by [`Renderer::only_checking`]: a job's files that code alone makes are left out.
    pub(super) only_checking: bool,
}

/// Per language: the context values every page of the language shares.
pub(super) fn common_contexts(site: &Site, theme: &Theme) -> BTreeMap<String, Context> {
    let mut common = BTreeMap::new();
    let base = site.config.base_path();
    let languages: Vec<Json> = site
        .config
        .languages
        .iter()
        .map(|l| json!({"code": l.code, "tag": l.tag, "name": l.name, "title": l.title, "description": l.description, "url": format!("{base}{}/", l.code)}))
        .collect();
    let config = Value::from_serializable(&json!({
        "base_url": site.config.base_url,
        "base_path": base,
        "origin": site.config.origin(),
        "default_language": site.config.default_language,
        "languages": languages,
        "extra": site.config.extra,
    }));
    for l in &site.config.languages {
        let lang = l.code.as_str();
        let t = |k: &str| theme.i18n.t(lang, k);
        let mut nav = vec![
            json!({"id": "regions", "title": t("regions"), "url": format!("{base}{lang}/regions/")}),
            json!({"id": "drugs", "title": t("drugs"), "url": format!("{base}{lang}/drugs/")}),
            json!({"id": "compare", "title": t("compare"), "url": format!("{base}{lang}/compare/")}),
            json!({"id": "timeline", "title": t("timeline"), "url": format!("{base}{lang}/timeline/")}),
            json!({"id": "sources", "title": t("sources"), "url": format!("{base}{lang}/sources/")}),
        ];
        // Sections that have no page in the site do not get a nav entry.
        nav.retain(|n| {
            let id = n["id"].as_str().unwrap_or("");
            !(id == "regions" || id == "drugs")
                || site.page(lang, &format!("{id}/_index")).is_some()
                || !site.section_pages(lang, id).is_empty()
        });
        let mut c = Context::new();
        c.insert_value("config", config.clone());
        c.insert("lang", &lang);
        c.insert("lang_tag", &l.tag);
        c.insert("site_title", &l.title);
        c.insert("site_description", &l.description);
        c.insert("nav", &nav);
        c.insert("base_path", &base);
        c.insert("home_url", &format!("{base}{lang}/"));
        // "How this atlas is made" (content/about/methods.<lang>.md), linked when the site has it.
        c.insert(
            "methods_url",
            &site.page(lang, "about/methods").map(|i| site.url(i)),
        );
        c.insert("taxonomies", &site.langs[lang].taxonomies.iter().map(|t| json!({"id": t.id, "title": theme.i18n.t(lang, &format!("tax_{}", t.id)), "url": format!("{base}{lang}/{}/", t.id), "count": t.terms.len()})).collect::<Vec<_>>());
        common.insert(lang.to_string(), c);
    }
    common
}

pub(super) fn permalink(site: &Site, path: &str) -> String {
    format!(
        "{}{}{}",
        site.config.origin(),
        site.config.base_path(),
        path
    )
}

impl Renderer<'_> {
    pub(super) fn t(&self, lang: &str, key: &str) -> String {
        self.theme.i18n.t(lang, key)
    }

    /// The short reference of a page, for lists.
    pub(super) fn page_ref(&self, i: usize) -> Value {
        self.refs[i]
            .get_or_init(|| page_ref(self.site, self.theme, i))
            .clone()
    }

    /// Translations of a generated page at `{lang}/{rest}`.
    pub(super) fn generated_translations(&self, rest: &str) -> Vec<Json> {
        let base = self.site.config.base_path();
        self.site
            .config
            .languages
            .iter()
            .map(|l| json!({"lang": l.code, "tag": l.tag, "name": l.name, "url": format!("{base}{}/{rest}", l.code), "permalink": permalink(self.site, &format!("{}/{rest}", l.code)), "fallback": false}))
            .collect()
    }

    pub(super) fn ctx(&self, lang: &str, current_path: &str, translations: Vec<Json>) -> Context {
        let mut c = self.common[lang].clone();
        let x_default = translations
            .iter()
            .find(|t| {
                t["lang"] == self.site.config.default_language.as_str() && t["fallback"] == false
            })
            .or_else(|| translations.iter().find(|t| t["fallback"] == false))
            .map(|t| t["permalink"].clone())
            .unwrap_or(Json::Null);
        c.insert("translations", &translations);
        c.insert("x_default", &x_default);
        c.insert(
            "current_path",
            &format!("{}{current_path}", self.site.config.base_path()),
        );
        c.insert("current_url", &permalink(self.site, current_path));
        c
    }

    /// The date a page's facts were last reviewed (or its date), for sitemaps and feeds.
    pub(super) fn lastmod(&self, page: usize) -> Option<crate::date::PartialDate> {
        let f = self.site.file(page);
        f.front.updated.or(f.front.date)
    }

    /// Renders a template to bytes: straight into a buffer, without the copy and UTF-8 check
    /// of `Tera::render` (the output of a template is UTF-8 by construction).
    pub(super) fn render_template(
        &self,
        name: &str,
        c: &tera::Context,
    ) -> Result<Vec<u8>, tera::Error> {
        let mut out = Vec::with_capacity(16 * 1024);
        self.theme.tera.render_to(name, c, &mut out)?;
        Ok(out)
    }

    /// The oldest and newest review dates (`updated`, else `date`) of the pages a
    /// generated page draws on: `{from, from_human, to, to_human}`, or null.
    pub(super) fn reviewed(&self, pages: impl Iterator<Item = usize>) -> Json {
        let (mut lo, mut hi) = (None, None);
        let mut lang = String::new();
        for i in pages {
            if let Some(d) = self.lastmod(i) {
                lang.clone_from(&self.site.pages[i].lang);
                lo = Some(lo.map_or(d, |x: crate::date::PartialDate| x.min(d)));
                hi = Some(hi.map_or(d, |x: crate::date::PartialDate| x.max(d)));
            }
        }
        match (lo, hi) {
            (Some(lo), Some(hi)) => json!({
                "from": lo.to_string(), "from_human": lo.human(&lang),
                "to": hi.to_string(), "to_human": hi.human(&lang),
            }),
            _ => Json::Null,
        }
    }
}

fn page_ref(site: &Site, theme: &Theme, i: usize) -> Value {
    let f = site.file(i);
    let lang = &site.pages[i].lang;
    let drug = f.front.drug.as_ref().map(|d| obj! {
        "status": d.status.key(), "status_label": theme.i18n.t(lang, &format!("status_{}", d.status.key())),
        "developer": &d.developer, "indications": &d.indications, "brand": &d.brand, "inn": &d.inn,
    });
    let region = f.front.region.as_ref().map(|r| obj! {"kind": r.kind.key(), "kind_label": theme.i18n.t(lang, &format!("kind_{}", r.kind.key()))});
    let url = site.url(i);
    // In lists, in-page anchors of the summary must point at the page itself, and the
    // citations lose their ids (`cite-1-1`), which belong to the page (a list shows several).
    let summary = &site.body(i).summary;
    let summary = if !theme.uses_summary {
        Value::none()
    } else if summary.contains("href=\"#") {
        summary
            .replace("<a id=\"cite-", "<a data-cite=\"")
            .replace("href=\"#", &format!("href=\"{url}#"))
            .tv()
    } else {
        summary.tv()
    };
    obj! {
        "title": &f.front.title, "description": &f.front.description, "url": url,
        "date": f.front.date.map(|d| d.to_string()), "date_human": f.front.date.map(|d| d.human(lang)),
        "updated": f.front.updated.map(|d| d.to_string()),
        "summary": summary,
        "fallback": site.pages[i].fallback, "section": &f.section, "drug": drug, "region": region,
        "reading_time": site.body(i).reading_time,
    }
}
