//! `atlas lsp`'s work for one keystroke: the whole site checked again with the edited buffer
//! and the changed diagnostics made into the notifications the server sends (JSON), what the
//! server does once the debounce delay has passed, measured over a series of edits, with the
//! process's resident memory along the way. Not a criterion benchmark: one pass,
//! printed as a report.
//!
//! ```sh
//! cargo bench --bench lsp                               # the atlas's own site, 1,000 edits
//! ATLAS_LSP_SITE=/tmp/g2000 ATLAS_LSP_EDITS=300 cargo bench --bench lsp
//! ```
//!
//! The site is only read. The edited page is the first region page in the default language;
//! each edit appends or removes a sentence with a citation at its end, as typing would. With
//! `ATLAS_LSP_EDIT=title` each edit changes the page's title instead (in the front matter),
//! which every list showing the page shows: the costliest kind of keystroke.

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The allocator of the `atlas` binary (src/main.rs), so that the figures are those of
/// `atlas lsp` (glibc's malloc took about a quarter of this benchmark's time).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use atlas::lsp::diagnostics::Published;
use atlas::lsp::position::Encoding;
use atlas::lsp::state::Workspace;

/// What the server does with a check's findings: the notifications of the files whose
/// diagnostics changed, serialized. Gives (files sent, bytes of JSON).
fn check_and_send(
    ws: &Workspace,
    by_file: std::collections::BTreeMap<PathBuf, Vec<atlas::check::Finding>>,
    published: &mut Published,
) -> (usize, usize) {
    let notes = ws.notifications(by_file, published, Encoding::Utf16);
    let bytes = notes
        .iter()
        .map(|n| serde_json::to_vec(n).map_or(0, |v| v.len()))
        .sum();
    (notes.len(), bytes)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let site = std::env::var_os("ATLAS_LSP_SITE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let edits: usize = std::env::var("ATLAS_LSP_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut ws = Workspace::new(&site);
    let mut published = Published::default();
    let t = Instant::now();
    let by_file = ws.check();
    let first_sent = check_and_send(&ws, by_file, &mut published);
    let first = t.elapsed();
    let page = ws
        .snapshot()
        .pages
        .iter()
        .filter(|p| p.section == "regions" && p.kind == atlas::content::Kind::Page)
        .min_by_key(|p| p.file.clone())
        .expect("a region page")
        .file
        .clone();
    let path = ws.root().join(&page);
    let orig = std::fs::read_to_string(&path).expect("readable page");
    let pages = ws.snapshot().pages.len();
    let sources: Vec<String> = ws
        .snapshot()
        .data
        .sources
        .iter()
        .map(|s| s.id.clone())
        .collect();
    println!(
        "site {} ({pages} content files), editing {}",
        site.display(),
        page.display()
    );
    println!(
        "first check (everything parsed and rendered; {} files' diagnostics sent, {} KiB of JSON): {:.1} ms, RSS {} MiB",
        first_sent.0,
        first_sent.1 / 1024,
        ms(first),
        rss_kib() / 1024
    );
    let title_edits = std::env::var("ATLAS_LSP_EDIT").is_ok_and(|v| v == "title");
    if title_edits && !orig.contains("\ntitle = \"") {
        panic!("{} has no `title = \"` line to edit", page.display());
    }
    println!(
        "each edit: {}",
        if title_edits {
            "a word added to or removed from the title"
        } else {
            "a sentence with a citation added to or removed from the body"
        }
    );
    let mut times = Vec::with_capacity(edits);
    let mut rss = Vec::new();
    let mut findings = 0;
    let mut sent = 0;
    for i in 0..edits {
        let text = if i % 2 == 1 {
            orig.clone()
        } else if title_edits {
            orig.replacen("\ntitle = \"", &format!("\ntitle = \"Edit {i} "), 1)
        } else {
            let id = &sources[i % sources.len().max(1)];
            format!("{orig}\nEdit {i} says something [@{id}].\n")
        };
        ws.set_text(path.clone(), text);
        let t = Instant::now();
        let by_file = ws.check();
        findings = by_file.values().map(Vec::len).sum::<usize>();
        let (files, _) = check_and_send(&ws, by_file, &mut published);
        times.push(t.elapsed());
        sent += files;
        if i == 0 || (i + 1) % (edits / 4).max(1) == 0 {
            rss.push((i + 1, rss_kib()));
        }
    }
    times.sort();
    let pct = |p: f64| ms(times[((times.len() as f64 - 1.0) * p) as usize]);
    println!(
        "{edits} edits: median {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({findings} finding(s) after the last; {:.1} files' diagnostics sent per edit)",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        ms(*times.last().unwrap_or(&Duration::ZERO)),
        sent as f64 / edits.max(1) as f64
    );
    for (n, kib) in rss {
        println!("RSS after {n:>5} edits: {:.1} MiB", kib as f64 / 1024.0);
    }
}
