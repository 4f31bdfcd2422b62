//! The search outputs of one language: the index files (made by [`crate::search`], with the
//! segmenter made once for all languages) and the search page, which lists every page for
//! readers without JavaScript. Must not build the index itself.

use tera::Value;

use super::Renderer;
use super::jobs::Written;

impl<'a> Renderer<'a> {
    /// Keeps the search indexes' segmenter in `cache` for the next renderer, and takes it
    /// from there when it still covers the site.
    pub fn with_segmenter_cache(mut self, cache: &'a crate::search::SegmenterCache) -> Self {
        self.segmenters = Some(cache);
        self
    }

    /// The search indexes' segmenter (see [`crate::search::site_segmenter`]).
    fn segmenter(&self) -> &crate::search::Segmenter {
        self.segmenter.get_or_init(|| match self.segmenters {
            Some(cache) => cache.get(self.site),
            None => std::sync::Arc::new(crate::search::site_segmenter(self.site)),
        })
    }

    /// `/<lang>/search/index.json` and the files next to it; text chunks go to `early`.
    pub(super) fn search_index(
        &self,
        lang: &str,
        early: &mut dyn FnMut(String, Vec<u8>),
    ) -> Written {
        let site = self.site;
        let out = crate::search::index_files_to(
            site,
            lang,
            crate::search::Limits::default(),
            self.segmenter(),
            early,
        );
        let (path, bytes) = out.manifest;
        Written {
            path,
            bytes,
            more: out.files,
        }
    }

    /// `/<lang>/search/`.
    pub(super) fn search_page_html(&self, lang: &str) -> Result<(String, Vec<u8>), tera::Error> {
        let site = self.site;
        let base = site.config.base_path();
        let path = format!("{lang}/search/");
        let mut c = self.ctx(lang, &path, self.generated_translations("search/"));
        c.insert("title", &self.t(lang, "search"));
        c.insert(
            "search_index_url",
            &format!("{base}{lang}/search/index.json"),
        );
        // Without JavaScript the page lists every page, section by section.
        let groups: Vec<Value> = site
            .sections()
            .iter()
            .filter_map(|s| site.page(lang, &format!("{s}/_index")))
            .map(|j| {
                let pages: Vec<Value> = site
                    .section_pages(lang, &site.file(j).section)
                    .iter()
                    .map(|&k| self.page_ref(k))
                    .collect();
                let mut g = tera::Map::new();
                g.insert("section".into(), self.page_ref(j));
                g.insert("pages".into(), Value::from(pages));
                Value::from(g)
            })
            .collect();
        c.insert_value("groups", Value::from(groups));
        let html = self.render_template("search.html", &c)?;
        Ok((format!("{path}index.html"), html))
    }
}
