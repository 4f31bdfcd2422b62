//! `atlas serve` under hostile and concurrent clients, over raw TCP on 127.0.0.1: malformed
//! requests get a 4xx (or, for a request cut short, a closed connection), never a 5xx, and
//! the same process keeps serving pages; 50 concurrent clients all get their pages. The
//! server answers only its own Host names (DNS rebinding), closes connections that stall
//! before a complete head, caps live-reload streams, and keeps its connections within the
//! open-file limit.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Site, fixture};

/// Generous: the test machine is small and shared.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The server's header-read timeout (`src/serve/listen.rs`).
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    host: String,
    /// `PORT`
    port: u16,
    /// `/atlas/`
    base: String,
    /// What the server printed to standard error so far.
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(site: &Site) -> Server {
        Server::start_with(site, &["--bind", "127.0.0.1"], None)
    }

    /// Starts `atlas serve --port 0 --root SITE ARGS`, under `ulimit -n OPEN_FILES` if given.
    fn start_with(site: &Site, args: &[&str], open_files: Option<u32>) -> Server {
        let atlas = env!("CARGO_BIN_EXE_atlas");
        let mut cmd = match open_files {
            Some(n) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                    .arg(atlas);
                c
            }
            None => Command::new(atlas),
        };
        let mut child = cmd
            .args(["serve", "--port", "0"])
            .args(args)
            .arg("--root")
            .arg(site.root())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let err = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let lines = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let out = child.stdout.take().unwrap();
        let (tx, rx) = channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.starts_with("Serving ") => {
                    // `Serving <root> at http://127.0.0.1:PORT/atlas/` (`localhost` when
                    // bound to every address).
                    let url = line.rsplit(" at ").next().unwrap();
                    let after = url.strip_prefix("http://").unwrap();
                    let slash = after.find('/').unwrap();
                    let port: u16 = after[..slash].rsplit(':').next().unwrap().parse().unwrap();
                    return Server {
                        child,
                        host: format!("127.0.0.1:{port}"),
                        port,
                        base: after[slash..].to_string(),
                        stderr,
                    };
                }
                Ok(_) => {}
                Err(_) => panic!("the server did not start in time"),
            }
        }
    }

    /// Sends `bytes`, optionally half-closes, and reads until the server closes.
    fn send(&self, bytes: &[u8], half_close: bool) -> Vec<u8> {
        let mut s = TcpStream::connect(&self.host).unwrap();
        s.set_read_timeout(Some(TIMEOUT)).unwrap();
        // The server may answer (431, 414) and close before it has read everything we send:
        // a failed write is then expected, and the answer is still readable.
        let _ = s.write_all(bytes);
        if half_close {
            let _ = s.shutdown(Shutdown::Write);
        }
        let mut out = Vec::new();
        let start = Instant::now();
        let mut buf = [0u8; 65536];
        loop {
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                // A reset after the answer (unread request bytes) ends the connection too.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
                Err(e) => panic!("reading the answer: {e} (after {:?})", start.elapsed()),
            }
        }
        out
    }

    /// A request with `Host` and `Connection: close`, plus `extra` header lines.
    fn request(&self, method: &str, target: &[u8], extra: &[u8]) -> Vec<u8> {
        self.request_to(&self.host, method, target, extra)
    }

    /// A request with `Host: HOST` and `Connection: close`, plus `extra` header lines.
    fn request_to(&self, host: &str, method: &str, target: &[u8], extra: &[u8]) -> Vec<u8> {
        let mut r = Vec::new();
        r.extend_from_slice(method.as_bytes());
        r.push(b' ');
        r.extend_from_slice(target);
        r.extend_from_slice(b" HTTP/1.1\r\nHost: ");
        r.extend_from_slice(host.as_bytes());
        r.extend_from_slice(b"\r\nConnection: close\r\n");
        r.extend_from_slice(extra);
        r.extend_from_slice(b"\r\n");
        r
    }

    /// GET `path` with `Host: HOST`: the status and the body.
    fn get_as(&self, host: &str, path: &str) -> (Option<u16>, String) {
        let out = self.send(&self.request_to(host, "GET", path.as_bytes(), b""), false);
        let text = String::from_utf8_lossy(&out).into_owned();
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status(&out), body)
    }

    /// Opens the live-reload stream and reads until its `hello` (kept open) or until the
    /// server ends a refusal. Returns the connection and what was read.
    fn open_events(&self) -> (TcpStream, String) {
        let mut s = TcpStream::connect(&self.host).unwrap();
        s.set_read_timeout(Some(TIMEOUT)).unwrap();
        let req = format!(
            "GET {}__atlas/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.base, self.host
        );
        s.write_all(req.as_bytes()).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let text = String::from_utf8_lossy(&got).into_owned();
            if text.contains("\"type\":\"hello\"")
                || (status(&got).is_some_and(|c| c != 200) && text.ends_with('\n'))
            {
                return (s, text);
            }
            match s.read(&mut buf) {
                Ok(0) => return (s, text),
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => panic!("reading the event stream: {e} after {text:?}"),
            }
        }
    }

    fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// The server's standard error once it holds `needle` (or after the timeout): it is read
    /// by another thread than standard output, so a line printed before `Serving` may still
    /// be on its way.
    fn stderr_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let text = self.stderr_text();
            if text.contains(needle) || Instant::now() > deadline {
                return text;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Checks that the same process is alive and serves a page.
    fn assert_serves(&self, after: &str) {
        let page = format!("{}en/", self.base);
        let out = self.send(&self.request("GET", page.as_bytes(), b""), false);
        assert_eq!(status(&out), Some(200), "GET {page} after {after}");
        assert!(
            String::from_utf8_lossy(&out).contains("</html>"),
            "GET {page} after {after}: no page"
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The status code of an HTTP/1.1 answer.
fn status(out: &[u8]) -> Option<u16> {
    let text = String::from_utf8_lossy(out);
    let rest = text.strip_prefix("HTTP/1.1 ")?;
    rest.get(..3)?.parse().ok()
}

#[test]
fn malformed_requests_get_4xx_and_the_server_keeps_serving() {
    let site = fixture("basic");
    let mut server = Server::start(&site);
    let base = server.base.clone();
    assert_eq!(base, "/atlas/", "the fixture's base path changed");
    let page = format!("{base}en/");
    server.assert_serves("start");

    let big = |n: usize| format!("X-Big: {}\r\n", "a".repeat(n)).into_bytes();
    let many: Vec<u8> = (0..200)
        .flat_map(|i| format!("X-H{i}: v\r\n").into_bytes())
        .collect();
    let long_uri = |n: usize| format!("{base}{}", "a".repeat(n)).into_bytes();

    // (what, request bytes, half-close after sending, expected status; None = the server
    // closes the connection without an answer).
    let cases: Vec<(&str, Vec<u8>, bool, Option<u16>)> = vec![
        (
            "BREW method",
            server.request("BREW", page.as_bytes(), b""),
            false,
            Some(405),
        ),
        (
            "DELETE method",
            server.request("DELETE", page.as_bytes(), b""),
            false,
            Some(405),
        ),
        (
            "POST with a body",
            server.request("POST", page.as_bytes(), b"Content-Length: 5\r\n\r\nhello"),
            false,
            Some(405),
        ),
        // hyper reads up to ~400 KB of head: a 100 KB header is an ordinary request, a 1 MB
        // one is refused before any handler runs.
        (
            "100 KB header",
            server.request("GET", page.as_bytes(), &big(100_000)),
            false,
            Some(200),
        ),
        (
            "1 MB header",
            server.request("GET", page.as_bytes(), &big(1_000_000)),
            false,
            Some(431),
        ),
        (
            "200 headers",
            server.request("GET", page.as_bytes(), &many),
            false,
            Some(431),
        ),
        // `%zz` and a lone `%` are not escapes: the path is taken literally, and no page has
        // that name.
        (
            "/%zz",
            server.request("GET", format!("{base}%zz").as_bytes(), b""),
            false,
            Some(404),
        ),
        (
            "/%",
            server.request("GET", format!("{base}%").as_bytes(), b""),
            false,
            Some(404),
        ),
        (
            "/%zz outside the base",
            server.request("GET", b"/%zz", b""),
            false,
            Some(404),
        ),
        (
            "/%c3%28 (invalid UTF-8)",
            server.request("GET", format!("{base}%c3%28").as_bytes(), b""),
            false,
            Some(400),
        ),
        (
            "/%ff (invalid UTF-8)",
            server.request("GET", b"/%ff", b""),
            false,
            Some(400),
        ),
        (
            "raw bytes 0x80-0xff in the path",
            server.request("GET", b"/atlas/\xff\xfe", b""),
            false,
            Some(400),
        ),
        (
            "garbage request line",
            b"lorem ipsum dolor sit amet\r\n\r\n".to_vec(),
            false,
            Some(400),
        ),
        (
            "binary garbage",
            b"\x00\x01\x02\xff\xfe\r\n\r\n".to_vec(),
            false,
            Some(400),
        ),
        (
            "100 KB URI",
            server.request("GET", &long_uri(100_000), b""),
            false,
            Some(414),
        ),
        // Past the head limit the request line itself is too large.
        (
            "1 MB URI",
            server.request("GET", &long_uri(1_000_000), b""),
            false,
            Some(431),
        ),
        (
            "HTTP/0.9 request",
            format!("GET {page}\r\n").into_bytes(),
            false,
            Some(400),
        ),
        (
            "unknown HTTP version",
            format!("GET {page} HTTP/7.3\r\nHost: x\r\n\r\n").into_bytes(),
            false,
            Some(400),
        ),
        (
            "truncated head, then the client closes",
            format!("GET {page} HTTP/1.1\r\nHost: {}\r\nX-Par", server.host).into_bytes(),
            true,
            None,
        ),
        (
            "truncated request line, then the client closes",
            b"GET /atl".to_vec(),
            true,
            None,
        ),
        ("connect and close at once", Vec::new(), true, None),
    ];

    let mut failures = Vec::new();
    for (what, bytes, half_close, want) in &cases {
        let out = server.send(bytes, *half_close);
        let got = status(&out);
        let head = String::from_utf8_lossy(&out[..out.len().min(120)]).into_owned();
        if got.is_some_and(|c| c >= 500) {
            failures.push(format!("{what}: a server error: {head:?}"));
        } else if got != *want {
            failures.push(format!("{what}: want {want:?}, got {got:?}: {head:?}"));
        }
        server.assert_serves(what);
        assert!(
            server.child.try_wait().unwrap().is_none(),
            "the server exited after {what}"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fifty_concurrent_clients_get_every_page() {
    let site = fixture("basic");
    let server = Server::start(&site);
    let base = server.base.clone();
    let paths: Vec<String> = [
        "en/",
        "zh/",
        "style.css",
        "en/regions/",
        "en/regions/beijing/",
        "en/compare/",
        "__atlas/status",
    ]
    .iter()
    .map(|p| format!("{base}{p}"))
    .collect();
    let origin = format!("http://{}", server.host);
    const CLIENTS: usize = 50;
    const EACH: usize = 30;
    let threads: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let paths = paths.clone();
            let origin = origin.clone();
            std::thread::spawn(move || -> Result<usize, String> {
                // One keep-alive connection per client.
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .max_redirects(0)
                    .timeout_global(Some(TIMEOUT))
                    .build()
                    .into();
                let mut bytes = 0;
                for i in 0..EACH {
                    let path = &paths[(c + i) % paths.len()];
                    let mut r = agent
                        .get(&format!("{origin}{path}"))
                        .call()
                        .map_err(|e| format!("client {c}, GET {path}: {e}"))?;
                    let status = r.status().as_u16();
                    let body = r
                        .body_mut()
                        .read_to_vec()
                        .map_err(|e| format!("client {c}, GET {path}: body: {e}"))?;
                    if status != 200 || body.is_empty() {
                        return Err(format!(
                            "client {c}, GET {path}: {status}, {} bytes",
                            body.len()
                        ));
                    }
                    bytes += body.len();
                }
                Ok(bytes)
            })
        })
        .collect();
    let mut errors = Vec::new();
    let mut total = 0;
    for t in threads {
        match t.join().unwrap() {
            Ok(n) => total += n,
            Err(e) => errors.push(e),
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(total > CLIENTS * EACH * 40, "{total} bytes in all");
    server.assert_serves("the concurrent clients");
}

/// A web page whose name the attacker rebinds to 127.0.0.1 sends its own name as `Host`: the
/// server refuses it (also for the status and the live-reload stream), and answers its own
/// address, `localhost` and `*.localhost`.
#[test]
fn only_the_servers_own_host_names_are_answered() {
    let site = fixture("basic");
    let server = Server::start(&site);
    let base = server.base.clone();
    let port = server.port;
    let page = format!("{base}en/");
    for host in [
        server.host.clone(),
        "127.0.0.1".to_string(),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("preview.localhost:{port}"),
    ] {
        let (code, body) = server.get_as(&host, &page);
        assert_eq!(code, Some(200), "Host: {host}");
        assert!(body.contains("</html>"), "Host: {host}");
    }
    for path in [
        page.clone(),
        format!("{base}__atlas/status"),
        format!("{base}__atlas/events"),
        "/".to_string(),
    ] {
        for host in [
            format!("evil.example:{port}"),
            "evil.example".to_string(),
            format!("127.0.0.2:{port}"),
            format!("localhost.evil.example:{port}"),
        ] {
            let (code, body) = server.get_as(&host, &path);
            assert_eq!(code, Some(403), "GET {path} with Host: {host}: {body}");
            let name = host.split(':').next().unwrap();
            assert!(
                body.contains(&format!("--allowed-host {name} ")),
                "GET {path} with Host: {host}: {body}"
            );
            assert!(
                !body.contains("hello") && !body.contains("\"gen\""),
                "{body}"
            );
        }
    }
    // An absolute target names the host as well.
    let absolute = format!("http://evil.example:{port}{page}");
    let out = server.send(&server.request("GET", absolute.as_bytes(), b""), false);
    assert_eq!(status(&out), Some(403), "{}", String::from_utf8_lossy(&out));
    // HTTP/1.1 requires Host; HTTP/1.0 without it cannot come from a browser and is answered.
    let out = server.send(format!("GET {page} HTTP/1.1\r\n\r\n").as_bytes(), false);
    assert_eq!(status(&out), Some(400));
    let out = server.send(format!("GET {page} HTTP/1.0\r\n\r\n").as_bytes(), false);
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.starts_with("HTTP/1.0 200") || text.starts_with("HTTP/1.1 200"),
        "{text:.200}"
    );
    let out = server.send(
        format!("GET {page} HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n").as_bytes(),
        false,
    );
    assert_eq!(status(&out), Some(400));
    // The person running the server learns the option from the terminal too, once per name.
    let err = server.stderr_with("refused a request for Host `evil.example`");
    assert_eq!(
        err.matches("refused a request for Host `evil.example`")
            .count(),
        1,
        "{err}"
    );
    assert!(err.contains("--allowed-host evil.example"), "{err}");
    server.assert_serves("the refused hosts");
}

#[test]
fn allowed_host_names_are_answered() {
    let site = fixture("basic");
    let server = Server::start_with(
        &site,
        &[
            "--bind",
            "127.0.0.1",
            "--allowed-host",
            "preview.test",
            "--allowed-host",
            "Other.Test.",
        ],
        None,
    );
    let page = format!("{}en/", server.base);
    let port = server.port;
    for host in [
        format!("preview.test:{port}"),
        "preview.test".to_string(),
        format!("other.test:{port}"),
        format!("localhost:{port}"),
        server.host.clone(),
    ] {
        assert_eq!(server.get_as(&host, &page).0, Some(200), "Host: {host}");
    }
    for host in ["evil.example", "sub.preview.test"] {
        assert_eq!(server.get_as(host, &page).0, Some(403), "Host: {host}");
    }
    // A value that is not a host name is refused at start, with what to give instead.
    let out = Command::new(env!("CARGO_BIN_EXE_atlas"))
        .args(["serve", "--allowed-host", "http://preview.test/", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a host name"), "{err}");
}

/// Bound to every address, the server warns who can reach it and answers any name (the
/// names it is reached by cannot be known), unless --allowed-host is given.
#[test]
fn bound_to_every_address_it_warns_and_answers_any_host() {
    let site = fixture("basic");
    let server = Server::start_with(&site, &["--bind", "0.0.0.0"], None);
    let page = format!("{}en/", server.base);
    assert_eq!(server.get_as("evil.example", &page).0, Some(200));
    let err = server.stderr_with("it answers any Host name");
    assert!(
        err.contains("anyone who can reach this machine on port")
            && err.contains("it answers any Host name"),
        "{err}"
    );
    drop(server);
    let server = Server::start_with(
        &site,
        &["--bind", "0.0.0.0", "--allowed-host", "team.test"],
        None,
    );
    assert_eq!(server.get_as("team.test", &page).0, Some(200));
    assert_eq!(server.get_as("192.0.2.1:1111", &page).0, Some(200));
    assert_eq!(server.get_as("evil.example", &page).0, Some(403));
    let err = server.stderr_with("anyone who can reach this machine");
    assert!(err.contains("anyone who can reach this machine"), "{err}");
}

/// Reads from `s` until the server closes it; returns what was read and when it closed.
fn wait_for_close(mut s: TcpStream, opened: Instant) -> (Vec<u8>, Duration) {
    s.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return (out, opened.elapsed()),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return (out, opened.elapsed());
            }
            Err(e) => panic!("the server kept a stalled connection open: {e}"),
        }
    }
}

/// Connections that send nothing, half a request head, or nothing more after a request are
/// closed after the header timeout, and the server answers meanwhile.
#[test]
fn stalled_connections_are_closed_after_the_header_timeout() {
    let site = fixture("basic");
    let server = Server::start(&site);
    let page = format!("{}en/", server.base);
    let start = Instant::now();
    let silent = TcpStream::connect(&server.host).unwrap();
    let mut half = TcpStream::connect(&server.host).unwrap();
    half.write_all(format!("GET {page} HTTP/1.1\r\nHost: {}\r\nX-Par", server.host).as_bytes())
        .unwrap();
    // A slow client that sends one byte a second never completes its head in time.
    let mut trickle = TcpStream::connect(&server.host).unwrap();
    let trickle_bytes = format!("GET {page} HTTP/1.1\r\nHost: {}\r\n\r\n", server.host);
    let trickler = std::thread::spawn(move || {
        for b in trickle_bytes.bytes() {
            if trickle.write_all(&[b]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        trickle
    });
    // An idle keep-alive connection after one answered request.
    let mut idle = TcpStream::connect(&server.host).unwrap();
    idle.write_all(
        format!(
            "GET {}__atlas/status HTTP/1.1\r\nHost: {}\r\n\r\n",
            server.base, server.host
        )
        .as_bytes(),
    )
    .unwrap();
    server.assert_serves("opening stalled connections");
    let idle_start = Instant::now();
    for (what, s, opened) in [
        ("sent nothing", silent, start),
        ("half a head", half, start),
        ("idle after a request", idle, idle_start),
    ] {
        let (out, after) = wait_for_close(s, opened);
        let text = String::from_utf8_lossy(&out);
        assert!(
            after >= HEADER_TIMEOUT - Duration::from_millis(500),
            "{what}: closed after {after:?}, before the timeout"
        );
        assert!(after < HEADER_TIMEOUT * 4, "{what}: closed after {after:?}");
        if what == "idle after a request" {
            assert!(text.starts_with("HTTP/1.1 200"), "{what}: {text:.100}");
        } else {
            assert!(!text.contains(" 200 "), "{what}: {text:.100}");
        }
    }
    let trickle = trickler.join().unwrap();
    let (out, after) = wait_for_close(trickle, start);
    assert!(
        after < HEADER_TIMEOUT * 4,
        "trickle: closed after {after:?}"
    );
    assert!(
        !String::from_utf8_lossy(&out).contains(" 200 "),
        "the slow head was answered"
    );
    server.assert_serves("the stalled connections");
}

/// At most 64 live-reload streams are open; the next one gets 503 with a message, and a
/// closed stream frees its place.
#[test]
fn live_reload_streams_are_capped() {
    const CAP: usize = 64;
    let site = fixture("basic");
    let server = Server::start(&site);
    let mut open: Vec<TcpStream> = (0..CAP)
        .map(|i| {
            let (s, text) = server.open_events();
            assert!(text.starts_with("HTTP/1.1 200"), "stream {i}: {text:.200}");
            s
        })
        .collect();
    let (_, text) = server.open_events();
    assert!(text.starts_with("HTTP/1.1 503"), "{text:.300}");
    assert!(
        text.contains("64 are open already") && text.contains("close some preview tabs"),
        "{text}"
    );
    server.assert_serves("the refused stream");
    // Close one: its place is free once the server sees the connection end.
    drop(open.pop());
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let (s, text) = server.open_events();
        if text.starts_with("HTTP/1.1 200") {
            open.push(s);
            break;
        }
        assert!(text.starts_with("HTTP/1.1 503"), "{text:.300}");
        assert!(
            Instant::now() < deadline,
            "the closed stream's place was not freed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(open.len(), CAP);
    let (_, text) = server.open_events();
    assert!(text.starts_with("HTTP/1.1 503"), "{text:.300}");
}

/// The server's CPU time so far, in clock ticks (Linux).
#[cfg(target_os = "linux")]
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which is in parentheses): utime and stime are the
    // 12th and 13th.
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

/// How many sockets the server has open (Linux).
#[cfg(target_os = "linux")]
fn sockets(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            std::fs::read_link(e.path())
                .map(|l| l.to_string_lossy().starts_with("socket:"))
                .unwrap_or(false)
        })
        .count()
}

/// Under `ulimit -n 256` the server keeps at most 192 connections (and says so); 300 stalled
/// connections neither crash it nor make it spin, a real request waits for the stalled ones
/// to time out and is then answered.
#[cfg(target_os = "linux")]
#[test]
fn a_low_open_file_limit_caps_connections_without_failing() {
    const LIMIT: u32 = 256;
    const CAP: usize = 192;
    let site = fixture("basic");
    let mut server = Server::start_with(&site, &["--bind", "127.0.0.1"], Some(LIMIT));
    let pid = server.child.id();
    let err = server.stderr_with("at most 192 connections");
    assert!(
        err.contains("is 256") && err.contains("at most 192 connections"),
        "{err}"
    );
    // The listener and the runtime's own sockets.
    let own = sockets(pid);
    let stalled: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(&server.host).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_ticks(pid);
    let held = sockets(pid) - own;
    assert!(held <= CAP, "{held} connections open");
    assert!(
        held >= CAP / 2,
        "only {held} connections open: the stalled ones were refused"
    );
    std::thread::sleep(Duration::from_secs(2));
    let spent = cpu_ticks(pid) - before;
    assert!(spent < 50, "{spent} ticks of CPU in 2 s while at the cap");
    // The request waits in the listen queue until the stalled connections time out.
    let start = Instant::now();
    server.assert_serves("300 stalled connections under ulimit -n 256");
    assert!(
        start.elapsed() < HEADER_TIMEOUT * 4,
        "{:?}",
        start.elapsed()
    );
    drop(stalled);
    server.assert_serves("closing the stalled connections");
    assert!(server.child.try_wait().unwrap().is_none());
}
