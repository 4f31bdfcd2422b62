//! Reading `content/`: walking the tree, naming files, splitting and parsing front matter.
//!
//! The output is a list of [`SourcePage`]s (one per Markdown file) and [`Asset`]s (every other
//! file), with every problem found as a [`Diagnostic`]. Nothing here knows about other pages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Deserialize;

use crate::config::Config;
use crate::date::PartialDate;
use crate::diagnostics::{Diagnostic, line_col};
use crate::schema::{DrugData, RegionData};

/// The common front matter of every page.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The title (required).
    pub title: String,
    /// A one-sentence summary.
    #[serde(default)]
    pub description: Option<String>,
    /// Publication date.
    #[serde(default)]
    pub date: Option<PartialDate>,
    /// The date the facts were last reviewed.
    #[serde(default)]
    pub updated: Option<PartialDate>,
    /// Left out of the build unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Sort order in lists (low first).
    #[serde(default)]
    pub weight: i64,
    /// Overrides the URL slug.
    #[serde(default)]
    pub slug: Option<String>,
    /// Old URLs (paths under the language prefix, or absolute) that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Free-form data for templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Region schema (pages under `content/regions/`).
    #[serde(default)]
    pub region: Option<RegionData>,
    /// Drug schema (pages under `content/drugs/`).
    #[serde(default)]
    pub drug: Option<DrugData>,
}

/// What a Markdown file is, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `content/_index.<lang>.md`.
    Home,
    /// `content/<section>/_index.<lang>.md`.
    Section,
    /// `content/<section>/<slug>.<lang>.md`.
    Page,
}

/// One Markdown file, parsed.
#[derive(Debug, Clone)]
pub struct SourcePage {
    /// Path relative to the site root (for messages): `content/regions/beijing.zh.md`.
    pub file: PathBuf,
    /// Language code from the file name.
    pub lang: String,
    /// Home, section or page.
    pub kind: Kind,
    /// Section path (`regions`), empty for the home page.
    pub section: String,
    /// The file stem without language (`beijing`, `_index`).
    pub stem: String,
    /// Parsed front matter.
    pub front: FrontMatter,
    /// The Markdown body.
    pub body: String,
    /// 1-based line number of the first body line in the file.
    pub body_line: usize,
    /// The front matter text (for locating values in messages).
    pub front_text: String,
    /// 1-based line of the first front matter line.
    pub front_line: usize,
}

impl SourcePage {
    /// The language-independent key that links and translations use: `regions/beijing`,
    /// `regions/_index`, `_index`.
    pub fn key(&self) -> String {
        if self.section.is_empty() {
            self.stem.clone()
        } else {
            format!("{}/{}", self.section, self.stem)
        }
    }

    /// An error at a value of the front matter, located by key and value text.
    pub fn front_error(&self, key: &str, needle: &str, msg: impl Into<String>) -> Diagnostic {
        let pos = crate::diagnostics::locate(&self.front_text, key, needle)
            .map(|(l, c)| (l + self.front_line - 1, c));
        Diagnostic::error(msg).in_file(&self.file).at_pos(pos)
    }
}

/// A non-Markdown file under `content/`, copied to the output.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Absolute path on disk.
    pub source: PathBuf,
    /// Path relative to `content/`, with `/` separators.
    pub rel: String,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Content {
    /// Parsed Markdown files (drafts included; the site drops them).
    pub pages: Vec<SourcePage>,
    /// Other files.
    pub assets: Vec<Asset>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
    /// Keys (`regions/beijing`) of well-named files that failed to parse: links to them are
    /// not reported again as broken.
    pub broken_keys: std::collections::HashSet<String>,
}

/// A file that could not be read: the key it would have had (if its name was valid) and why.
type PageFailure = (Option<String>, Vec<Diagnostic>);

/// True for editor swap, backup and hidden files that must never be read as content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".orig"]
            .iter()
            .any(|s| name.ends_with(s))
        || name == "4913" // vim's write test file
}

