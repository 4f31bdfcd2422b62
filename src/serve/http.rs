//! The HTTP side of `atlas serve`: axum routes over the in-memory output, Server-Sent Events
//! for live reload (at most [`MAX_EVENT_STREAMS`] at once), and the script injected into
//! HTML pages. Requests reach the routes only through the Host check of [`super::host`].

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::Body;
use axum::extract::State as AxumState;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use percent_encoding::percent_decode_str;
use serde_json::json;
use tokio::sync::{Semaphore, broadcast};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tower_http::set_header::SetResponseHeaderLayer;

use super::host::{self, HostPolicy};
use crate::diagnostics::Diagnostic;

/// The reserved folder under the base path for the server's own endpoints.
pub const RESERVED: &str = "__atlas/";
/// Server-Sent Events: live reload and build errors.
pub const EVENTS: &str = "__atlas/events";
/// JSON: the state of the last build (`{"gen", "ok", "errors"}`).
pub const STATUS: &str = "__atlas/status";

const LIVE_JS: &str = include_str!("live.js");

/// The most live-reload streams open at once; more get 503.
pub const MAX_EVENT_STREAMS: usize = 64;

/// A message to every open event stream.
#[derive(Debug, Clone)]
pub enum Msg {
    /// One SSE `data:` line (JSON).
    Data(Arc<str>),
    /// The server is stopping: end the stream.
    Shutdown,
}

/// What the server serves.
#[derive(Debug, Default)]
pub struct SiteState {
    /// Output path → bytes, as `atlas build` writes them.
    pub files: HashMap<String, Bytes>,
    /// Counts good builds that changed something.
    pub generation: u64,
    /// `/` or `/atlas/`.
    pub base_path: String,
    /// Errors of the last build; empty when it succeeded.
    pub errors: Vec<Diagnostic>,
    /// False until the first good build.
    pub has_site: bool,
}

/// Shared between the HTTP handlers and the builder thread.
#[derive(Debug)]
pub struct Shared {
    /// The site.
    pub state: RwLock<SiteState>,
    /// Live-reload messages.
    pub tx: broadcast::Sender<Msg>,
    /// Identifies this server process to the browser (a restart reloads open pages).
    pub instance: String,
    /// One permit per open live-reload stream.
    streams: Arc<Semaphore>,
}

impl Shared {
    /// A server with no site yet.
    pub fn new(base_path: String) -> Self {
        let (tx, _) = broadcast::channel(64);
        let instance = format!(
            "{:x}-{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        );
        Shared {
            state: RwLock::new(SiteState {
                base_path,
                ..Default::default()
            }),
            tx,
            instance,
            streams: Arc::new(Semaphore::new(MAX_EVENT_STREAMS)),
        }
    }

    /// Sends a message to every open page (no open page is fine).
    pub fn send(&self, msg: serde_json::Value) {
        let _ = self.tx.send(Msg::Data(Arc::from(msg.to_string())));
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, SiteState> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// Only errors go to the overlay.
pub fn errors_json(errors: &[Diagnostic]) -> serde_json::Value {
    json!(errors.iter().filter(|d| d.is_error()).collect::<Vec<_>>())
}

/// The router: every request passes the Host check, then every path goes to one handler;
/// no response may be cached.
pub fn router(shared: Arc<Shared>, hosts: Arc<HostPolicy>) -> Router {
    Router::new()
        .fallback(handle)
        .layer(axum::middleware::from_fn_with_state(hosts, host::guard))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(shared)
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}

async fn handle(AxumState(shared): AxumState<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "405 method not allowed");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let raw = uri.path();
    let Some(path) = safe_path(raw) else {
        return plain(
            StatusCode::BAD_REQUEST,
            "400 bad request: the path leaves the site or is not valid",
        );
    };
    // The server's own endpoints answer under any prefix, so that pages opened before the
    // base path changed (or before the first good build) keep their connection.
    if path.ends_with(&format!("/{EVENTS}")) {
        return events(shared);
    }
    let st = shared.read();
    let base = st.base_path.clone();
    let Some(rel) = path.strip_prefix(base.as_str()) else {
        if format!("{path}/") == base {
            return redirect(&base, uri.query());
        }
        return not_found(&shared, &st);
    };
    if rel.starts_with('/') {
        return plain(StatusCode::BAD_REQUEST, "400 bad request: absolute path");
    }
    if rel == STATUS {
        let ok = st.errors.is_empty() && st.has_site;
        let body = json!({"gen": st.generation, "ok": ok, "has_site": st.has_site, "errors": errors_json(&st.errors)});
        return (
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
    }
    if rel.starts_with(RESERVED) {
        return plain(StatusCode::NOT_FOUND, "404 not found");
    }
    if !st.has_site {
        return placeholder(&shared, &st);
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(bytes) = st.files.get(&key) {
        return file(&shared, &st, &key, bytes, StatusCode::OK, false);
    }
    if st.files.contains_key(&format!("{key}/index.html")) {
        return redirect(&format!("{raw}/"), uri.query());
    }
    not_found(&shared, &st)
}

/// Decodes a request path and refuses anything that could leave the output: `..` and `.`
/// segments (also percent-encoded), encoded slashes or backslashes, NUL, an absolute path
/// after the base (`//etc/passwd`) and invalid UTF-8.
pub fn safe_path(raw: &str) -> Option<String> {
    if !raw.starts_with('/') {
        return None;
    }
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
        return None;
    }
    let decoded = percent_decode_str(raw).decode_utf8().ok()?.into_owned();
    if decoded.contains('\\') || decoded.contains('\0') || decoded.starts_with("//") {
        return None;
    }
    if decoded.split('/').any(|s| s == ".." || s == ".") {
        return None;
    }
    Some(decoded)
}

fn redirect(to: &str, query: Option<&str>) -> Response {
    let loc = match query {
        Some(q) => format!("{to}?{q}"),
        None => to.to_string(),
    };
    match HeaderValue::from_str(&loc) {
        Ok(v) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, v)]).into_response(),
        Err(_) => plain(StatusCode::BAD_REQUEST, "400 bad request"),
    }
}

