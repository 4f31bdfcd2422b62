//! Where every output file goes: the names atlas keeps for its own output (reserved
//! sections, generated files, the output marker), the redirects of page aliases, and the
//! check that every output path has one owner.
//!
//! Takes the pages and assets of the model; gives [`Site::aliases`] and errors. Writes
//! nothing (the render and the output stage write).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Site;
use crate::content::normalize_alias;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Name of the file atlas leaves in its output to recognise it later.
pub const MARKER: &str = ".atlas-output";

/// Output paths atlas generates itself; a content section may not use them.
pub const RESERVED_SECTIONS: &[&str] = &[
    "compare",
    "timeline",
    "sources",
    "tags",
    "indications",
    "cell-sources",
    "status",
    "search",
];

/// Files atlas writes at the root of the output (besides pages, `<lang>/atom.xml`, theme
/// static files and the folders in [`RESERVED_SECTIONS`]).
pub const GENERATED_FILES: &[&str] = &[
    "index.html",
    "404.html",
    "sitemap.xml",
    "robots.txt",
    MARKER,
];

/// The longest file or folder name most file systems allow (ext4, XFS, Btrfs, APFS, NTFS
/// in UTF-16 units): 255 bytes. A Chinese character takes 3 bytes in UTF-8.
pub(super) const MAX_NAME_BYTES: usize = 255;

/// `text` cut to 60 characters for a message (an over-long name is not printed whole).
pub(super) fn short(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

impl Site {
    pub(super) fn make_aliases(&mut self, diags: &mut Diagnostics) {
        let mut aliases = Vec::new();
        for i in 0..self.pages.len() {
            if self.pages[i].fallback {
                continue;
            }
            // Invalid aliases were reported while parsing.
            aliases.extend(
                self.file(i)
                    .front
                    .aliases
                    .iter()
                    .filter_map(|a| normalize_alias(a).ok())
                    .map(|p| (p, i)),
            );
        }
        self.aliases = aliases;
        let _ = diags;
    }

    /// Every output file has one owner, and no file sits where another output needs a folder.
    /// Paths are compared as files (`en/a/` is `en/a/index.html`), so an alias written as
    /// `en/a/index.html` collides with the page `en/a/`; aliases and files under content/
    /// may not take the place of a page atlas generates (keep [`GENERATED_FILES`] and
    /// [`RESERVED_SECTIONS`] in line with `render::jobs`).
    pub(super) fn check_output_paths(&self, diags: &mut Diagnostics) {
        self.check_name_lengths(diags);
        #[derive(Clone)]
        enum Owner {
            File(PathBuf),
            Generated,
        }
        let as_file = |p: &str| {
            if p.is_empty() || p.ends_with('/') {
                format!("{p}index.html")
            } else {
                p.to_string()
            }
        };
        let mut seen: HashMap<String, Owner> = HashMap::new();
        for f in GENERATED_FILES {
            seen.insert(f.to_string(), Owner::Generated);
        }
        for l in self.config.language_codes() {
            seen.insert(format!("{l}/atom.xml"), Owner::Generated);
        }
        let generated_dir = |p: &str| {
            let mut parts = p.split('/');
            let (Some(lang), Some(dir), Some(_)) = (parts.next(), parts.next(), parts.next())
            else {
                return false;
            };
            self.config.language(lang).is_some() && RESERVED_SECTIONS.contains(&dir)
        };
        let mut claim = |path: String, file: &Path, what: &str, diags: &mut Diagnostics| {
            let url = format!("/{path}");
            let clash = match seen.get(&path) {
                Some(Owner::File(other)) if other == file => return,
                Some(Owner::File(other)) => Some(format!(
                    "two files produce the same URL {url}: this {what} and {}",
                    other.display()
                )),
                Some(Owner::Generated) => Some(format!(
                    "this {what} would replace {url}, which atlas generates"
                )),
                None if generated_dir(&path) => Some(format!(
                    "this {what} would write {url}, inside a folder of pages atlas generates"
                )),
                None => None,
            };
            match clash {
                Some(msg) => diags.push(
                    Diagnostic::error(msg)
                        .in_file(file)
                        .hint(format!("change the {what}'s path (its slug, alias or file name) so that it does not collide")),
                ),
                None => {
                    seen.insert(path, Owner::File(file.to_path_buf()));
                }
            }
        };
        for i in 0..self.pages.len() {
            if self.pages[i].fallback {
                continue;
            }
            claim(
                as_file(&self.pages[i].path),
                &self.file(i).file,
                "page",
                diags,
            );
        }
        for (a, i) in &self.aliases {
            claim(as_file(a), &self.file(*i).file, "alias", diags);
        }
        for a in &self.assets {
            claim(
                a.rel.clone(),
                &PathBuf::from("content").join(&a.rel),
                "file",
                diags,
            );
        }
        // A file where another output needs a folder (`sitemap.xml` and `sitemap.xml/index.html`).
        let mut clashes: Vec<(PathBuf, String, String)> = Vec::new();
        for (path, owner) in &seen {
            let Owner::File(file) = owner else { continue };
            let mut dir = String::new();
            for seg in path
                .split('/')
                .collect::<Vec<_>>()
                .split_last()
                .map_or(&[][..], |(_, d)| d)
            {
                if !dir.is_empty() {
                    dir.push('/');
                }
                dir.push_str(seg);
                if let Some(other) = seen.get(&dir) {
                    let other = match other {
                        Owner::File(f) => f.display().to_string(),
                        Owner::Generated => "atlas's own output".to_string(),
                    };
                    clashes.push((
                        file.clone(),
                        path.clone(),
                        format!("/{dir} is a file of {other}"),
                    ));
                }
            }
        }
        clashes.sort();
        for (file, path, why) in clashes {
            diags.push(
                Diagnostic::error(format!("cannot write /{path}: {why}"))
                    .in_file(file)
                    .hint("change the slug, alias or file name so that no path runs through another file"),
            );
        }
    }

    /// No folder or file name of a page's or an alias's output path is longer than a file
    /// system allows ([`MAX_NAME_BYTES`]): the error names the `slug` or alias line (a name
    /// made from the file's own name fits, as that name is on disk already).
    fn check_name_lengths(&self, diags: &mut Diagnostics) {
        let too_long = |path: &str| {
            path.split('/')
                .find(|seg| seg.len() > MAX_NAME_BYTES)
                .map(str::to_string)
        };
        let error = |i: usize, what: &str, key: &str, seg: &str| {
            let f = self.file(i);
            let pos = crate::diagnostics::locate(&f.front_text, key, "")
                .map(|(l, c)| (l + f.front_line - 1, c));
            Diagnostic::error(format!(
                "the {what} has a path segment of {} bytes (\"{}\"), longer than the {MAX_NAME_BYTES} bytes a file or folder name may have",
                seg.len(),
                short(seg)
            ))
            .in_file(&f.file)
            .at_pos(pos)
            .hint(format!("shorten the {what} (a Chinese character takes 3 bytes)"))
        };
        for (i, p) in self.pages.iter().enumerate() {
            if p.fallback {
                continue;
            }
            if let Some(seg) = too_long(&p.path) {
                diags.push(error(i, "page's slug", "slug", &seg));
            }
        }
        for (a, i) in &self.aliases {
            if let Some(seg) = too_long(a) {
                diags.push(error(*i, "alias", "aliases", &seg));
            }
        }
    }
}
