//! The index format's fixed parts: its version, the weights, the posting lists' digits, and the
//! shapes every other part shares: a [`Doc`], the [`Limits`] that split an index into files,
//! the [`Output`] files, and [`shard_of`], the term shard hash `search.js` computes too. Takes
//! and gives plain values; reads no site and writes nothing.

/// Version of the index format; `search.js` refuses an index of another version.
pub const FORMAT_VERSION: u32 = 2;
/// Weight of a word in the title.
pub const W_TITLE: u32 = 16;
/// Weight of a word in the names and aliases.
pub const W_NAMES: u32 = 12;
/// Weight of a word in the description.
pub const W_DESCRIPTION: u32 = 4;
/// A word counts once per occurrence in the body, up to this many times.
pub const BODY_CAP: u32 = 15;
/// The largest weight (one digit of [`ALPHABET`]).
pub const MAX_WEIGHT: u32 = 63;
/// Digits of the posting lists, in order of value (64 characters that need no JSON escape).
pub const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
/// Names and aliases are joined with this in a document's `names` field.
pub const NAME_SEPARATOR: &str = " · ";

/// One page in the index.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Doc {
    /// URL (with the base path).
    pub url: String,
    /// Title.
    pub title: String,
    /// Index into the index's sections.
    pub section: usize,
    /// Names, aliases and the other languages' titles, joined by [`NAME_SEPARATOR`].
    pub names: String,
    /// Description.
    pub description: String,
    /// Body text and fact-box facts.
    pub body: String,
}

/// How the index of one language is split into files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// When the whole index (terms, text, manifest) is at most this many bytes, it is one
    /// file: the manifest holds the terms and the text too.
    pub inline_bytes: usize,
    /// Target size of a term shard: the number of shards is the size of all the posting
    /// lists divided by this, rounded up.
    pub shard_bytes: usize,
    /// A text chunk is closed when it has reached this many bytes.
    pub chunk_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            inline_bytes: 256 * 1024,
            shard_bytes: 64 * 1024,
            chunk_bytes: 32 * 1024,
        }
    }
}

/// The shard of a term among `shards`: a hash of its first two characters (code points), so
/// that every term that starts with the same two characters is in the same shard (the
/// prefixes of a word being typed, the words that start at a position of a Chinese query).
/// `search.js` computes the same hash.
pub fn shard_of(term: &str, shards: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for c in term.chars().take(2) {
        h = (h ^ c as u32).wrapping_mul(0x0100_0193);
    }
    h ^= h >> 16;
    h = h.wrapping_mul(0x045d_9f3b);
    h ^= h >> 16;
    if shards == 0 {
        0
    } else {
        (h % shards as u32) as usize
    }
}

/// The files of the index of one language, as written to the output (paths relative to the
/// output folder), and what they hold.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// `<lang>/search/index.json`: the manifest.
    pub manifest: (String, Vec<u8>),
    /// Term shards (`<lang>/search/terms-<k>.json`) and text chunks
    /// (`<lang>/search/text-<k>.json`); empty when the manifest holds everything.
    pub files: Vec<(String, Vec<u8>)>,
    /// Number of documents.
    pub docs: usize,
    /// Number of words (stems and jieba words).
    pub words: usize,
    /// Number of bigrams.
    pub grams: usize,
    /// Number of term shards (1 when the terms are in the manifest).
    pub shards: usize,
    /// Number of text chunks (1 when the text is in the manifest).
    pub chunks: usize,
}

impl Output {
    /// Every file: the manifest first.
    pub fn all(&self) -> impl Iterator<Item = &(String, Vec<u8>)> {
        std::iter::once(&self.manifest).chain(&self.files)
    }

    /// Bytes of all the files.
    pub fn total_bytes(&self) -> usize {
        self.all().map(|(_, b)| b.len()).sum()
    }
}