/// Parsed Markdown files kept across rebuilds by `atlas serve` (owned by its builder and
/// passed to [`load_cached`]). A file whose name parts (path, section, stem, language, kind)
/// are those of the last load keeps its last result (the page or its errors) when
///
/// - its metadata (size, modification and change times, inode, device) is what it was when it
///   was last read, and its change time was then at least [`RACY_SECONDS`] older than the
///   clock: any later write sets a later change time, so the file is not read again; a file
///   changed more recently than that (or named by [`ParseCache::forget`]) is read again, as
///   Git treats "racily clean" files;
/// - or its bytes (xxh3-128) are those of the last read.
///
/// Only the files of the last load are kept.
#[derive(Debug, Default)]
pub struct ParseCache {
    files: Mutex<HashMap<PathBuf, Parsed>>,
    /// Unsaved editor buffers read instead of the files (see [`ParseCache::set_overlay`]).
    overlay: Mutex<std::sync::Arc<Overlay>>,
    reused: AtomicUsize,
    parsed: AtomicUsize,
    read: AtomicUsize,
}

/// Texts read instead of the files on disk, by path relative to the site root
/// (`content/regions/beijing.zh.md`): the unsaved buffers of an editor (`atlas lsp`).
pub type Overlay = HashMap<PathBuf, String>;

/// A file whose change time is less than this many seconds before the clock when it is read
/// is read again by the next load, whatever its metadata says (timestamps have a granularity;
/// some file systems keep whole or even seconds).
pub const RACY_SECONDS: i128 = 3;

impl ParseCache {
    /// (files reused, files parsed) by the last load.
    pub fn last_counts(&self) -> (usize, usize) {
        (
            self.reused.load(Ordering::Relaxed),
            self.parsed.load(Ordering::Relaxed),
        )
    }

    /// Files read by the last load (the others were known unchanged from their metadata).
    pub fn last_reads(&self) -> usize {
        self.read.load(Ordering::Relaxed)
    }

    /// From the next load on, a Markdown file named in `overlay` is read from there instead
    /// of from disk (it must exist on disk: the walk finds the files); its parse is kept
    /// while the text has the same hash. A file that leaves the overlay is read again.
    pub fn set_overlay(&self, overlay: std::sync::Arc<Overlay>) {
        *self.overlay.lock().unwrap_or_else(|e| e.into_inner()) = overlay;
    }

    /// The next load reads these files again (paths relative to the site root, as in
    /// messages: `content/regions/beijing.zh.md`), whatever their metadata says.
    pub fn forget(&self, files: &[PathBuf]) {
        if files.is_empty() {
            return;
        }
        let mut kept = self.files.lock().unwrap_or_else(|e| e.into_inner());
        for p in kept.values_mut() {
            if files.contains(&p.name.0) {
                p.stamp = None;
            }
        }
    }
}

/// What a file's metadata says of its version, when it can be trusted (see [`ParseCache`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
    device: u64,
}

impl Stamp {
    /// The stamp of `path` now, and whether it may be trusted next time (its change time is
    /// old enough). None when the metadata cannot be read or the platform has no change time.
    fn of(path: &Path) -> Option<(Stamp, bool)> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()?
                .as_nanos() as i128;
            let m = std::fs::metadata(path).ok()?;
            let stamp = Stamp {
                len: m.size(),
                modified: (m.mtime(), m.mtime_nsec()),
                changed: (m.ctime(), m.ctime_nsec()),
                inode: m.ino(),
                device: m.dev(),
            };
            let changed = m.ctime() as i128 * 1_000_000_000 + m.ctime_nsec() as i128;
            Some((stamp, now - changed >= RACY_SECONDS * 1_000_000_000))
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }
}

/// One file's last parse.
#[derive(Debug)]
struct Parsed {
    hash: u128,
    /// Set when the file's metadata, as it was when it was read, may be trusted.
    stamp: Option<Stamp>,
    /// (file, section, stem, language, kind).
    name: (PathBuf, String, String, String, Kind),
    result: Result<SourcePage, Vec<Diagnostic>>,
}

/// What reading one file did with the cache.
enum Cached {
    /// Nothing to keep (the file could not be read, or its name is wrong).
    No,
    /// The last parse was reused; the file's stamp is now this; the file was read (or not).
    Reused(Option<Stamp>, bool),
    /// A new parse to keep.
    New(Box<Parsed>),
}

