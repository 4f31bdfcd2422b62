//! The builder thread of `atlas serve`: the first build, then one rebuild per batch of watcher
//! events; each result is published to the HTTP side (new bytes, live-reload messages, the
//! error overlay) and summed up on the terminal.
//!
//! Takes the build arguments and the channel of watcher batches; gives the server its
//! outputs through [`Shared`]. It never answers a request and never writes to disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::json;

use super::http::{self, Shared};
use super::incremental::{Incremental, Update};
use super::{MAX_LISTED, url_of, watch};
use crate::build::BuildArgs;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};

/// The builder thread: the first build, then one rebuild per batch of changes.
pub(super) fn builder(
    args: BuildArgs,
    shared: Arc<Shared>,
    rx: mpsc::Receiver<watch::Batch>,
    mut watcher: Option<watch::SiteWatcher>,
    ready: tokio::sync::oneshot::Sender<Vec<(String, String)>>,
) {
    let root = args.root.clone();
    let mut inc = Incremental::new(args);
    let mut warned = Vec::new();
    let languages = rebuild(&mut inc, &shared, &root, &[], true, &mut warned);
    let _ = ready.send(languages.unwrap_or_default());
    while let Ok(mut batch) = rx.recv() {
        // Everything that arrived meanwhile goes into the same rebuild.
        while let Ok(more) = rx.try_recv() {
            batch.rescan |= more.rescan;
            for p in more.paths {
                if !batch.paths.contains(&p) {
                    batch.paths.push(p);
                }
            }
        }
        if let Some(w) = watcher.as_mut() {
            if let Err(e) = w.refresh() {
                eprintln!("warning: cannot watch a new folder: {e}");
            }
        }
        if batch.rescan {
            inc.render_all();
        }
        rebuild(&mut inc, &shared, &root, &batch.paths, false, &mut warned);
    }
}

/// One rebuild: publish the result to the server and the open pages, print a summary.
/// Returns the languages' URLs. Warnings already printed (`warned`) are not repeated.
fn rebuild(
    inc: &mut Incremental,
    shared: &Shared,
    root: &Path,
    touched: &[PathBuf],
    first: bool,
    warned: &mut Vec<Diagnostic>,
) -> Option<Vec<(String, String)>> {
    let start = Instant::now();
    let canon_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !first {
        let names: Vec<String> = touched
            .iter()
            .map(|p| {
                p.strip_prefix(&canon_root)
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect();
        println!("{} {}", stamp(), describe_files(&names));
    }
    // A bug must not stop the server: a panic is reported like a build error, and the next
    // rebuild starts from scratch. The pages are published as soon as they are rendered;
    // search indexes that changed follow (see `Incremental::rebuild_with`).
    let mut languages = None;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut early = |update: &Update, outputs: &HashMap<String, Bytes>| {
            let new: Vec<Diagnostic> = update
                .warnings
                .iter()
                .filter(|w| !warned.contains(w))
                .cloned()
                .collect();
            print_diagnostics(&new);
            *warned = update.warnings.clone();
            let elapsed = start.elapsed();
            publish(shared, update, outputs);
            if first {
                println!(
                    "Built the site in memory: {} files in {} ms.",
                    outputs.len(),
                    elapsed.as_millis()
                );
            } else {
                println!("{} {}", stamp(), summary(update, elapsed));
            }
            println!(
                "{}",
                crate::build::summary::summary_line(&update.counts, update.warnings.len(), elapsed)
            );
            languages = Some(update.languages.clone());
        };
        inc.rebuild_with(touched, &mut early)
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        inc.render_all();
        Err(Diagnostics(vec![
            Diagnostic::error(format!("internal error while building: {what}"))
                .hint("this is a bug in atlas; please report it with the file you just changed"),
        ]))
    });
    match result {
        Ok(late) => {
            if let Some(late) = late.filter(|l| !l.changed.is_empty() || !l.removed.is_empty()) {
                publish(shared, &late, inc.outputs());
                let mut files = late.changed.clone();
                files.extend(late.removed.iter().map(|p| format!("{p} (removed)")));
                let shown = if files.len() > 5 {
                    format!("{} and {} more", files[..5].join(", "), files.len() - 5)
                } else {
                    files.join(", ")
                };
                println!(
                    "{} Then rendered {} search index(es) in {} ms; changed: {shown}.",
                    stamp(),
                    late.rendered,
                    late.render_time.as_millis(),
                );
            }
            languages
        }
        Err(diags) => {
            let shown: Vec<Diagnostic> = diags
                .0
                .iter()
                .filter(|d| d.is_error() || !warned.contains(d))
                .cloned()
                .collect();
            print_diagnostics(&shown);
            let errors: Vec<Diagnostic> = diags.0.into_iter().filter(|d| d.is_error()).collect();
            // The site does not build, but its config may still say where it lives.
            let info = config_info(inc.args());
            let has_site = {
                let mut st = shared.state.write().unwrap_or_else(|e| e.into_inner());
                st.errors = errors.clone();
                if let (Some((base, _)), false) = (&info, st.has_site) {
                    st.base_path = base.clone();
                }
                st.has_site
            };
            shared.send(json!({"type": "errors", "errors": http::errors_json(&errors)}));
            println!(
                "{} Build failed with {} error(s) in {} ms; {}",
                stamp(),
                errors.len(),
                start.elapsed().as_millis(),
                if has_site {
                    "still serving the last good build. Open pages show the errors."
                } else {
                    "pages show the errors until the site builds."
                }
            );
            info.map(|(_, langs)| langs)
        }
    }
}

