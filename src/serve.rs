//! `atlas serve`: builds the site into memory, serves it over HTTP, watches the files and
//! rebuilds what changed, and reloads open pages.
//!
//! - `builder`: the builder thread (first build, rebuilds, what is printed).
//! - [`incremental`]: the in-memory output and incremental rebuilds.
//! - [`http`]: axum routes, content types, the 404 page, live-reload events, the injected
//!   script and the error overlay.
//! - [`host`]: which `Host` names are answered (against DNS rebinding).
//! - [`listen`]: accepting connections: the connection cap, the header-read timeout.
//! - [`watch`]: notify, debounced.
//!
//! The served bytes are the bytes `atlas build` writes, plus one inline script in HTML pages.
//! Nothing is written to disk: the user's `public/` is never touched.

mod builder;
pub mod host;
pub mod http;
pub mod incremental;
pub mod listen;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use crate::build::BuildArgs;
use http::{Msg, Shared};

/// Default port.
pub const DEFAULT_PORT: u16 = 1111;

/// How long open connections get to finish after Ctrl-C.
const STOP_WAIT: Duration = Duration::from_millis(100);
/// How many ports after the asked one are tried when it is taken.
const PORT_TRIES: u16 = 50;
/// More changed files than this reload every open page.
const MAX_LISTED: usize = 1000;

/// What `atlas serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeArgs {
    /// The site root.
    pub root: PathBuf,
    /// Port to listen on (the next free one if taken; 0: any free port).
    pub port: u16,
    /// Address to listen on.
    pub bind: IpAddr,
    /// Open the site in the default browser.
    pub open: bool,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Further `Host` names to answer (each as [`host::parse_allowed_host`] gives it).
    pub allowed_hosts: Vec<String>,
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            root: PathBuf::from("."),
            port: DEFAULT_PORT,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            open: false,
            base_url: None,
            drafts: false,
            allowed_hosts: Vec::new(),
        }
    }
}