/// Reads `content/` under `root`.
pub fn load(root: &Path, config: &Config) -> Content {
    load_cached(root, config, None)
}

/// Reads `content/` under `root`, reusing the parse of unchanged files from `cache`.
pub fn load_cached(root: &Path, config: &Config, cache: Option<&ParseCache>) -> Content {
    let content_dir = root.join("content");
    let mut out = Content::default();
    if !content_dir.is_dir() {
        out.diagnostics.push(
            Diagnostic::error("there is no content/ folder")
                .in_file("content")
                .hint("create content/_index.<lang>.md for each language"),
        );
        return out;
    }
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut md_files = Vec::new();
    let walker = walkdir::WalkDir::new(&content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| rel(root, p))
                    .unwrap_or_else(|| "content".into());
                let msg = if e.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else {
                    e.to_string()
                };
                out.diagnostics.push(
                    Diagnostic::error(format!("cannot read: {msg}"))
                        .in_file(path)
                        .hint("remove or fix the link, or make the file readable"),
                );
                continue;
            }
        };
        if entry.path_is_symlink() {
            let inside = entry
                .path()
                .canonicalize()
                .map(|t| t.starts_with(&canon_root))
                .unwrap_or(false);
            if !inside {
                out.diagnostics.push(
                    Diagnostic::error("symbolic link points outside the site")
                        .in_file(rel(root, entry.path()))
                        .hint("copy the file into the site instead of linking to it"),
                );
                continue;
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md") {
            md_files.push(path.to_path_buf());
        } else {
            let rel_path = path
                .strip_prefix(&content_dir)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/");
            out.assets.push(Asset {
                source: path.to_path_buf(),
                rel: rel_path,
            });
        }
    }
    let overlay = cache.map(|c| c.overlay.lock().unwrap_or_else(|e| e.into_inner()).clone());
    let overlay = overlay.as_deref().filter(|o| !o.is_empty());
    let mut kept = cache.map(|c| c.files.lock().unwrap_or_else(|e| e.into_inner()));
    let last = kept.as_deref();
    let mut results: Vec<(Result<SourcePage, PageFailure>, Cached)> = md_files
        .par_iter()
        .map(|p| read_page(root, &content_dir, p, config, last, overlay))
        .collect();
    if let (Some(c), Some(kept)) = (cache, kept.as_mut()) {
        let mut next = HashMap::with_capacity(md_files.len());
        let (mut reused, mut parsed, mut read) = (0, 0, 0);
        for (path, (_, cached)) in md_files.iter().zip(results.iter_mut()) {
            match std::mem::replace(cached, Cached::No) {
                Cached::No => read += 1,
                Cached::Reused(stamp, was_read) => {
                    if let Some(mut p) = kept.remove(path) {
                        p.stamp = stamp;
                        next.insert(path.clone(), p);
                    }
                    reused += 1;
                    read += usize::from(was_read);
                }
                Cached::New(p) => {
                    next.insert(path.clone(), *p);
                    parsed += 1;
                    read += 1;
                }
            }
        }
        **kept = next;
        c.reused.store(reused, Ordering::Relaxed);
        c.parsed.store(parsed, Ordering::Relaxed);
        c.read.store(read, Ordering::Relaxed);
    }
    drop(kept);
    for (r, _) in results {
        match r {
            Ok(p) => out.pages.push(p),
            Err((key, d)) => {
                out.broken_keys.extend(key);
                out.diagnostics.extend(d);
            }
        }
    }
    out
}

fn rel(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root).unwrap_or(p).to_path_buf()
}

