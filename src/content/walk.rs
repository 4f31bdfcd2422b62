//! Walking `content/`: every Markdown file read (in parallel, through the parse cache when
//! there is one) and parsed, every other file listed as an asset, every unreadable file,
//! link loop or link out of the site reported.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use rayon::prelude::*;

use super::name::name_parts;
use super::parse_cache::{Cached, Parsed, Stamp};
use super::{Asset, Content, Kind, ParseCache, SourcePage, parse_page};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, line_col};

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
    overlay: Option<&super::Overlay>,
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