/// Runs the server until Ctrl-C (or SIGTERM).
pub fn run(args: ServeArgs) -> ExitCode {
    if !args.root.is_dir() {
        eprintln!(
            "error: the site root {} is not a folder\n  hint: pass --root with the folder that holds atlas.toml",
            args.root.display()
        );
        return ExitCode::FAILURE;
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the server runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = rt.block_on(serve(args));
    // The builder thread may be in the middle of a build; it is not waited for. Nor are tasks
    // left on the runtime for more than a moment: Ctrl-C stops within 200 ms.
    rt.shutdown_timeout(Duration::from_millis(50));
    code
}

async fn bind(addr: IpAddr, port: u16) -> std::io::Result<tokio::net::TcpListener> {
    let first = tokio::net::TcpListener::bind(SocketAddr::new(addr, port)).await;
    match first {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => {
            for p in port.saturating_add(1)..=port.saturating_add(PORT_TRIES) {
                if let Ok(l) = tokio::net::TcpListener::bind(SocketAddr::new(addr, p)).await {
                    println!("Port {port} is in use; using port {p} instead.");
                    return Ok(l);
                }
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}

fn origin(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "localhost".to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
        ip => ip.to_string(),
    };
    format!("http://{host}:{}", addr.port())
}

async fn serve(args: ServeArgs) -> ExitCode {
    let listener = match bind(args.bind, args.port).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {}:{}: {e}\n  hint: choose another --port or --bind",
                args.bind, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: cannot read the listening address: {e}");
            return ExitCode::FAILURE;
        }
    };
    let shared = Arc::new(Shared::new("/".into()));
    let build_args = BuildArgs {
        root: args.root.clone(),
        output_dir: None,
        base_url: args.base_url.clone(),
        drafts: args.drafts,
    };

    // Watch first, so that nothing saved during the first build is missed.
    let (tx, rx) = mpsc::channel();
    let watcher = match watch::SiteWatcher::start(&args.root, tx) {
        Ok(w) => Some(w),
        Err(e) => {
            eprintln!("warning: cannot watch the site's files ({e}); pages will not update");
            None
        }
    };
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let builder_shared = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("atlas-serve-builder".into())
        .spawn(move || builder::builder(build_args, builder_shared, rx, watcher, ready_tx));
    if let Err(e) = spawned {
        eprintln!("error: cannot start the builder thread: {e}");
        return ExitCode::FAILURE;
    }
    let languages = ready_rx.await.unwrap_or_default();
    // From here on Ctrl-C stops the server cleanly (during the first build it just ends it).
    let stop = shutdown_signal();

    let origin = origin(addr);
    let base = shared
        .state
        .read()
        .map(|s| s.base_path.clone())
        .unwrap_or_else(|e| e.into_inner().base_path.clone());
    println!("Serving {} at {origin}{base}", args.root.display());
    for (code, path) in &languages {
        println!("  {code}: {origin}{path}");
    }
    println!("Watching content/, themes/, data/ and atlas.toml. Press Ctrl-C to stop.");
    let hosts = Arc::new(host::HostPolicy::new(addr.ip(), &args.allowed_hosts));
    if let Some(w) = exposure_warning(addr, &hosts) {
        eprintln!("{w}");
    }
    let capacity = listen::capacity();
    if let Some(w) = capacity.warning() {
        eprintln!("{w}");
    }
    if args.open {
        let url = languages
            .first()
            .map(|(_, p)| format!("{origin}{p}"))
            .unwrap_or_else(|| format!("{origin}{base}"));
        if let Err(e) = open::that_detached(&url) {
            eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
        }
    }

    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let app = http::router(shared.clone(), hosts);
    let server = tokio::spawn(listen::serve(
        listener,
        app,
        capacity.connections,
        async move {
            let _ = stop_rx.wait_for(|s| *s).await;
        },
    ));
    stop.await;
    println!("\nStopping.");
    let _ = shared.tx.send(Msg::Shutdown);
    let _ = stop_tx.send(true);
    // Open connections get a moment to finish (a page being sent from memory); those left (a
    // client that has not finished sending its request) are dropped with the runtime, so that
    // Ctrl-C stops within 200 ms.
    match tokio::time::timeout(STOP_WAIT, server).await {
        Ok(Err(e)) => {
            eprintln!("error: the server stopped: {e}");
            ExitCode::FAILURE
        }
        Ok(Ok(())) | Err(_) => ExitCode::SUCCESS,
    }
}

/// Who can reach a server bound to a non-loopback address, for the terminal.
fn exposure_warning(addr: SocketAddr, hosts: &host::HostPolicy) -> Option<String> {
    if addr.ip().is_loopback() {
        return None;
    }
    let check = if hosts.checks() {
        "it answers only the --allowed-host names, localhost and IP addresses"
    } else {
        "it answers any Host name (give --allowed-host NAME to answer only NAME, localhost and \
         IP addresses)"
    };
    Some(format!(
        "warning: atlas serve is listening on {addr}: anyone who can reach this machine on port \
         {port} can read the preview and its live-reload stream; {check}. Use --bind 127.0.0.1 \
         (the default) to keep it to this machine.",
        port = addr.port()
    ))
}

/// Registers for Ctrl-C and SIGTERM at once, so that a signal sent as soon as the server
/// says it is serving is not missed, and gives the future that completes on either.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let int = signal(SignalKind::interrupt()).ok();
        let term = signal(SignalKind::terminate()).ok();
        async move {
            match (int, term) {
                (Some(mut int), Some(mut term)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                (Some(mut int), None) => {
                    int.recv().await;
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// The URL of an output file: `zh/regions/index.html` → `/atlas/zh/regions/`.
pub fn url_of(base: &str, path: &str) -> String {
    let p = if path == "index.html" {
        ""
    } else {
        path.strip_suffix("/index.html")
            .map(|d| &path[..d.len() + 1])
            .unwrap_or(path)
    };
    format!("{base}{p}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_outputs() {
        assert_eq!(url_of("/", "index.html"), "/");
        assert_eq!(
            url_of("/atlas/", "zh/regions/index.html"),
            "/atlas/zh/regions/"
        );
        assert_eq!(url_of("/atlas/", "style.css"), "/atlas/style.css");
        assert_eq!(url_of("/", "404.html"), "/404.html");
        assert_eq!(url_of("/", "zh/compare/table.csv"), "/zh/compare/table.csv");
    }
}
