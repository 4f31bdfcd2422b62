//! The pages at the site's root: the language chooser (`/index.html`) and the not-found page
//! (`/404.html`), both in every language at once.

use serde_json::{Value as Json, json};

use super::Renderer;

impl Renderer<'_> {
    /// `/index.html`: the language chooser.
    pub(super) fn root_html(&self) -> Result<(String, Vec<u8>), tera::Error> {
        let site = self.site;
        let base = site.config.base_path();
        let lang = site.config.default_language.as_str();
        let mut c = self.ctx(lang, "", self.generated_translations(""));
        let choices: Vec<Json> = site
            .config
            .languages
            .iter()
            .map(|l| json!({"code": l.code, "tag": l.tag, "name": l.name, "title": l.title, "description": l.description, "url": format!("{base}{}/", l.code), "prompt": self.t(&l.code, "choose_language")}))
            .collect();
        c.insert("choices", &choices);
        let html = self.render_template("root.html", &c)?;
        Ok(("index.html".into(), html))
    }

    /// `/404.html`.
    pub(super) fn not_found_html(&self) -> Result<(String, Vec<u8>), tera::Error> {
        let site = self.site;
        let base = site.config.base_path();
        let lang = site.config.default_language.as_str();
        let mut c = self.ctx(lang, "404.html", Vec::new());
        let choices: Vec<Json> = site
            .config
            .languages
            .iter()
            .map(|l| json!({"code": l.code, "tag": l.tag, "name": l.name, "url": format!("{base}{}/", l.code), "title": self.t(&l.code, "not_found_title"), "text": self.t(&l.code, "not_found_text"), "home": self.t(&l.code, "home")}))
            .collect();
        c.insert("choices", &choices);
        let html = self.render_template("404.html", &c)?;
        Ok(("404.html".into(), html))
    }
}
