//! Where a build's time and memory go, stage by stage, on a site written by
//! `examples/gen-site.rs`. Not a criterion benchmark: one pass, printed as a report.
//!
//! ```sh
//! ATLAS_BENCH_N=10000 cargo bench --bench phases
//! ```
//!
//! - Each stage of `atlas build` on its own, with its wall time and the process's resident
//!   memory after it (`VmRSS`, and the peak `VmHWM`, from /proc/self/status on Linux).
//! - Every output rendered once more on one thread, with the CPU time and bytes per kind of
//!   output (content pages by kind, section lists, compare table, timeline, sitemap...), so
//!   that parallel scheduling does not hide which jobs are expensive, and which single jobs
//!   are long enough to hold up the parallel render at its end.
//! - Live heap bytes (counted by a wrapper around the system allocator) and their peak, per
//!   stage, and the transient heap of the largest job of each kind (its peak above the live
//!   heap before it, one job at a time): what each concurrent job adds during the render.
//! - The bytes the site model holds, by field (Markdown sources, rendered HTML, summaries...).
//!
//! N defaults to 1,000 logical pages; the generated site and the output go to a temporary
//! folder (under /dev/shm when it exists, so writing is not timed against a disk).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use atlas::build::BuildArgs;
use atlas::render::{Job, Renderer};

#[allow(dead_code)]
#[path = "../examples/gen-site.rs"]
mod gen_site;

#[path = "../tests/common/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{live, peak};

#[global_allocator]
static ALLOC: counting_alloc::Counting = counting_alloc::Counting;

/// Resets the heap peak to the live bytes now.
fn reset_heap_peak() {
    counting_alloc::reset_peak();
}

fn status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn mem() -> String {
    let heap = format!(
        "heap {:6.1} MiB (peak {:6.1})",
        live() as f64 / MIB,
        peak() as f64 / MIB
    );
    match (status_kib("VmRSS:"), status_kib("VmHWM:")) {
        (Some(r), Some(h)) => format!(
            "{heap}, RSS {:6.1} MiB (peak {:6.1})",
            r as f64 / 1024.0,
            h as f64 / 1024.0
        ),
        _ => heap,
    }
}

const MIB: f64 = 1024.0 * 1024.0;

/// Runs one stage; prints its wall time, then the live heap, the heap's peak during the
/// stage, the resident memory and its peak since the start.
fn stage<T>(name: &str, f: impl FnOnce() -> T) -> T {
    reset_heap_peak();
    let t = Instant::now();
    let v = f();
    println!(
        "{name:<34} {:>9.3} s   {}",
        t.elapsed().as_secs_f64(),
        mem()
    );
    v
}

fn mib(b: usize) -> String {
    format!("{:8.1} MiB", b as f64 / MIB)
}