/// The base path and the languages' home URLs from the config alone.
fn config_info(args: &BuildArgs) -> Option<(String, Vec<(String, String)>)> {
    let mut config = crate::config::Config::load(&args.root).ok()?;
    if let Some(url) = &args.base_url {
        config.set_base_url(url).ok()?;
    }
    let base = config.base_path();
    let langs = config
        .languages
        .iter()
        .map(|l| (l.code.clone(), format!("{base}{}/", l.code)))
        .collect();
    Some((base, langs))
}

fn publish(shared: &Shared, update: &Update, outputs: &HashMap<String, Bytes>) {
    let base = update.base_path.clone();
    let generation = {
        let mut st = shared.state.write().unwrap_or_else(|e| e.into_inner());
        st.errors.clear();
        st.has_site = true;
        let base_changed = st.base_path != base;
        st.base_path = base.clone();
        for p in &update.removed {
            st.files.remove(p);
        }
        for p in &update.changed {
            if let Some(b) = outputs.get(p) {
                st.files.insert(p.clone(), b.clone());
            }
        }
        if !update.changed.is_empty() || !update.removed.is_empty() || base_changed {
            st.generation += 1;
        }
        st.generation
    };
    let urls: Vec<String> = update
        .changed
        .iter()
        .chain(&update.removed)
        .map(|p| url_of(&base, p))
        .collect();
    let all = urls.len() > MAX_LISTED;
    shared.send(json!({
        "type": "build",
        "gen": generation,
        "all": all,
        "changed": if all { Vec::new() } else { urls },
    }));
}

fn stamp() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

fn describe_files(names: &[String]) -> String {
    match names.len() {
        0 => "Checking every file again".into(),
        1 => format!("Changed: {}", names[0]),
        n if n <= 4 => format!("Changed: {}", names.join(", ")),
        n => format!("Changed: {} and {} more", names[..3].join(", "), n - 3),
    }
}

fn summary(u: &Update, elapsed: Duration) -> String {
    let mut s = format!(
        "Rebuilt {} of {} outputs in {} ms (load {} ms, render {} ms)",
        u.rendered,
        u.total_jobs,
        elapsed.as_millis(),
        u.load_time.as_millis(),
        u.render_time.as_millis()
    );
    s.push_str(&format!(
        "; Markdown files read {}, parsed {}, rendered {} of {}",
        u.read, u.parsed, u.markdown_rendered, u.files
    ));
    if u.changed.is_empty() && u.removed.is_empty() {
        s.push_str("; nothing changed.");
        return s;
    }
    let show = |v: &[String]| -> String {
        let mut t = v.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
        if v.len() > 5 {
            t.push_str(&format!(" and {} more", v.len() - 5));
        }
        t
    };
    if !u.changed.is_empty() {
        s.push_str(&format!(
            "; {} changed: {}",
            u.changed.len(),
            show(&u.changed)
        ));
    }
    if !u.removed.is_empty() {
        s.push_str(&format!(
            "; {} removed: {}",
            u.removed.len(),
            show(&u.removed)
        ));
    }
    s.push('.');
    s
}

fn print_diagnostics(diags: &[Diagnostic]) {
    use std::io::IsTerminal;
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in Diagnostics(diags.to_vec()).iter() {
        let text = d.to_string();
        if color {
            let (code, label) = match d.severity {
                Severity::Error => ("\x1b[1;31m", "error:"),
                Severity::Warning => ("\x1b[1;33m", "warning:"),
            };
            eprintln!(
                "{}",
                text.replacen(label, &format!("{code}{label}\x1b[0m"), 1)
            );
        } else {
            eprintln!("{text}");
        }
    }
}
