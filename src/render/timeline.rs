//! The timeline page (`/<lang>/timeline/`): every event, by date, with the timeline pictures;
//! and the template value of one event, which home pages show too. Takes the site's timeline;
//! must not order events (the site model does).

use tera::Value;

use super::Renderer;
use super::tvalue::obj;

impl Renderer<'_> {
    /// `/<lang>/timeline/`.
    pub(super) fn timeline_html(&self, lang: &str) -> Result<(String, Vec<u8>), tera::Error> {
        let site = self.site;
        let mut c = self.ctx(
            lang,
            &format!("{lang}/timeline/"),
            self.generated_translations("timeline/"),
        );
        c.insert("title", &self.t(lang, "timeline"));
        let events: Vec<Value> = site.langs[lang]
            .timeline
            .iter()
            .map(|e| self.timeline_event(lang, e))
            .collect();
        c.insert_value("events", Value::from(events));
        let t = |k: &str| self.t(lang, k);
        let tl = crate::pictures::timeline_from_site(site, lang, &t);
        c.insert(
            "timeline_svg",
            &crate::pictures::timeline_svg(&tl, "timeline-picture", lang, &t),
        );
        c.insert(
            "timeline_svg_narrow",
            &crate::pictures::timeline_svg_layout(
                &tl,
                "timeline-picture-narrow",
                lang,
                &t,
                crate::pictures::Layout::Narrow,
            ),
        );
        c.insert(
            "reviewed",
            &self.reviewed(site.langs[lang].timeline.iter().flat_map(|e| e.pages())),
        );
        let html = self.render_template("timeline.html", &c)?;
        Ok((format!("{lang}/timeline/index.html"), html))
    }

    pub(super) fn timeline_event(&self, lang: &str, e: &crate::site::TimelineEvent) -> Value {
        let site = self.site;
        let f = site.file(e.page);
        let also: Vec<Value> = e
            .also
            .iter()
            .map(|&p| obj! { "title": &site.file(p).front.title, "url": site.url(p) })
            .collect();
        let urls: Vec<String> = e.pages().map(|p| site.url(p)).collect();
        obj! {
            "date": e.date.to_string(), "date_human": e.date.human(lang), "year": e.date.year,
            "kind": self.t(lang, &format!("event_{}", e.kind.key())), "kind_id": e.kind.key(),
            "title": &e.title, "page_title": &f.front.title, "page_url": site.url(e.page),
            "also": Value::from(also), "page_urls": urls.join(" "), "anchor": &e.anchor,
            "section": &f.section, "source": self.source_value(lang, &e.source, None), "inferred": &e.inferred,
        }
    }
}
