//! `/sitemap.xml` (every page with its translations and review date) and `/robots.txt`,
//! which points at it. Takes the site model; must not use templates.

use std::collections::BTreeMap;

use super::{Renderer, permalink};

impl Renderer<'_> {
    /// The latest review date of the pages of one language (None: no page has a date).
    fn latest(&self, lang: Option<&str>) -> Option<crate::date::PartialDate> {
        (0..self.site.pages.len())
            .filter(|&i| lang.is_none_or(|l| self.site.pages[i].lang == l))
            .filter_map(|i| self.lastmod(i))
            .max()
    }

    pub(super) fn sitemap(&self) -> String {
        use std::fmt::Write;
        let site = self.site;
        let esc = crate::markdown::escape_html;
        // (loc, lastmod, [(hreflang, href)])
        type Entry = (
            String,
            Option<crate::date::PartialDate>,
            Vec<(String, String)>,
        );
        let mut entries: Vec<Entry> = Vec::new();
        let tag = |l: &str| {
            site.config
                .language(l)
                .map(|x| x.tag.clone())
                .unwrap_or_default()
        };
        for i in 0..site.pages.len() {
            if site.pages[i].fallback {
                continue;
            }
            let alts = site
                .translations(i)
                .into_iter()
                .filter(|&t| !site.pages[t].fallback)
                .map(|t| {
                    (
                        tag(&site.pages[t].lang),
                        permalink(site, &site.pages[t].path),
                    )
                })
                .collect();
            entries.push((permalink(site, &site.pages[i].path), self.lastmod(i), alts));
        }
        let mut generated = vec![
            "compare/".to_string(),
            "timeline/".into(),
            "sources/".into(),
        ];
        for t in site
            .langs
            .values()
            .next()
            .map(|m| &m.taxonomies)
            .into_iter()
            .flatten()
        {
            generated.push(format!("{}/", t.id));
        }
        let latest_by_lang: BTreeMap<&str, Option<crate::date::PartialDate>> = site
            .config
            .language_codes()
            .into_iter()
            .map(|l| (l, self.latest(Some(l))))
            .collect();
        let latest = self.latest(None);
        for g in &generated {
            for l in site.config.language_codes() {
                let alts = site
                    .config
                    .language_codes()
                    .iter()
                    .map(|o| (tag(o), permalink(site, &format!("{o}/{g}"))))
                    .collect();
                entries.push((
                    permalink(site, &format!("{l}/{g}")),
                    latest_by_lang[l],
                    alts,
                ));
            }
        }
        let mut x = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
        );
        for (loc, lastmod, alts) in entries {
            let _ = write!(x, "  <url>\n    <loc>{}</loc>\n", esc(&loc));
            if let Some(d) = lastmod.or(latest) {
                let _ = writeln!(x, "    <lastmod>{}</lastmod>", d.first_day());
            }
            if alts.len() > 1 {
                for (t, href) in alts {
                    let _ = writeln!(
                        x,
                        "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        esc(&t),
                        esc(&href)
                    );
                }
            }
            x.push_str("  </url>\n");
        }
        x.push_str("</urlset>\n");
        x
    }

    /// `/robots.txt`.
    pub(super) fn robots(&self) -> String {
        format!(
            "User-agent: *\nAllow: /\nSitemap: {}\n",
            permalink(self.site, "sitemap.xml")
        )
    }
}
