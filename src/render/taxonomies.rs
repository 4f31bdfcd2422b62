//! Taxonomy pages: the list of a taxonomy's terms (`/<lang>/<taxonomy>/`) and each term's
//! pages (`/<lang>/<taxonomy>/<term>/`). Takes the site's taxonomies; must not collect terms
//! (the site model does).

use serde_json::{Value as Json, json};
use tera::Value;

use super::Renderer;

impl Renderer<'_> {
    /// `/<lang>/<taxonomy>/`.
    pub(super) fn taxonomy_html(
        &self,
        lang: &str,
        ti: usize,
    ) -> Result<(String, Vec<u8>), tera::Error> {
        let site = self.site;
        let base = site.config.base_path();
        let t = &site.langs[lang].taxonomies[ti];
        let path = format!("{lang}/{}/", t.id);
        let mut c = self.ctx(
            lang,
            &path,
            self.generated_translations(&format!("{}/", t.id)),
        );
        c.insert("title", &self.t(lang, &format!("tax_{}", t.id)));
        c.insert("taxonomy", &t.id);
        let terms: Vec<Json> = t.terms.iter().map(|term| json!({"name": self.term_name(lang, t.id, &term.name), "url": format!("{base}{path}{}/", term.slug), "count": term.pages.len(), "definition": self.term_definition(lang, t.id, &term.name)})).collect();
        c.insert("terms", &terms);
        c.insert(
            "reviewed",
            &self.reviewed(t.terms.iter().flat_map(|x| x.pages.iter().copied())),
        );
        let html = self.render_template("taxonomy.html", &c)?;
        Ok((format!("{path}index.html"), html))
    }

    /// `/<lang>/<taxonomy>/<term>/`.
    pub(super) fn term_html(
        &self,
        lang: &str,
        ti: usize,
        term: usize,
    ) -> Result<(String, Vec<u8>), tera::Error> {
        let site = self.site;
        let base = site.config.base_path();
        let t = &site.langs[lang].taxonomies[ti];
        let term = &t.terms[term];
        let path = format!("{lang}/{}/{}/", t.id, term.slug);
        // A term's name may differ by language: its translation is the term with the
        // translations of its pages, or else the other language's taxonomy list.
        let translations = self
            .generated_translations(&format!("{}/", t.id))
            .into_iter()
            .map(|mut tr| {
                let l = tr["lang"].as_str().unwrap_or_default().to_string();
                let slug = if l == lang {
                    Some(term.slug.as_str())
                } else {
                    term.translations
                        .iter()
                        .find(|(tl, _)| *tl == l)
                        .map(|(_, s)| s.as_str())
                };
                if let Some(slug) = slug {
                    let rest = format!("{l}/{}/{slug}/", t.id);
                    tr["url"] = json!(format!("{base}{rest}"));
                    tr["permalink"] = json!(super::context::permalink(site, &rest));
                } else {
                    // The switch still leads to the list; no hreflang alternate claims it.
                    tr["fallback"] = json!(true);
                }
                tr
            })
            .collect();
        let mut c = self.ctx(lang, &path, translations);
        c.insert("title", &self.term_name(lang, t.id, &term.name));
        c.insert("definition", &self.term_definition(lang, t.id, &term.name));
        c.insert("taxonomy", &t.id);
        c.insert("taxonomy_title", &self.t(lang, &format!("tax_{}", t.id)));
        c.insert("taxonomy_url", &format!("{base}{lang}/{}/", t.id));
        let pages: Vec<Value> = term.pages.iter().map(|&i| self.page_ref(i)).collect();
        c.insert_value("pages", Value::from(pages));
        c.insert("reviewed", &self.reviewed(term.pages.iter().copied()));
        let html = self.render_template("term.html", &c)?;
        Ok((format!("{path}index.html"), html))
    }

    /// A term as a title: a status by its interface name, any other term as written with
    /// its first letter capitalised ("chronic heart failure" -> "Chronic heart failure";
    /// `mRNA`, `iPSC` or a Chinese name unchanged).
    fn term_name(&self, lang: &str, tax: &str, name: &str) -> String {
        if tax == "status" {
            self.t(lang, &format!("status_{name}"))
        } else {
            capitalise_first(name)
        }
    }

    /// What a status means (`status_def_<key>` in the theme's i18n), or nothing for the
    /// terms of other taxonomies.
    fn term_definition(&self, lang: &str, tax: &str, name: &str) -> Option<String> {
        (tax == "status").then(|| self.t(lang, &format!("status_def_{name}")))
    }
}

/// Capitalises the first letter unless the first word already has a capital in it
/// (`mRNA`, `iPSC`: a name written that way on purpose).
fn capitalise_first(s: &str) -> String {
    let first_word = s.split([' ', '-']).next().unwrap_or_default();
    if first_word.chars().any(char::is_uppercase) {
        return s.to_string();
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn capitalise_first_letter_only() {
        assert_eq!(
            super::capitalise_first("chronic heart failure"),
            "Chronic heart failure"
        );
        assert_eq!(super::capitalise_first("mRNA therapy"), "mRNA therapy");
        assert_eq!(
            super::capitalise_first("iPSC-derived cells"),
            "iPSC-derived cells"
        );
        assert_eq!(super::capitalise_first("慢性牙周炎"), "慢性牙周炎");
        assert_eq!(super::capitalise_first("éclair"), "Éclair");
        assert_eq!(super::capitalise_first(""), "");
    }
}
