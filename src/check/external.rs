//! External links: the http(s) URLs of the rendered pages, and whether they answer (HEAD,
//! then GET), checked concurrently with a limit per host and in all. Takes URLs and
//! [`ExternalOptions`]; gives a [`LinkStatus`] each. The only part of `check` that uses the
//! network, and only when asked to.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// How to check external links.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Time allowed for one request (connection, redirects and response headers).
    pub timeout: Duration,
    /// Requests in flight to one host at most.
    pub per_host: usize,
    /// Requests in flight in all at most.
    pub max_concurrent: usize,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            timeout: Duration::from_secs(10),
            per_host: 2,
            max_concurrent: 8,
        }
    }
}

/// http(s) URLs in the `href` and `src` attributes of an HTML document.
pub fn external_urls(html: &[u8]) -> Vec<String> {
    use html5gum::{Token, Tokenizer};
    let text = String::from_utf8_lossy(html);
    let mut out = Vec::new();
    for token in Tokenizer::new(text.as_ref()).flatten() {
        if let Token::StartTag(tag) = token {
            for (attr, value) in &tag.attributes {
                let a: &[u8] = attr;
                if a.eq_ignore_ascii_case(b"href") || a.eq_ignore_ascii_case(b"src") {
                    let v = String::from_utf8_lossy(&value.value).trim().to_string();
                    if is_http(&v) {
                        // The fragment is never sent to the server.
                        let v = v.split('#').next().unwrap_or(&v).to_string();
                        out.push(v);
                    }
                }
            }
        }
    }
    out
}

/// What an external URL answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    /// A success status (after redirects).
    Ok(u16),
    /// An error status, to HEAD and then to GET.
    Broken(u16),
    /// No HTTP answer: why.
    Unreachable(String),
}

/// The host (with port) a URL is requested from, for the per-host limit.
fn host_of(url: &str) -> Option<String> {
    let uri: ureq::http::Uri = url.parse().ok()?;
    uri.authority().map(|a| a.as_str().to_ascii_lowercase())
}

fn probe(agent: &ureq::Agent, url: &str, timeout: Duration) -> LinkStatus {
    use ureq::Error;
    let fail = |e: Error| match e {
        Error::Timeout(_) => format!("no answer within {} s", timeout.as_secs_f32()),
        Error::HostNotFound => "host not found".into(),
        Error::ConnectionFailed => "connection failed".into(),
        e => e.to_string(),
    };
    match agent.head(url).call() {
        Ok(r) if r.status().is_success() => return LinkStatus::Ok(r.status().as_u16()),
        // Some servers refuse or mishandle HEAD: ask again with GET.
        Ok(_) => {}
        // No server answered at all: a GET would not fare better.
        Err(e @ (Error::Timeout(_) | Error::HostNotFound | Error::ConnectionFailed)) => {
            return LinkStatus::Unreachable(fail(e));
        }
        Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return LinkStatus::Unreachable(format!("connection refused ({e})"));
        }
        Err(_) => {}
    }
    match agent.get(url).call() {
        Ok(r) if r.status().is_success() => LinkStatus::Ok(r.status().as_u16()),
        Ok(r) => LinkStatus::Broken(r.status().as_u16()),
        Err(e) => LinkStatus::Unreachable(fail(e)),
    }
}

/// Checks URLs concurrently but politely: at most `per_host` requests in flight to one host
/// and `max_concurrent` in all, each limited to `timeout`. Results are in the order of `urls`.
pub fn check_urls(urls: &[String], opts: &ExternalOptions) -> Vec<LinkStatus> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!(
            "atlas-check/",
            env!("CARGO_PKG_VERSION"),
            " (link checker)"
        ))
        .build()
        .into();
    let mut results: Vec<Option<LinkStatus>> = vec![None; urls.len()];
    let mut pending = VecDeque::new();
    for (i, u) in urls.iter().enumerate() {
        match host_of(u) {
            Some(h) => pending.push_back((i, h)),
            None => results[i] = Some(LinkStatus::Unreachable("not a valid URL".into())),
        }
    }
    struct State {
        pending: VecDeque<(usize, String)>,
        in_flight: HashMap<String, usize>,
        done: Vec<(usize, LinkStatus)>,
    }
    let state = Mutex::new(State {
        pending,
        in_flight: HashMap::new(),
        done: Vec::new(),
    });
    let wake = Condvar::new();
    let per_host = opts.per_host.max(1);
    let workers = opts.max_concurrent.max(1).min(urls.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let (i, host) = {
                        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                        loop {
                            if st.pending.is_empty() {
                                return;
                            }
                            let free = st.pending.iter().position(|(_, h)| {
                                st.in_flight.get(h).copied().unwrap_or(0) < per_host
                            });
                            if let Some(k) = free {
                                let job = st.pending.remove(k).expect("index in range");
                                *st.in_flight.entry(job.1.clone()).or_default() += 1;
                                break job;
                            }
                            st = wake.wait(st).unwrap_or_else(|e| e.into_inner());
                        }
                    };
                    let status = probe(&agent, &urls[i], opts.timeout);
                    let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(n) = st.in_flight.get_mut(&host) {
                        *n = n.saturating_sub(1);
                    }
                    st.done.push((i, status));
                    drop(st);
                    wake.notify_all();
                }
            });
        }
    });
    let st = state.into_inner().unwrap_or_else(|e| e.into_inner());
    for (i, status) in st.done {
        results[i] = Some(status);
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| LinkStatus::Unreachable("not checked".into())))
        .collect()
}

/// True for an http(s) URL (the scheme in any case).
pub(super) fn is_http(u: &str) -> bool {
    let l = u.get(..8).unwrap_or(u).to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}
