//! Inputs the fuzzers found interesting (crashes once fixed, and small inputs that reach rare
//! paths), fed through the same functions the fuzz targets run. One folder per target:
//! fuzz/regressions/<target>/. See docs/robustness.md.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no saved inputs in {}", dir.display());
    v
}

/// Runs `f` on every saved input of `target`, naming the input that fails.
fn run(target: &str, f: impl Fn(&Path, &[u8])) {
    for p in inputs(target) {
        let data = std::fs::read(&p).unwrap();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&p, &data)));
        if let Err(e) = r {
            std::panic::resume_unwind(Box::new(format!(
                "{} failed: {}",
                p.display(),
                e.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )));
        }
    }
}

#[test]
fn front_matter() {
    run("front_matter", |_, d| harness::front_matter(d));
}

#[test]
fn markdown() {
    run("markdown", |_, d| harness::markdown(d));
}

#[test]
fn cjk_emphasis() {
    run("cjk_emphasis", |_, d| harness::cjk_emphasis(d));
}

#[test]
fn build_site() {
    let site = harness::SiteHarness::new(Path::new(env!("CARGO_MANIFEST_DIR")));
    // Inputs named ok-* are valid pages: they must build, so the harness is known to reach
    // the rendering stage and not only the error paths.
    run("build_site", |p, d| {
        let r = site.build(d);
        let name = p.file_name().unwrap().to_string_lossy();
        if let (Err(e), true) = (r, name.starts_with("ok-")) {
            panic!("a valid page failed to build:\n{e}");
        }
    });
}
