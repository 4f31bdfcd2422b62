//! `atlas serve` under hostile and concurrent clients, over raw TCP on 127.0.0.1: malformed
//! requests get a 4xx (or, for a request cut short, a closed connection), never a 5xx, and
//! the same process keeps serving pages; 50 concurrent clients all get their pages.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use common::{Site, fixture};

/// Generous: the test machine is small and shared.
const TIMEOUT: Duration = Duration::from_secs(60);

struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    host: String,
    /// `/atlas/`
    base: String,
}

impl Server {
    fn start(site: &Site) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_atlas"))
            .args(["serve", "--bind", "127.0.0.1", "--port", "0", "--root"])
            .arg(site.root())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
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
                    // `Serving <root> at http://127.0.0.1:PORT/atlas/`
                    let url = line.rsplit(" at ").next().unwrap();
                    let after = url.strip_prefix("http://").unwrap();
                    let slash = after.find('/').unwrap();
                    let host = after[..slash].to_string();
                    assert!(host.starts_with("127.0.0.1:"), "{line}");
                    return Server {
                        child,
                        host,
                        base: after[slash..].to_string(),
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
        let mut r = Vec::new();
        r.extend_from_slice(method.as_bytes());
        r.push(b' ');
        r.extend_from_slice(target);
        r.extend_from_slice(b" HTTP/1.1\r\nHost: ");
        r.extend_from_slice(self.host.as_bytes());
        r.extend_from_slice(b"\r\nConnection: close\r\n");
        r.extend_from_slice(extra);
        r.extend_from_slice(b"\r\n");
        r
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
