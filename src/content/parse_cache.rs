//! The parse cache of `atlas serve`: each Markdown file's last parse, kept while the file is
//! unchanged (see [`ParseCache`]). The walk in `walk.rs` reads and fills it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Kind, SourcePage};
use crate::diagnostics::Diagnostic;

/// Parsed Markdown files kept across rebuilds by `atlas serve` (owned by its builder and
/// passed to [`super::load_cached`]). A file whose name parts (path, section, stem, language, kind)
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
    pub(super) files: Mutex<HashMap<PathBuf, Parsed>>,
    /// Unsaved editor buffers read instead of the files (see [`ParseCache::set_overlay`]).
    pub(super) overlay: Mutex<std::sync::Arc<Overlay>>,
    pub(super) reused: AtomicUsize,
    pub(super) parsed: AtomicUsize,
    pub(super) read: AtomicUsize,
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
pub(super) struct Stamp {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
    device: u64,
}

impl Stamp {
    /// The stamp of `path` now, and whether it may be trusted next time (its change time is
    /// old enough). None when the metadata cannot be read or the platform has no change time.
    pub(super) fn of(path: &Path) -> Option<(Stamp, bool)> {
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
pub(super) struct Parsed {
    pub(super) hash: u128,
    /// Set when the file's metadata, as it was when it was read, may be trusted.
    pub(super) stamp: Option<Stamp>,
    /// (file, section, stem, language, kind).
    pub(super) name: (PathBuf, String, String, String, Kind),
    pub(super) result: Result<SourcePage, Vec<Diagnostic>>,
}

/// What reading one file did with the cache.
pub(super) enum Cached {
    /// Nothing to keep (the file could not be read, or its name is wrong).
    No,
    /// The last parse was reused; the file's stamp is now this; the file was read (or not).
    Reused(Option<Stamp>, bool),
    /// A new parse to keep.
    New(Box<Parsed>),
}