fn not_found(shared: &Shared, st: &SiteState) -> Response {
    if !st.has_site {
        return placeholder(shared, st);
    }
    match st.files.get("404.html") {
        Some(b) => file(shared, st, "404.html", b, StatusCode::NOT_FOUND, true),
        None => plain(StatusCode::NOT_FOUND, "404 not found"),
    }
}

/// The content type of an output file, from its extension.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.essence_str(),
            "application/json"
                | "application/xml"
                | "application/javascript"
                | "image/svg+xml"
                | "application/atom+xml"
                | "application/rss+xml"
                | "application/manifest+json"
        );
    if textual {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

fn file(
    shared: &Shared,
    st: &SiteState,
    key: &str,
    bytes: &Bytes,
    status: StatusCode,
    not_found: bool,
) -> Response {
    let ctype = content_type(key);
    let body = if ctype.starts_with("text/html") {
        let script = live_script(shared, st, not_found, false);
        Body::from(inject(bytes, &script))
    } else {
        Body::from(bytes.clone())
    };
    let mut r = Response::new(body);
    *r.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(&ctype) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}

/// The inline script added to every HTML page served (never to `atlas build` output).
fn live_script(shared: &Shared, st: &SiteState, not_found: bool, placeholder: bool) -> String {
    let cfg = json!({
        "base": st.base_path,
        "gen": st.generation,
        "inst": shared.instance,
        "nf": not_found,
        "ph": placeholder,
    });
    // `<` cannot end the script early once escaped.
    let cfg = cfg.to_string().replace('<', "\\u003c");
    format!(
        "<script data-atlas-serve>{}({cfg});</script>\n",
        LIVE_JS.trim_end()
    )
}

/// Inserts `script` before the last `</body>` (or at the end).
pub fn inject(html: &[u8], script: &str) -> Vec<u8> {
    let needle = b"</body>";
    let at = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// What every page shows before the first good build: the errors, and the live script that
/// reloads once the site builds.
fn placeholder(shared: &Shared, st: &SiteState) -> Response {
    let list: String = st
        .errors
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            format!(
                "<li>{}</li>\n",
                crate::markdown::escape_html(&d.to_string())
            )
        })
        .collect();
    let script = live_script(shared, st, false, true);
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>atlas serve: the site does not build</title></head>\n<body>\n\
<h1>The site does not build yet</h1>\n<p>atlas serve is watching the files; this page \
reloads by itself when the site builds.</p>\n<ul style=\"font-family:monospace;white-space:pre-wrap\">\n{list}</ul>\n{script}</body></html>\n"
    );
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

/// The live-reload stream: a `hello` with the current state, then every build message.
/// Beyond [`MAX_EVENT_STREAMS`] open streams: 503.
fn events(shared: Arc<Shared>) -> Response {
    let Ok(permit) = shared.streams.clone().try_acquire_owned() else {
        let mut r = plain(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!(
                "atlas serve refused this live-reload connection: {MAX_EVENT_STREAMS} are open \
                 already, the most it keeps; close some preview tabs and reload this one"
            ),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
        return r;
    };
    // Subscribe first, so no build between reading the state and subscribing is missed.
    let rx = shared.tx.subscribe();
    let hello = {
        let st = shared.read();
        json!({
            "type": "hello",
            "inst": shared.instance,
            "gen": st.generation,
            "ok": st.errors.is_empty() && st.has_site,
            "errors": errors_json(&st.errors),
        })
        .to_string()
    };
    let first = tokio_stream::once(Ok::<Event, Infallible>(Event::default().data(hello)));
    let rest = BroadcastStream::new(rx).map_while(|m| match m {
        Ok(Msg::Data(s)) => Some(Ok(Event::default().data(&*s))),
        Ok(Msg::Shutdown) => None,
        // Messages were lost: tell the page to reload.
        Err(_) => Some(Ok(Event::default().data(
            json!({"type": "build", "gen": -1, "all": true, "changed": []}).to_string(),
        ))),
    });
    // The permit goes with the stream: it is free again when the connection ends.
    let stream = first.chain(rest).map(move |e| {
        let _held = &permit;
        e
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_output_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/atlas/../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "/a/%2e%2e%2fb",
            "/a%5c..%5cb",
            "//etc/passwd",
            "/a/./b",
            "/a\\b",
            "/x%00",
            "/%ff",
            "relative",
        ] {
            assert_eq!(safe_path(bad), None, "{bad}");
        }
        assert_eq!(safe_path("/zh/regions/").as_deref(), Some("/zh/regions/"));
        assert_eq!(
            safe_path("/zh/%E5%8C%97%E4%BA%AC/").as_deref(),
            Some("/zh/北京/")
        );
        assert_eq!(safe_path("/a..b/").as_deref(), Some("/a..b/"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("t.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("t.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("m.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("f.woff2"), "font/woff2");
        assert!(content_type("sitemap.xml").contains("xml"));
        assert_eq!(content_type("x.unknownext"), "application/octet-stream");
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let out = inject(b"<p>x</p></BODY></html>", "<script></script>");
        assert_eq!(out, b"<p>x</p><script></script></BODY></html>");
        let out = inject(b"<p>no body</p>", "<s>");
        assert_eq!(out, b"<p>no body</p><s>");
    }
}