fn main() {
    // `cargo bench` passes `--bench`; a name filter that does not match skips the report.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if args.iter().any(|a| !"phases".contains(a.as_str())) {
        return;
    }
    let n: usize = std::env::var("ATLAS_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let tmp = if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")
    } else {
        tempfile::tempdir()
    }
    .expect("temp dir");
    let root = tmp.path().join("site");
    let sum = gen_site::generate(n, &root, &gen_site::Options::default()).expect("generate");
    println!(
        "site: N = {n} logical pages, {} content files, {} untranslated; {} threads\n",
        sum.content_files,
        sum.untranslated,
        rayon::current_num_threads()
    );
    println!(
        "{:<34} {:>11}   memory after the stage (heap peak: during the stage; RSS peak: so far)",
        "stage", "wall"
    );
    println!("{:<34} {:>11}   {}", "(start)", "", mem());

    let args = BuildArgs {
        root: root.clone(),
        ..Default::default()
    };
    let (site, theme) = stage("build::load (up to the Site)", || {
        atlas::build::load_to_render(&args).expect("the generated site builds")
    });
    let renderer = stage("Renderer::new", || Renderer::new(&site, &theme));
    let jobs = atlas::render::jobs(&site);

    // Transient heap of one job: its peak above the live heap before it, one job at a time.
    let mut transient: BTreeMap<String, usize> = BTreeMap::new();
    for job in &jobs {
        let kind = job_kind(&site, job);
        let before = live();
        reset_heap_peak();
        let w = renderer.render(job).expect("renders");
        let peak = peak();
        drop(w);
        let e = transient.entry(kind).or_default();
        *e = (*e).max(peak.saturating_sub(before));
    }

    // One thread, every job: CPU time and bytes by kind.
    let mut by_kind: BTreeMap<String, (usize, Duration, usize, Duration)> = BTreeMap::new();
    let t = Instant::now();
    for job in &jobs {
        let kind = job_kind(&site, job);
        let t0 = Instant::now();
        let w = renderer.render(job).expect("renders");
        let d = t0.elapsed();
        let e = by_kind.entry(kind).or_default();
        e.0 += 1;
        e.1 += d;
        e.2 += w.bytes.len() + w.more.iter().map(|(_, b)| b.len()).sum::<usize>();
        e.3 = e.3.max(d);
    }
    println!(
        "{:<34} {:>9.3} s   {}",
        "render every job on one thread",
        t.elapsed().as_secs_f64(),
        mem()
    );
    let staging_parent = tmp.path().join("out");
    let staging = atlas::output::Staging::new(&staging_parent).expect("staging");
    stage("render_site (parallel, with writes)", || {
        atlas::render::render_site(&site, &theme, &staging).expect("renders")
    });
    stage("Staging::commit", || staging.commit().expect("commit"));
    drop(renderer);
    print_model_bytes(&site);
    stage("drop the model", || drop((site, theme)));

    println!("\njobs on one thread, by kind:");
    println!(
        "{:<26} {:>7} {:>10} {:>7} {:>12} {:>11} {:>14}",
        "kind", "count", "total s", "share", "output", "longest s", "transient"
    );
    let total: Duration = by_kind.values().map(|v| v.1).sum();
    let mut rows: Vec<_> = by_kind.into_iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1.1));
    for (kind, (count, d, bytes, longest)) in rows {
        let tr = transient
            .get(&kind)
            .map(|k| format!("{:8.1} MiB", *k as f64 / MIB))
            .unwrap_or_default();
        println!(
            "{kind:<26} {count:>7} {:>10.3} {:>6.1}% {} {:>11.4} {tr:>14}",
            d.as_secs_f64(),
            100.0 * d.as_secs_f64() / total.as_secs_f64(),
            mib(bytes),
            longest.as_secs_f64()
        );
    }
}

fn print_model_bytes(site: &atlas::site::Site) {
    let body: usize = site.files.iter().map(|f| f.body.len()).sum();
    let front: usize = site.files.iter().map(|f| f.front_text.len()).sum();
    let html: usize = site.rendered.iter().map(|r| r.html.capacity()).sum();
    let html_len: usize = site.rendered.iter().map(|r| r.html.len()).sum();
    let summary: usize = site.rendered.iter().map(|r| r.summary.capacity()).sum();
    let toc: usize = site
        .rendered
        .iter()
        .map(|r| {
            fn size(t: &[atlas::markdown::TocEntry]) -> usize {
                t.iter()
                    .map(|e| {
                        std::mem::size_of::<atlas::markdown::TocEntry>()
                            + e.id.capacity()
                            + e.title.capacity()
                            + size(&e.children)
                    })
                    .sum()
            }
            size(&r.toc) + r.anchors.iter().map(|a| a.capacity() + 32).sum::<usize>()
        })
        .sum();
    let pages: usize = site
        .pages
        .iter()
        .map(|p| {
            std::mem::size_of::<atlas::site::Page>()
                + p.key.capacity()
                + p.lang.capacity()
                + p.path.capacity()
                + p.backlinks.capacity() * 8
                + p.sources.iter().map(|s| s.capacity() + 24).sum::<usize>()
        })
        .sum();
    println!("\nbytes held by the site model (strings by capacity; containers roughly):");
    println!("  Markdown bodies (SourcePage.body)       {}", mib(body));
    println!("  front matter text (SourcePage.front_text) {}", mib(front));
    println!(
        "  rendered HTML (Rendered.html)           {} (of which unused capacity {})",
        mib(html),
        mib(html - html_len)
    );
    println!("  summaries (Rendered.summary)            {}", mib(summary));
    println!("  tables of contents and anchors          {}", mib(toc));
    println!("  output pages (Page)                     {}", mib(pages));
}

fn job_kind(site: &atlas::site::Site, job: &Job) -> String {
    use atlas::content::Kind;
    match job {
        Job::Page(i) => {
            let f = site.file(*i);
            let fb = if site.pages[*i].fallback {
                " (fallback)"
            } else {
                ""
            };
            match f.kind {
                Kind::Home => format!("home{fb}"),
                Kind::Section => format!("section list {}{fb}", f.section),
                Kind::Page => format!("page {}{fb}", f.section),
            }
        }
        other => {
            let s = format!("{other:?}");
            s.split(['(', ' ']).next().unwrap_or(&s).to_string()
        }
    }
}