fn read_page(
    root: &Path,
    content_dir: &Path,
    path: &Path,
    config: &Config,
    cache: Option<&HashMap<PathBuf, Parsed>>,
    overlay: Option<&Overlay>,
) -> (Result<SourcePage, PageFailure>, Cached) {
    let file = rel(root, path);
    let rel_path = path.strip_prefix(content_dir).unwrap_or(path);
    let (section, stem, lang, kind) = match name_parts(rel_path, config) {
        Ok(parts) => parts,
        Err(d) => return (Err((None, vec![d.in_file(&file)])), Cached::No),
    };
    let key = if section.is_empty() {
        stem.clone()
    } else {
        format!("{section}/{stem}")
    };
    // The metadata is taken before the bytes: a write in between makes it older than the
    // bytes read, so the next load reads the file again.
    // An overlaid text is compared by hash only, and never trusted by metadata.
    let overlaid = overlay.and_then(|o| o.get(&file));
    let stamp = match cache {
        Some(_) if overlaid.is_none() => Stamp::of(path),
        _ => None,
    };
    let last = cache.and_then(|c| c.get(path)).filter(|last| {
        (
            &last.name.0,
            &last.name.1,
            &last.name.2,
            &last.name.3,
            last.name.4,
        ) == (&file, &section, &stem, &lang, kind)
    });
    if let (Some(last), Some((now, _))) = (last, stamp) {
        if last.stamp == Some(now) {
            let r = last.result.clone().map_err(|d| (Some(key), d));
            return (r, Cached::Reused(Some(now), false));
        }
    }
    let bytes = match overlaid.map_or_else(|| std::fs::read(path), |t| Ok(t.clone().into_bytes())) {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::error(format!("cannot read the file: {e}"))
                .in_file(&file)
                .hint("check the file's permissions");
            return (Err((Some(key), vec![d])), Cached::No);
        }
    };
    if cache.is_none() {
        let r = parse_bytes(bytes, file, section, stem, lang, kind);
        return (r.map_err(|d| (Some(key), d)), Cached::No);
    }
    let trusted = stamp.and_then(|(s, trusted)| trusted.then_some(s));
    let hash = xxhash_rust::xxh3::xxh3_128(&bytes);
    if let Some(last) = last {
        if last.hash == hash {
            let r = last.result.clone().map_err(|d| (Some(key), d));
            return (r, Cached::Reused(trusted, true));
        }
    }
    let name = (
        file.clone(),
        section.clone(),
        stem.clone(),
        lang.clone(),
        kind,
    );
    let result = parse_bytes(bytes, file, section, stem, lang, kind);
    let r = result.clone().map_err(|d| (Some(key), d));
    let parsed = Parsed {
        hash,
        stamp: trusted,
        name,
        result,
    };
    (r, Cached::New(Box::new(parsed)))
}

fn parse_bytes(
    bytes: Vec<u8>,
    file: PathBuf,
    section: String,
    stem: String,
    lang: String,
    kind: Kind,
) -> Result<SourcePage, Vec<Diagnostic>> {
    let text =
        match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let valid = std::str::from_utf8(&e.as_bytes()[..offset]).unwrap_or("");
                let (line, col) = line_col(valid, offset);
                return Err(
                    vec![Diagnostic::error("the file is not valid UTF-8")
                .in_file(&file)
                .at(line, col)
                .hint("save the file as UTF-8 (most editors have an encoding option in Save As)")],
                );
            }
        };
    parse_page(&text, file, section, stem, lang, kind)
}

/// Splits `regions/beijing.zh.md` into (section, stem, lang, kind).
fn name_parts(
    rel_path: &Path,
    config: &Config,
) -> Result<(String, String, String, Kind), Diagnostic> {
    let name = rel_path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let section = rel_path
        .parent()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let base = name.strip_suffix(".md").unwrap_or(&name);
    let langs = config.language_codes().join(", ");
    let Some((stem, lang)) = base.rsplit_once('.') else {
        return Err(Diagnostic::error(format!(
            "the file name has no language code: {name}"
        ))
        .hint(format!(
            "name it <slug>.<lang>.md with one of the site's languages ({langs}), e.g. {base}.{}.md",
            config.default_language
        )));
    };
    if config.language(lang).is_none() {
        return Err(Diagnostic::error(format!(
            "`{lang}` in the file name is not a language of this site"
        ))
        .hint(format!(
            "use one of the languages in atlas.toml ({langs}), or add [[languages]] code = \"{lang}\" there"
        )));
    }
    let kind = match (stem, section.is_empty()) {
        ("_index", true) => Kind::Home,
        ("_index", false) => Kind::Section,
        (_, true) => {
            return Err(Diagnostic::error(
                "a page must be inside a section folder, not directly in content/",
            )
            .hint("move it into a folder such as content/regions/"));
        }
        _ => Kind::Page,
    };
    if kind == Kind::Page && !valid_slug(stem) {
        return Err(
            Diagnostic::error(format!("`{stem}` is not a valid page name"))
                .hint("use lowercase letters, digits and - in file names (e.g. hainan-boao.zh.md)"),
        );
    }
    for seg in section.split('/').filter(|s| !s.is_empty()) {
        if !valid_slug(seg) {
            return Err(
                Diagnostic::error(format!("`{seg}` is not a valid section folder name"))
                    .hint("use lowercase letters, digits and - in folder names"),
            );
        }
    }
    Ok((section, stem.to_string(), lang.to_string(), kind))
}

