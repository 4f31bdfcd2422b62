//! Site search without a server: one compact index per language, written at build time to
//! `/<lang>/search/index.json` (split into term shards and text chunks beside it when large)
//! and read in the reader's browser by the theme's `search.js`.
//!
//! Text is split by script. Runs of Chinese (and Japanese kana) characters are segmented into
//! words with jieba ([`Segmenter`]), and every pair of neighbouring characters (a bigram) is indexed too, so a
//! query of any two or more characters that occurs in a page finds it, whatever the
//! segmenter made of the sentence. Runs of letters and digits are lower-cased and stemmed
//! with the Snowball English stemmer (Porter 2); `search.js` carries the same stemmer, so
//! "regulations" and "regulation" meet at `regul`.
//!
//! Each page is one document with its fields: title, names (region `names`, a drug's INN,
//! brand, Chinese name and aliases, and the titles and names of its translations, so that a
//! query in one language finds the page in the other language's index), description and
//! body (the Markdown text plus the facts shown in the page's fact box). A word's weight in a
//! document adds [`W_TITLE`], [`W_NAMES`] and [`W_DESCRIPTION`] for the fields it occurs in
//! and its count in the body (at most [`BODY_CAP`]), up to [`MAX_WEIGHT`].
//!
//! The format (version [`FORMAT_VERSION`]) is documented in docs/search.md.
//!
//! Takes the [`Site`] (or documents); gives the files of each language's index, in memory.
//! Must not change the site nor write to disk (the caller writes the files).
//!
//! Where things are: `format.rs` (version, weights, [`Doc`], [`Limits`], [`Output`], the shard
//! hash), `text.rs` (normalising and splitting text by script), `segment.rs` (jieba with the
//! words a text can hold), `segmenter_cache.rs` (the site's segmenter, kept between builds),
//! `terms.rs` (stems, words, bigrams and their weights), `postings.rs` (posting lists),
//! `write.rs` (the files of one language), `read.rs` (reading them back: [`Index`]),
//! `documents.rs` (a site's pages as documents).

use crate::site::Site;

mod documents;
mod format;
mod postings;
mod read;
mod segment;
mod segmenter_cache;
mod terms;
#[cfg(test)]
mod tests;
mod text;
mod write;

pub use documents::index_files_to;
pub use format::{
    ALPHABET, BODY_CAP, Doc, FORMAT_VERSION, Limits, MAX_WEIGHT, NAME_SEPARATOR, Output,
    W_DESCRIPTION, W_NAMES, W_TITLE, shard_of,
};
pub use postings::decode_postings;
pub use read::Index;
pub use segment::{CharSet, Segmenter};
pub use segmenter_cache::{SegmenterCache, site_chars, site_segmenter};
pub use terms::{bigrams, segment, stem, words};
pub use text::{Run, is_ideograph, normalize, runs};
pub use write::{build_files, build_files_to};

/// The index files of one language of the site: every page of that language (home, section
/// lists and pages, untranslated pages included with the text they show).
pub fn index_files(site: &Site, lang: &str) -> Output {
    index_files_with(site, lang, Limits::default())
}

/// [`index_files`] with other limits.
pub fn index_files_with(site: &Site, lang: &str, limits: Limits) -> Output {
    let mut early = Vec::new();
    let segmenter = site_segmenter(site);
    let mut out = index_files_to(site, lang, limits, &segmenter, &mut |p, b| {
        early.push((p, b))
    });
    early.append(&mut out.files);
    out.files = early;
    out
}

/// The index of one language of the site, read back from its files.
pub fn build_index(site: &Site, lang: &str) -> Index {
    Index::read(&index_files(site, lang))
        .unwrap_or_else(|e| panic!("the index just written reads back: {e}"))
}
