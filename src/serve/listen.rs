//! The connections of `atlas serve`: accepts them, caps how many are open, and hands each to
//! hyper's HTTP/1 server with a header-read timeout.
//!
//! Takes a bound listener, the axum router and a stop signal; gives a running accept loop
//! ([`serve`]) and the connection cap the process's open-file limit allows ([`capacity`],
//! which raises the soft limit when it can). It must not parse HTTP itself (hyper does), and
//! an accept error must neither end the loop nor make it spin.
//!
//! - A connection that has not sent a complete request head within [`HEADER_TIMEOUT`] (also
//!   an idle keep-alive connection between two requests) is closed by hyper.
//! - At most [`Capacity::connections`] connections are open at once; beyond that the server
//!   stops accepting and new connections wait in the kernel's listen queue until one closes.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How long a connection may take to send a complete request head.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// The most connections open at once, when the open-file limit allows it.
pub const MAX_CONNECTIONS: usize = 4096;
/// Open files kept for everything but connections (the watcher, the files a rebuild reads,
/// standard streams, the runtime).
pub const RESERVED_FILES: u64 = 64;
/// The fewest connections the cap goes down to, however low the limit.
const MIN_CONNECTIONS: usize = 8;
/// How long the loop waits after an accept error that is not the client's (no free file
/// descriptor, no memory) before it tries again.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);
/// At most one warning about accept errors in this time.
const WARN_EVERY: Duration = Duration::from_secs(10);
/// How long open connections get to finish when the server stops.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// How many connections the process can hold, from its open-file limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capacity {
    /// The connection cap.
    pub connections: usize,
    /// The soft open-file limit in force (`None`: unlimited or unknown).
    pub open_files: Option<u64>,
    /// The soft limit before this process raised it, if it did.
    pub raised_from: Option<u64>,
}

impl Capacity {
    /// The cap for a soft open-file limit.
    pub fn for_limit(open_files: Option<u64>) -> Capacity {
        let connections = match open_files {
            Some(n) => usize::try_from(n.saturating_sub(RESERVED_FILES))
                .unwrap_or(MAX_CONNECTIONS)
                .clamp(MIN_CONNECTIONS, MAX_CONNECTIONS),
            None => MAX_CONNECTIONS,
        };
        Capacity {
            connections,
            open_files,
            raised_from: None,
        }
    }

    /// A warning for the terminal when the limit holds the cap below [`MAX_CONNECTIONS`].
    pub fn warning(&self) -> Option<String> {
        let limit = self.open_files?;
        (self.connections < MAX_CONNECTIONS).then(|| {
            format!(
                "warning: the open-file limit (ulimit -n) is {limit}, so atlas serve keeps at most \
                 {} connections open at once (others wait); run `ulimit -n {}` before atlas serve \
                 to allow {MAX_CONNECTIONS}",
                self.connections,
                MAX_CONNECTIONS as u64 + RESERVED_FILES
            )
        })
    }
}

/// Raises the soft open-file limit up to what [`MAX_CONNECTIONS`] needs (never above the
/// hard limit) and returns the resulting cap.
pub fn capacity() -> Capacity {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        let want = MAX_CONNECTIONS as u64 + RESERVED_FILES;
        let limit = getrlimit(Resource::Nofile);
        let Some(soft) = limit.current else {
            return Capacity::for_limit(None);
        };
        if soft >= want {
            return Capacity::for_limit(Some(soft));
        }
        let target = limit.maximum.map_or(want, |hard| hard.min(want));
        if target > soft {
            let raised = Rlimit {
                current: Some(target),
                maximum: limit.maximum,
            };
            if setrlimit(Resource::Nofile, raised).is_ok() {
                return Capacity {
                    raised_from: Some(soft),
                    ..Capacity::for_limit(Some(target))
                };
            }
        }
        Capacity::for_limit(Some(soft))
    }
    #[cfg(not(unix))]
    {
        Capacity::for_limit(None)
    }
}

/// What to do after an accept error: `None` to try again at once (the error was one
/// connection's: reset or aborted before it was accepted), or how long to wait first (the
/// process is out of file descriptors or memory: trying again at once would spin).
pub fn accept_pause(e: &io::Error) -> Option<Duration> {
    match e.kind() {
        io::ErrorKind::ConnectionAborted
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionRefused
        | io::ErrorKind::Interrupted
        | io::ErrorKind::WouldBlock => None,
        _ => Some(ACCEPT_PAUSE),
    }
}

/// Serves `app` on `listener` until `stop` completes, then gives open connections
/// [`STOP_GRACE`] to finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    connections: usize,
    stop: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(connections));
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let mut warned: Option<Instant> = None;
    tokio::pin!(stop);
    loop {
        // At the cap, nothing is accepted: new connections wait in the listen queue.
        let permit = tokio::select! {
            _ = &mut stop => break,
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let accepted = tokio::select! {
            _ = &mut stop => break,
            a = listener.accept() => a,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                if let Some(pause) = accept_pause(&e) {
                    if warned.is_none_or(|t| t.elapsed() >= WARN_EVERY) {
                        warned = Some(Instant::now());
                        eprintln!("{}", accept_warning(&e));
                    }
                    tokio::time::sleep(pause).await;
                }
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let conn =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // A connection's errors (a reset, a timeout, a bad request hyper answered) are
            // that connection's alone.
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(STOP_GRACE, graceful.shutdown()).await;
}

fn accept_warning(e: &io::Error) -> String {
    #[cfg(unix)]
    let out_of_files = matches!(
        rustix::io::Errno::from_io_error(e),
        Some(rustix::io::Errno::MFILE | rustix::io::Errno::NFILE)
    );
    #[cfg(not(unix))]
    let out_of_files = false;
    let hint = if out_of_files {
        "; the process is out of file descriptors: raise the open-file limit (ulimit -n)"
    } else {
        ""
    };
    format!(
        "warning: cannot accept a connection: {e}{hint}; trying again every {} ms",
        ACCEPT_PAUSE.as_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_follows_the_open_file_limit() {
        assert_eq!(Capacity::for_limit(None).connections, MAX_CONNECTIONS);
        assert_eq!(
            Capacity::for_limit(Some(1 << 20)).connections,
            MAX_CONNECTIONS
        );
        assert_eq!(Capacity::for_limit(Some(1024)).connections, 960);
        assert_eq!(Capacity::for_limit(Some(256)).connections, 192);
        assert_eq!(Capacity::for_limit(Some(10)).connections, MIN_CONNECTIONS);
        assert!(Capacity::for_limit(Some(1 << 20)).warning().is_none());
        let w = Capacity::for_limit(Some(256)).warning().unwrap();
        assert!(w.contains("is 256") && w.contains("at most 192"), "{w}");
    }

    #[cfg(unix)]
    #[test]
    fn accept_errors_of_the_process_pause_the_loop() {
        use rustix::io::Errno;
        let emfile = io::Error::from(Errno::MFILE);
        assert_eq!(accept_pause(&emfile), Some(ACCEPT_PAUSE));
        assert!(accept_warning(&emfile).contains("ulimit -n"));
        let enfile = io::Error::from(Errno::NFILE);
        assert_eq!(accept_pause(&enfile), Some(ACCEPT_PAUSE));
        assert!(accept_warning(&enfile).contains("ulimit -n"));
        let aborted = io::Error::from(io::ErrorKind::ConnectionAborted);
        assert_eq!(accept_pause(&aborted), None);
    }
}