/// A URL segment atlas accepts: not empty, no `.`/`..`, no `/`, `\`, spaces or control chars.
pub fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// Parses the whole text of a Markdown file.
pub fn parse_page(
    text: &str,
    file: PathBuf,
    section: String,
    stem: String,
    lang: String,
    kind: Kind,
) -> Result<SourcePage, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let normalized;
    let text = if text.contains('\r') {
        normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        text
    };
    let split = split_front_matter(text).map_err(|d| vec![d.in_file(&file)])?;
    let front = parse_front_matter(&split).map_err(|d| vec![d.in_file(&file)])?;
    let page = SourcePage {
        file,
        lang,
        kind,
        section,
        stem,
        front,
        body: split.body.to_string(),
        body_line: split.body_line,
        front_text: split.front.to_string(),
        front_line: split.front_line,
    };
    let errs = check_front(&page);
    if errs.is_empty() { Ok(page) } else { Err(errs) }
}

/// Front matter format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Between `+++` lines.
    Toml,
    /// Between `---` lines.
    Yaml,
}

/// A file split into front matter and body.
#[derive(Debug)]
pub struct Split<'a> {
    /// TOML or YAML.
    pub format: Format,
    /// The text between the delimiters.
    pub front: &'a str,
    /// 1-based line of the first front matter line.
    pub front_line: usize,
    /// Everything after the closing delimiter line.
    pub body: &'a str,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// Splits front matter from body. The text must already use `\n` line endings.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, Diagnostic> {
    let first = text.lines().next().unwrap_or("");
    let (format, delim) = match first.trim_end() {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ => {
            let hint = "start the file with front matter: a line +++, then title = \"...\", then a line +++";
            let msg = if text.trim().is_empty() {
                "the file is empty"
            } else {
                "the file has no front matter"
            };
            return Err(Diagnostic::error(msg).at(1, 1).hint(hint));
        }
    };
    let front_start = first.len() + 1;
    if front_start > text.len() {
        return Err(unterminated(delim));
    }
    let mut offset = front_start;
    for (line_no, line) in (2..).zip(text[front_start..].split_inclusive('\n')) {
        if line.trim_end() == delim {
            let front = &text[front_start..offset];
            let body_start = (offset + line.len()).min(text.len());
            return Ok(Split {
                format,
                front,
                front_line: 2,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(unterminated(delim))
}

fn unterminated(delim: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "the front matter opened with {delim} on line 1 is never closed"
    ))
    .at(1, 1)
    .hint(format!(
        "add a line with only {delim} after the last front matter field"
    ))
}

/// Parses TOML or YAML front matter into [`FrontMatter`].
pub fn parse_front_matter(split: &Split) -> Result<FrontMatter, Diagnostic> {
    let hint = "see the front matter reference in README.md";
    match split.format {
        Format::Toml => toml::from_str::<FrontMatter>(split.front).map_err(|e| {
            let (l, c) = e
                .span()
                .map(|s| line_col(split.front, s.start))
                .unwrap_or((1, 1));
            Diagnostic::error(format!("front matter: {}", e.message().trim()))
                .at(l + split.front_line - 1, c)
                .hint(hint)
        }),
        Format::Yaml => {
            if split.front.trim().is_empty() {
                return Err(Diagnostic::error("front matter: missing field `title`")
                    .at(split.front_line, 1)
                    .hint(hint));
            }
            serde_norway::from_str::<FrontMatter>(split.front).map_err(|e| {
                let (l, c) = e
                    .location()
                    .map(|loc| line_col(split.front, loc.index()))
                    .unwrap_or((1, 1));
                let msg = e.to_string();
                // serde_norway appends " at line N column M"; we give our own position.
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                Diagnostic::error(format!("front matter: {msg}"))
                    .at(l + split.front_line - 1, c)
                    .hint(hint)
            })
        }
    }
}

/// Checks on values that parsed but are not acceptable.
fn check_front(page: &SourcePage) -> Vec<Diagnostic> {
    let mut errs = Vec::new();
    let f = &page.front;
    if f.title.trim().is_empty() {
        errs.push(
            page.front_error("title", "", "`title` is empty")
                .hint("give the page a title"),
        );
    }
    if let Some(slug) = &f.slug {
        if !valid_slug(slug) {
            errs.push(
                page.front_error(
                    "slug",
                    slug,
                    format!("`slug` = {slug:?} is not a valid URL segment"),
                )
                .hint("use letters, digits and - only; no /, .. or spaces"),
            );
        }
        if page.kind != Kind::Page {
            errs.push(
                page.front_error(
                    "slug",
                    slug,
                    "`slug` only applies to pages, not to _index files",
                )
                .hint("remove it; a section's URL is its folder name"),
            );
        }
    }
    for alias in &f.aliases {
        if let Err(why) = crate::site::normalize_alias(alias) {
            errs.push(
                page.front_error("aliases", alias, format!("alias {alias:?} {why}"))
                    .hint("write an alias as a path inside the site, such as \"old-name/\""),
            );
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SourcePage, Vec<Diagnostic>> {
        parse_page(
            text,
            "content/s/a.en.md".into(),
            "s".into(),
            "a".into(),
            "en".into(),
            Kind::Page,
        )
    }

    #[test]
    fn toml_and_yaml_front_matter() {
        let p = parse("+++\ntitle = \"T\"\nweight = 3\n+++\nbody\n").unwrap();
        assert_eq!(p.front.title, "T");
        assert_eq!(p.front.weight, 3);
        assert_eq!(p.body, "body\n");
        assert_eq!(p.body_line, 5);
        let p = parse("---\ntitle: Y\ntags: [a, b]\n---\nbody").unwrap();
        assert_eq!(p.front.tags, vec!["a", "b"]);
    }

    #[test]
    fn bom_and_crlf_work() {
        let p = parse("\u{feff}+++\r\ntitle = \"T\"\r\n+++\r\nline\r\n").unwrap();
        assert_eq!(p.body, "line\n");
    }

    #[test]
    fn unknown_field_names_line_and_column() {
        let e = parse("+++\ntitle = \"T\"\ncolour = \"red\"\n+++\n").unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("colour"), "{}", e[0]);
        assert_eq!((e[0].line, e[0].column), (Some(3), Some(1)));
        let e = parse("---\ntitle: T\ncolour: red\n---\n").unwrap_err();
        assert!(e[0].message.contains("colour"), "{}", e[0]);
        assert_eq!(e[0].line, Some(3));
    }

    #[test]
    fn missing_title_and_bad_date() {
        let e = parse("+++\nweight = 1\n+++\n").unwrap_err();
        assert!(e[0].message.contains("title"), "{}", e[0]);
        let e = parse("+++\ntitle = \"T\"\ndate = \"2024-13-01\"\n+++\n").unwrap_err();
        assert!(e[0].message.contains("2024-13-01"), "{}", e[0]);
        assert_eq!(e[0].line, Some(3));
    }

    #[test]
    fn unterminated_and_missing_front_matter() {
        let e = parse("+++\ntitle = \"T\"\n").unwrap_err();
        assert!(e[0].message.contains("never closed"));
        let e = parse("").unwrap_err();
        assert!(e[0].message.contains("empty"));
        let e = parse("# just markdown").unwrap_err();
        assert!(e[0].message.contains("no front matter"));
    }

    #[test]
    fn bad_slug_and_alias_refused() {
        let e = parse("+++\ntitle = \"T\"\nslug = \"../x\"\naliases = [\"../../etc\"]\n+++\n")
            .unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
    }

    #[test]
    fn ignored_names() {
        for n in [".a.md.swp", "a.md~", "#a.md#", ".hidden", "4913"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("beijing.zh.md"));
    }
}
