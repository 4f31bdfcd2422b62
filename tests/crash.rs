//! Nothing lost: a build killed at any moment (SIGKILL while loading, rendering, swapping or
//! removing the previous output) leaves public/ as either the previous complete site or the
//! new complete site, and the next build succeeds and cleans up what the killed one left.
//!
//! The site is generated here (3,000 pages in a simple loop) so that a build lasts long
//! enough to be killed in each of its stages.

mod common;

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const PAGES: usize = 3000;

/// Writes the site's content for one version: every page's text names the version, so
/// every page differs between versions.
fn write_content(root: &Path, version: usize) {
    let w = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w(
        "content/_index.en.md",
        &format!(
            "+++\ntitle = \"Home, version {version}\"\n+++\nThe notes: [all](@/notes/_index.md).\n"
        ),
    );
    w(
        "content/notes/_index.en.md",
        &format!("+++\ntitle = \"Notes v{version}\"\n+++\n"),
    );
    for i in 0..PAGES {
        let next = (i + 1) % PAGES;
        w(
            &format!("content/notes/p{i:04}.en.md"),
            &format!(
                "+++\ntitle = \"Note {i} (version {version})\"\nweight = {i}\ntags = [\"t{}\"]\n+++\n\
                 ## Summary\n\nNote {i} of version {version}, with a link to [the next one](@/notes/p{next:04}.md#summary).\n\n\
                 ## Body\n\n{}\n",
                i % 20,
                "Some text to render, *with emphasis* and `code`. ".repeat(20)
            ),
        );
    }
}

fn new_site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes"),
        &root.join("themes"),
    );
    std::fs::write(
        root.join("atlas.toml"),
        "base_url = \"https://example.org/\"\ntheme = \"atlas\"\ndefault_language = \"en\"\n\n\
         [[languages]]\ncode = \"en\"\ntag = \"en\"\nname = \"English\"\ntitle = \"Crash test\"\ndescription = \"d\"\n",
    )
    .unwrap();
    Site { dir }
}

type Manifest = BTreeMap<String, u64>;

/// Every file under `dir` with a hash of its bytes.
fn manifest(dir: &Path) -> Manifest {
    let mut m = Manifest::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            std::fs::read(e.path()).unwrap().hash(&mut h);
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .to_string();
            m.insert(rel, h.finish());
        }
    }
    m
}

fn spawn_build(root: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_atlas"))
        .arg("build")
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".public.atlas-tmp-"))
        .collect()
}

fn inode(p: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| m.ino())
}

/// When to kill a build.
#[derive(Debug, Clone, Copy)]
enum When {
    /// This long after it started.
    After(Duration),
    /// As soon as public/ is a different folder: the swap has happened and the previous
    /// output is being removed.
    AtSwap,
}

/// Starts a build and kills it with SIGKILL at `when`. Returns false if it finished first.
fn kill_build(root: &Path, when: When) -> bool {
    let public = root.join("public");
    let before = inode(&public);
    let mut child = spawn_build(root);
    let start = Instant::now();
    match when {
        When::After(d) => {
            while start.elapsed() < d {
                if child.try_wait().unwrap().is_some() {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        When::AtSwap => loop {
            if inode(&public) != before {
                break;
            }
            if child.try_wait().unwrap().is_some() {
                return false;
            }
            std::hint::spin_loop();
        },
    }
    let killed = child.try_wait().unwrap().is_none();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    killed
}

#[test]
fn a_killed_build_leaves_the_previous_or_the_new_site_and_the_next_build_succeeds() {
    let s = new_site();
    let root = s.root();
    write_content(root, 0);
    let start = Instant::now();
    let r = s.build(&[]);
    let full = start.elapsed();
    assert!(r.ok(), "{r:?}");
    let mut current = manifest(&root.join("public"));
    assert!(
        current.len() > PAGES,
        "only {} files in the output",
        current.len()
    );
    eprintln!("a full build of {PAGES} pages took {full:.2?}");

    let ms = Duration::from_millis;
    let mut moments: Vec<When> = [5, 20, 50, 100, 200]
        .into_iter()
        .map(|m| When::After(ms(m)))
        .collect();
    // Later in the build, as measured: rendering and the swap.
    moments.extend([0.6, 0.95].map(|f| When::After(full.mul_f64(f))));
    moments.push(When::AtSwap);

    let mut swapped_seen = false;
    for (round, when) in moments.into_iter().enumerate() {
        let version = round + 1;
        write_content(root, version);
        let killed = kill_build(root, when);
        // public/ is exactly the previous site or exactly the new one.
        let after_kill = manifest(&root.join("public"));
        let stale = leftovers(root);
        let r = s.build(&[]);
        assert!(
            r.ok(),
            "round {round} ({when:?}): the build after the kill failed: {r:?}"
        );
        let new = manifest(&root.join("public"));
        let state = if after_kill == current {
            "previous"
        } else if after_kill == new {
            swapped_seen = true;
            "new"
        } else {
            let missing = current
                .keys()
                .filter(|k| !after_kill.contains_key(*k))
                .count();
            panic!(
                "round {round} ({when:?}): after the kill public/ is neither the previous nor \
                 the new site ({} files; {missing} of the previous site's are missing)",
                after_kill.len()
            );
        };
        eprintln!(
            "round {round}: killed {when:?} (killed: {killed}); public/ was the {state} site; \
             {} staging folder(s) left, removed by the next build",
            stale.len()
        );
        // The next build cleaned up after the killed one.
        assert_eq!(leftovers(root), Vec::<String>::new(), "round {round}");
        assert_ne!(new, current, "round {round}: the versions should differ");
        current = new;
    }
    // The kill at the swap must have caught the new site in place.
    assert!(swapped_seen, "no kill happened after the swap");
}
