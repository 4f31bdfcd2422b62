//! Bad input: every folder under tests/fixtures/invalid/ is a small site with one problem (or
//! one hard but valid input, for the `ok-*` cases). Each is built with the `atlas` binary and
//! checked against the `expect.toml` in its folder:
//!
//! - `exit`: the exit code (default 1). A failed build must not panic, must name a file in
//!   every error and give a hint under it, and must leave no output and no staging folder.
//! - `stderr`: fragments that must all appear in stderr (file:line:column, message, hint);
//!   `stderr_lacks`: fragments that must not (follow-up errors of the real one).
//! - `args`: extra arguments to `atlas build`.
//! - `theme = "overlay"`: the repository's theme is copied in first and the case's `themes/`
//!   on top (the other cases link `themes -> ../../../../themes`); `remove` deletes files after.
//! - `setup`: a step done at run time, for what git cannot hold (symbolic link loops,
//!   unreadable files, large generated files); see [`setup`].
//! - `unchanged`: files that must have the same bytes after the build.
//! - `[[output]]`: for builds that succeed, an output file with text it must contain or lack.
//! - `lacks_in_html`: text that no .html or .xml output file may contain.
//!
//! See docs/robustness.md.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[serde(default = "one")]
    exit: i32,
    #[serde(default)]
    stderr: Vec<String>,
    #[serde(default)]
    stderr_lacks: Vec<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    setup: Option<String>,
    #[serde(default)]
    unchanged: Vec<String>,
    #[serde(default)]
    output: Vec<OutputCheck>,
    #[serde(default)]
    lacks_in_html: Vec<String>,
}

fn one() -> i32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputCheck {
    file: String,
    #[serde(default)]
    contains: Vec<String>,
    #[serde(default)]
    lacks: Vec<String>,
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid")
}

fn repo_themes() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("themes")
}

/// Copies a case into a temporary site, following its `themes` link.
fn prepare(name: &str, expect: &Expect) -> Site {
    let src = cases_dir().join(name);
    let dir = tempfile::tempdir().unwrap();
    if expect.theme.as_deref() == Some("overlay") {
        copy_tree(&repo_themes(), &dir.path().join("themes"));
    }
    for e in walkdir::WalkDir::new(&src).follow_links(true).min_depth(1) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(&src).unwrap();
        if rel == Path::new("expect.toml") {
            continue;
        }
        let to = dir.path().join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    for r in &expect.remove {
        std::fs::remove_file(dir.path().join(r)).unwrap_or_else(|e| panic!("{name}: {r}: {e}"));
    }
    Site { dir }
}

/// What happened to a case: `Err` names what went wrong.
type Outcome = Result<(), String>;

/// The result of a setup step: the site is ready, or the case cannot run here (and why).
enum Ready {
    Yes,
    /// Build as the unprivileged user `nobody` (when we are root).
    AsNobody,
    Skip(String),
}

/// Runs a case's run-time setup step.
fn setup(step: &str, s: &Site) -> Ready {
    let page = |title: &str| format!("+++\ntitle = \"{title}\"\n+++\n");
    match step {
        "symlink-loop" => {
            s.write("content/notes/_index.en.md", &page("Notes"));
            std::os::unix::fs::symlink("..", s.path("content/notes/loop")).unwrap();
        }
        "symlink-outside" => {
            // A file beside the site, not inside it (removed after the build).
            let outside = outside_file(s);
            std::fs::write(&outside, page("Secret")).unwrap();
            s.write("content/notes/_index.en.md", &page("Notes"));
            std::os::unix::fs::symlink(&outside, s.path("content/notes/secret.en.md")).unwrap();
        }
        "unreadable-file" | "unreadable-folder" => {
            s.write("content/notes/_index.en.md", &page("Notes"));
            s.write("content/notes/locked.en.md", &page("Locked"));
            let target = if step == "unreadable-file" {
                "content/notes/locked.en.md"
            } else {
                "content/notes"
            };
            if is_root() {
                // chmod does not stop root from reading: build as `nobody` instead.
                if !have_setpriv() {
                    return Ready::Skip(
                        "running as root, where chmod 000 does not stop reads, and there is \
                         no `setpriv` to run atlas as another user"
                            .into(),
                    );
                }
                open_to_all(s);
                set_mode(&s.path(target), 0o000);
                return Ready::AsNobody;
            }
            set_mode(&s.path(target), 0o000);
        }
        "big-markdown" => {
            // About 10 MB: 20,000 blocks of headings (all with the same text, so ids need
            // numbering), English and Chinese paragraphs, emphasis, lists, quotes, links.
            let block = "## Part\n\nSome English text with *emphasis*, **strong words** and a \
                [link](@/_index.md) to the home page, then more words to fill the line.\n\
                中文段落，包含**强调，**和“引号”。编辑会在中文里\n手动换行。\n\n\
                - item one\n- item two with `code`\n  - nested item\n\n\
                > A quotation of some length, to exercise block quotes.\n\n\
                | a | b |\n|---|---|\n| 1 | 2 |\n\n";
            let n = 10_000_000 / block.len() + 1;
            let mut text = page("Big");
            text.reserve(block.len() * n);
            for _ in 0..n {
                text.push_str(block);
            }
            assert!(text.len() >= 10_000_000);
            s.write("content/notes/big.en.md", &text);
        }
        "deep-quotes" => {
            let text = page("Deep quotes") + &">".repeat(100_000) + " deep\n";
            s.write("content/notes/quotes.en.md", &text);
        }
        "deep-lists" => {
            // Each `- ` opens a list inside the previous item: 100,000 levels on one line,
            // then the same with ordered lists, then with the two alternating.
            let text = page("Deep lists")
                + &"- ".repeat(100_000)
                + "deep\n\n"
                + &"1. ".repeat(100_000)
                + "deep\n\n"
                + &"- 1) ".repeat(50_000)
                + "deep\n";
            s.write("content/notes/lists.en.md", &text);
        }
        "long-line" => {
            let unit = "中文，**强调，**`code` *x* [a](b) <span>你好</span> ";
            let text = page("Long line") + &unit.repeat(1_000_000 / unit.len() + 1) + "\n";
            s.write("content/notes/long.en.md", &text);
        }
        other => panic!("unknown setup step {other:?}"),
    }
    Ready::Yes
}

