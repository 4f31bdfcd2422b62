//! Atom feeds (`/<lang>/atom.xml`): the newest events of a language's timeline. Takes the
//! site's timeline; must not use templates.

use super::{Renderer, permalink};
use crate::site::Site;

/// The most entries an Atom feed lists (the newest events).
pub const FEED_LIMIT: usize = 100;

/// An Atom id must be an absolute IRI: the permalink, or a URN when `base_url` has no host.
fn atom_id(site: &Site, path: &str) -> String {
    if site.config.origin().is_empty() {
        format!("urn:atlas:{}{path}", site.config.base_path())
    } else {
        permalink(site, path)
    }
}

impl Renderer<'_> {
    pub(super) fn feed(&self, lang: &str) -> String {
        use atom_syndication::{Entry, Feed, FixedDateTime, Link, Text};
        let site = self.site;
        let day = |d: crate::date::PartialDate| -> FixedDateTime {
            let nd = d.first_day();
            let dt = nd.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            dt.fixed_offset()
        };
        let events = &site.langs[lang].timeline;
        let title = site
            .config
            .language(lang)
            .map(|l| l.title.clone())
            .unwrap_or_default();
        let mut feed = Feed::default();
        feed.set_title(Text::plain(format!(
            "{title} · {}",
            self.t(lang, "timeline")
        )));
        feed.set_id(atom_id(site, &format!("{lang}/timeline/")));
        feed.set_lang(site.config.language(lang).map(|l| l.tag.clone()));
        feed.set_updated(
            events
                .first()
                .map(|e| day(e.date))
                .unwrap_or_else(|| day("1970".parse().expect("valid"))),
        );
        let mut self_link = Link::default();
        self_link.set_href(permalink(site, &format!("{lang}/atom.xml")));
        self_link.set_rel("self");
        let mut alt = Link::default();
        alt.set_href(permalink(site, &format!("{lang}/timeline/")));
        feed.set_links(vec![self_link, alt]);
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        // The newest events only: readers poll a feed, and ids stay the same as it moves on.
        let entries: Vec<Entry> = events
            .iter()
            .take(FEED_LIMIT)
            .map(|e| {
                let page_link = permalink(site, &site.pages[e.page].path);
                let base_id = format!(
                    "{}#event-{}",
                    atom_id(site, &site.pages[e.page].path),
                    e.date
                );
                let n = seen.entry(base_id.clone()).or_default();
                *n += 1;
                let id = if *n == 1 {
                    base_id
                } else {
                    format!("{base_id}-{n}")
                };
                let mut entry = Entry::default();
                entry.set_title(Text::plain(format!(
                    "{} · {}: {}",
                    e.date.human(lang),
                    site.file(e.page).front.title,
                    e.title
                )));
                entry.set_id(id);
                entry.set_updated(day(e.date));
                let mut l = Link::default();
                l.set_href(page_link);
                entry.set_links(vec![l]);
                entry
            })
            .collect();
        feed.set_entries(entries);
        let mut out = feed.to_string();
        // XML 1.0 allows no control character but tab, line feed and carriage return, not
        // even as a character reference: one in a title (a TOML `\u0001` escape) would make
        // the whole feed unreadable to feed readers.
        out.retain(|c| {
            !(c < ' ' && !matches!(c, '\t' | '\n' | '\r') || c == '\u{FFFE}' || c == '\u{FFFF}')
        });
        out.push('\n');
        out
    }
}
