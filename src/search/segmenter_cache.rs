//! The segmenter of a whole site, for the indexes of all its languages, and the cache that
//! keeps it from one build to the next (`atlas serve`). Takes the [`Site`]; gives a
//! [`Segmenter`]. Holds no other state.

use super::documents::indexed_text;
use super::segment::{CharSet, Segmenter};
use crate::site::Site;

/// The segmenter for the indexes of every language of the site: it holds the dictionary
/// words that the ideographs of any page's indexed text can spell.
pub fn site_segmenter(site: &Site) -> Segmenter {
    Segmenter::for_chars(site_chars(site))
}

/// The segmenter of the last build, kept for the next (`atlas serve`): reused while it
/// covers the site's characters (see [`Segmenter::covers`]), else made again for the
/// characters of both, so that a rebuild seldom makes one.
#[derive(Default)]
pub struct SegmenterCache(std::sync::Mutex<Option<std::sync::Arc<Segmenter>>>);

impl std::fmt::Debug for SegmenterCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SegmenterCache")
    }
}

impl SegmenterCache {
    /// A segmenter for the site: the last one if it covers the site.
    pub fn get(&self, site: &Site) -> std::sync::Arc<Segmenter> {
        let chars = site_chars(site);
        let mut last = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let chars = match last.as_ref() {
            Some(s) if s.covers(&chars) => return s.clone(),
            Some(s) => chars.union(s.chars()),
            None => chars,
        };
        let s = std::sync::Arc::new(Segmenter::for_chars(chars));
        *last = Some(s.clone());
        s
    }
}

/// The ideographs of every page's indexed text, in every language, and their pairs: what
/// the indexes' segmenter must cover.
pub fn site_chars(site: &Site) -> CharSet {
    CharSet::of_items(site.pages.len(), |i, add| indexed_text(site, i, add))
}