/// The file beside the site that the `symlink-outside` case links to.
fn outside_file(s: &Site) -> PathBuf {
    s.root().parent().unwrap().join(format!(
        "atlas-outside-{}.en.md",
        s.root().file_name().unwrap().to_string_lossy()
    ))
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Makes every file under the site readable again so the temporary folder can be removed.
fn unlock(s: &Site) {
    for p in ["content/notes", "content/notes/locked.en.md"] {
        let p = s.path(p);
        if std::fs::symlink_metadata(&p).is_ok() {
            set_mode(&p, if p.is_dir() { 0o755 } else { 0o644 });
        }
    }
}

/// Runs `atlas build` in the site, as an unprivileged user when the setup needs one and we
/// are root (chmod does not stop root from reading).
fn build(s: &Site, args: &[String], as_nobody: bool) -> Run {
    let mut a: Vec<&str> = vec!["build"];
    a.extend(args.iter().map(String::as_str));
    if !as_nobody {
        return atlas(&a, s.root());
    }
    // Everything the build must write has to be writable by that user.
    let mut cmd_args = vec![
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        env!("CARGO_BIN_EXE_atlas"),
    ];
    cmd_args.extend(a);
    let out = std::process::Command::new("setpriv")
        .args(&cmd_args)
        .current_dir(s.root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// True if files we create belong to root (then chmod does not stop our reads).
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let f = tempfile::NamedTempFile::new().unwrap();
    f.as_file().metadata().unwrap().uid() == 0
}

fn have_setpriv() -> bool {
    std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Opens a site's folders to other users, for builds run as `nobody`.
fn open_to_all(s: &Site) {
    for e in walkdir::WalkDir::new(s.root()) {
        let e = e.unwrap();
        let mode = if e.file_type().is_dir() { 0o777 } else { 0o644 };
        set_mode(e.path(), mode);
    }
}

/// Every error in stderr names a file (`path[:line[:col]]: error: ...`) and has a hint.
fn check_error_lines(stderr: &str) -> Outcome {
    let lines: Vec<&str> = stderr.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let Some(at) = l.find("error: ") else {
            continue;
        };
        if l.starts_with("Build failed") {
            continue;
        }
        let prefix = &l[..at];
        if !prefix.ends_with(": ") || prefix.len() < 3 {
            return Err(format!("an error that names no file: {l:?}"));
        }
        let hint = lines[i + 1..]
            .iter()
            .take_while(|n| n.starts_with("  ") || n.is_empty())
            .any(|n| n.trim_start().starts_with("hint: "));
        if !hint {
            return Err(format!("an error without a hint: {l:?}"));
        }
    }
    Ok(())
}

fn run_case(name: &str) -> Outcome {
    let dir = cases_dir().join(name);
    let text = std::fs::read_to_string(dir.join("expect.toml"))
        .map_err(|e| format!("expect.toml: {e}"))?;
    let expect: Expect = toml::from_str(&text).map_err(|e| format!("expect.toml: {e}"))?;
    let s = prepare(name, &expect);
    let mut as_nobody = false;
    if let Some(step) = &expect.setup {
        match setup(step, &s) {
            Ready::Yes => {}
            Ready::AsNobody => as_nobody = true,
            Ready::Skip(why) => {
                eprintln!("SKIPPED {name}: {why}");
                return Ok(());
            }
        }
    }
    let before: Vec<(String, Vec<u8>)> = expect
        .unchanged
        .iter()
        .map(|f| (f.clone(), std::fs::read(s.path(f)).unwrap()))
        .collect();
    let start = Instant::now();
    let r = build(&s, &expect.args, as_nobody);
    let took = start.elapsed();
    unlock(&s);
    let _ = std::fs::remove_file(outside_file(&s));
    if expect.setup.as_deref() == Some("big-markdown") {
        // Reported, not asserted: speed is checked by benchmarks, not by tests.
        eprintln!("{name}: build of a 10 MB page took {took:.2?}");
    }
    let fail = |why: String| Err(format!("{why}\n{r:?}"));
    if r.stderr.contains("panicked") || r.code == 101 {
        return fail("atlas panicked".into());
    }
    if r.code != expect.exit {
        return fail(format!("exit code {}, expected {}", r.code, expect.exit));
    }
    for frag in &expect.stderr {
        if !r.stderr.contains(frag.as_str()) {
            return fail(format!("stderr lacks {frag:?}"));
        }
    }
    for frag in &expect.stderr_lacks {
        if r.stderr.contains(frag.as_str()) {
            return fail(format!("stderr contains {frag:?}"));
        }
    }
    if let Err(e) = check_error_lines(&r.stderr) {
        return fail(e);
    }
    for (f, bytes) in &before {
        if std::fs::read(s.path(f)).ok().as_ref() != Some(bytes) {
            return fail(format!("{f} was changed"));
        }
    }
    let leftovers: Vec<String> = std::fs::read_dir(s.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".atlas-tmp-"))
        .collect();
    if !leftovers.is_empty() {
        return fail(format!("staging folders left behind: {leftovers:?}"));
    }
    if expect.exit != 0 {
        if expect.args.is_empty() && s.path("public").exists() {
            return fail("a failed build wrote public/".into());
        }
        if expect.stderr.is_empty() {
            return fail("expect.toml lists no stderr fragments for a failing case".into());
        }
        return Ok(());
    }
    for o in &expect.output {
        let path = s.path("public").join(&o.file);
        let Ok(t) = std::fs::read_to_string(&path) else {
            return fail(format!("no output file {}", o.file));
        };
        for c in &o.contains {
            if !t.contains(c.as_str()) {
                return fail(format!("{} lacks {c:?}", o.file));
            }
        }
        for c in &o.lacks {
            if t.contains(c.as_str()) {
                return fail(format!("{} contains {c:?}", o.file));
            }
        }
    }
    if !expect.lacks_in_html.is_empty() {
        let mut checked = 0;
        for e in walkdir::WalkDir::new(s.path("public")) {
            let e = e.unwrap();
            let p = e.path();
            if !p.extension().is_some_and(|x| x == "html" || x == "xml") {
                continue;
            }
            checked += 1;
            let t = std::fs::read_to_string(p).unwrap();
            for c in &expect.lacks_in_html {
                if t.contains(c.as_str()) {
                    return fail(format!("{} contains {c:?}", p.display()));
                }
            }
        }
        if checked < 5 {
            return fail(format!("only {checked} HTML/XML files in the output"));
        }
    }
    Ok(())
}

fn case_names() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().join("expect.toml").is_file())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

/// Runs every case (in parallel, a few at a time) and reports all failures together.
fn run_all(filter: impl Fn(&str) -> bool) {
    let names: Vec<String> = case_names().into_iter().filter(|n| filter(n)).collect();
    assert!(!names.is_empty());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|sc| {
        for _ in 0..4 {
            sc.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(name) = names.get(i) else { break };
                    if let Err(e) = run_case(name) {
                        failures.lock().unwrap().push(format!("=== {name}: {e}"));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

#[test]
fn broken_sites_fail_with_a_located_message_and_a_hint() {
    run_all(|n| !n.starts_with("ok-"));
}

#[test]
fn hard_but_valid_sites_build() {
    run_all(|n| n.starts_with("ok-"));
}

/// The corpus itself: every case has an expect.toml that parses, and the failing ones say
/// what to find in stderr.
#[test]
fn every_case_is_described() {
    let names = case_names();
    assert!(names.len() >= 40, "only {} cases", names.len());
    for e in std::fs::read_dir(cases_dir()).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            assert!(
                e.path().join("expect.toml").is_file(),
                "{} has no expect.toml",
                e.path().display()
            );
        }
    }
}
