//! Which `Host` names `atlas serve` answers, against DNS rebinding.
//!
//! Takes the listening address and the names given with `--allowed-host`; gives a
//! [`HostPolicy`] that accepts or refuses a request's `Host` header (and the authority of an
//! absolute request target), and an axum middleware that answers a refused request with 403
//! (or 400) and a plain message naming the option. It only looks at the request's head: it
//! must not read the body, touch the site or keep anything but the names it has reported.
//!
//! The rules (docs/serve.md):
//! - Bound to a loopback address: the address itself (any port), `localhost` and any name
//!   under `.localhost` (browsers resolve those to this machine themselves, so no one else's
//!   DNS can point them anywhere), and the `--allowed-host` names.
//! - Bound to any other address: every name, unless `--allowed-host` is given; then those
//!   names, `localhost`, `*.localhost` and any IP address.
//! - HTTP/1.1 without `Host` gets 400 (RFC 9112 requires it). HTTP/1.0 without `Host` is
//!   answered: no browser sends such a request, so it cannot come from a web page.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderValue, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// How many refused names are printed to the terminal (each once).
const MAX_REPORTED: usize = 16;

/// A name given to `--allowed-host` that is not a host name.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "`{0}` is not a host name; give --allowed-host a name such as preview.example or an IP \
     address, without scheme, port or path"
)]
pub struct BadAllowedHost(pub String);

/// Why a request's host was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    /// An HTTP/1.1 request without `Host`.
    #[error("atlas serve refused this request: it has no Host header, which HTTP/1.1 requires")]
    Missing,
    /// More than one `Host` header.
    #[error("atlas serve refused this request: it has more than one Host header")]
    Several,
    /// A `Host` that is not `name[:port]`.
    #[error("atlas serve refused this request: the Host header `{0}` is not a host name")]
    Invalid(String),
    /// A name the policy does not answer.
    #[error(
        "atlas serve refused this request: the Host header `{shown}` is not allowed; run atlas \
         serve with --allowed-host {name} to allow it"
    )]
    NotAllowed {
        /// The header as sent (port included).
        shown: String,
        /// The name alone, for the option.
        name: String,
    },
}

impl Refusal {
    fn status(&self) -> StatusCode {
        match self {
            Refusal::NotAllowed { .. } => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

/// A host as compared: an IP address or a lowercase name without a trailing dot.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Host {
    Ip(IpAddr),
    Name(String),
}

impl Host {
    /// `host` without port: `Example.ORG.` → `example.org`, `[::1]` → `::1`.
    fn parse(host: &str) -> Option<Host> {
        let inner = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        if let Ok(ip) = inner.parse::<IpAddr>() {
            return Some(Host::Ip(ip));
        }
        if inner.contains(':') || inner.starts_with('[') {
            return None;
        }
        let name = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
        let valid = !name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
        valid.then_some(Host::Name(name))
    }

    fn is_localhost(&self) -> bool {
        matches!(self, Host::Name(n) if n == "localhost" || n.ends_with(".localhost"))
    }
}

/// Parses one `--allowed-host` value (a name or an IP address; IPv6 with or without brackets).
pub fn parse_allowed_host(value: &str) -> Result<String, BadAllowedHost> {
    match Host::parse(value.trim()) {
        Some(Host::Ip(ip)) => Ok(ip.to_string()),
        Some(Host::Name(n)) => Ok(n),
        None => Err(BadAllowedHost(value.to_string())),
    }
}

/// Which hosts the server answers.
#[derive(Debug)]
pub struct HostPolicy {
    /// The loopback address listened on; `None` when bound elsewhere.
    loopback: Option<IpAddr>,
    allowed: Vec<Host>,
    /// Names already printed to the terminal.
    reported: Mutex<Vec<String>>,
}

impl HostPolicy {
    /// The policy for a server listening on `bind` with these `--allowed-host` names (each
    /// as [`parse_allowed_host`] gives it; others are ignored).
    pub fn new(bind: IpAddr, allowed: &[String]) -> HostPolicy {
        HostPolicy {
            loopback: bind.is_loopback().then_some(bind),
            allowed: allowed.iter().filter_map(|a| Host::parse(a)).collect(),
            reported: Mutex::new(Vec::new()),
        }
    }

    /// Whether any request can be refused for its host (false: bound to a non-loopback
    /// address and no `--allowed-host`).
    pub fn checks(&self) -> bool {
        self.loopback.is_some() || !self.allowed.is_empty()
    }

    /// Checks a request's head: its `Host` headers, its version and its target.
    pub fn check(
        &self,
        version: Version,
        hosts: &[&HeaderValue],
        target: Option<&Authority>,
    ) -> Result<(), Refusal> {
        if hosts.len() > 1 {
            return Err(Refusal::Several);
        }
        if hosts.is_empty() && target.is_none() && version >= Version::HTTP_11 {
            return Err(Refusal::Missing);
        }
        if !self.checks() {
            return Ok(());
        }
        // An absolute target (`GET http://name/ HTTP/1.1`) names the host too; both must pass.
        for value in hosts {
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let authority = text
                .parse::<Authority>()
                .map_err(|_| Refusal::Invalid(text.clone()))?;
            self.check_authority(&authority, &text)?;
        }
        if let Some(a) = target {
            self.check_authority(a, a.as_str())?;
        }
        Ok(())
    }

    fn check_authority(&self, authority: &Authority, shown: &str) -> Result<(), Refusal> {
        // `name`, `name:` or `name:PORT`, no user info.
        let text = authority.as_str();
        let rest = text.strip_prefix(authority.host()).unwrap_or(":x");
        let port_ok = match rest.strip_prefix(':') {
            None => rest.is_empty(),
            Some(p) => p.is_empty() || p.parse::<u16>().is_ok(),
        };
        if text.contains('@') || !port_ok {
            return Err(Refusal::Invalid(shown.to_string()));
        }
        let host = Host::parse(authority.host()).ok_or_else(|| Refusal::Invalid(shown.into()))?;
        if self.allows(&host) {
            return Ok(());
        }
        let name = match &host {
            Host::Ip(ip) => ip.to_string(),
            Host::Name(n) => n.clone(),
        };
        Err(Refusal::NotAllowed {
            shown: shown.to_string(),
            name,
        })
    }

    fn allows(&self, host: &Host) -> bool {
        if host.is_localhost() || self.allowed.contains(host) {
            return true;
        }
        match self.loopback {
            Some(bound) => *host == Host::Ip(bound),
            // Bound elsewhere with --allowed-host: any address of this machine is fine (an
            // address cannot be rebound; a page at it is served by this server).
            None => matches!(host, Host::Ip(_)),
        }
    }

    /// Prints the first refusals of each name to the terminal, so that the person running
    /// the server learns the option too.
    fn report(&self, refusal: &Refusal) {
        let Refusal::NotAllowed { name, .. } = refusal else {
            return;
        };
        let mut seen = self.reported.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= MAX_REPORTED || seen.contains(name) {
            return;
        }
        seen.push(name.clone());
        let more = if seen.len() == MAX_REPORTED {
            " (further names refused are not printed)"
        } else {
            ""
        };
        eprintln!(
            "warning: refused a request for Host `{name}`: run atlas serve with --allowed-host \
             {name} if you meant to open the preview under that name{more}"
        );
    }
}

/// The axum middleware: answers refused requests, passes the others on.
pub async fn guard(State(policy): State<Arc<HostPolicy>>, req: Request, next: Next) -> Response {
    let hosts: Vec<&HeaderValue> = req.headers().get_all(header::HOST).iter().collect();
    let verdict = policy.check(req.version(), &hosts, req.uri().authority());
    match verdict {
        Ok(()) => next.run(req).await,
        Err(refusal) => {
            policy.report(&refusal);
            (
                refusal.status(),
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("{refusal}\n"),
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(policy: &HostPolicy, version: Version, host: Option<&str>) -> Result<(), Refusal> {
        let value = host.map(|h| HeaderValue::from_str(h).unwrap());
        let hosts: Vec<&HeaderValue> = value.iter().collect();
        policy.check(version, &hosts, None)
    }

    fn ok(policy: &HostPolicy, host: &str) -> bool {
        check(policy, Version::HTTP_11, Some(host)).is_ok()
    }

    #[test]
    fn loopback_answers_its_address_and_localhost_only() {
        let p = HostPolicy::new("127.0.0.1".parse().unwrap(), &[]);
        for good in [
            "127.0.0.1",
            "127.0.0.1:1111",
            "127.0.0.1:8080",
            "localhost",
            "LocalHost:1111",
            "localhost.",
            "app.localhost:1111",
            "a.b.localhost",
        ] {
            assert!(ok(&p, good), "{good}");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "127.0.0.2",
            "[::1]:1111",
            "localhost.evil.example",
            "notlocalhost",
            "0.0.0.0",
        ] {
            assert!(
                matches!(
                    check(&p, Version::HTTP_11, Some(bad)),
                    Err(Refusal::NotAllowed { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn ipv6_loopback_in_brackets() {
        let p = HostPolicy::new("::1".parse().unwrap(), &[]);
        assert!(ok(&p, "[::1]:1111"));
        assert!(ok(&p, "[::1]"));
        assert!(ok(&p, "localhost:1111"));
        assert!(!ok(&p, "127.0.0.1:1111"));
        assert!(matches!(
            check(&p, Version::HTTP_11, Some("::1")),
            Err(Refusal::Invalid(_))
        ));
    }

    #[test]
    fn allowed_hosts_are_answered_and_named_in_the_refusal() {
        let allowed = vec![parse_allowed_host("Preview.Test").unwrap()];
        let p = HostPolicy::new("127.0.0.1".parse().unwrap(), &allowed);
        assert!(ok(&p, "preview.test:1111"));
        assert!(ok(&p, "PREVIEW.TEST"));
        assert!(!ok(&p, "x.preview.test"));
        let e = check(&p, Version::HTTP_11, Some("evil.example:1111")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "atlas serve refused this request: the Host header `evil.example:1111` is not \
             allowed; run atlas serve with --allowed-host evil.example to allow it"
        );
        assert_eq!(e.status(), StatusCode::FORBIDDEN);
    }

    #[test]
    fn missing_several_and_invalid_hosts() {
        let p = HostPolicy::new("127.0.0.1".parse().unwrap(), &[]);
        assert_eq!(check(&p, Version::HTTP_11, None), Err(Refusal::Missing));
        assert_eq!(check(&p, Version::HTTP_10, None), Ok(()));
        let a = HeaderValue::from_static("localhost");
        assert_eq!(
            p.check(Version::HTTP_11, &[&a, &a], None),
            Err(Refusal::Several)
        );
        for bad in [
            "user@localhost",
            "local host",
            "[::1",
            "a..b",
            "-:x",
            "localhost:x",
            "localhost:99999",
            "-a.localhost",
            "",
        ] {
            assert!(
                matches!(
                    check(&p, Version::HTTP_11, Some(bad)),
                    Err(Refusal::Invalid(_))
                ),
                "{bad:?}"
            );
        }
        // An absolute target is checked too.
        let target: Authority = "evil.example".parse().unwrap();
        let local = HeaderValue::from_static("localhost");
        assert!(matches!(
            p.check(Version::HTTP_11, &[&local], Some(&target)),
            Err(Refusal::NotAllowed { .. })
        ));
    }

    #[test]
    fn other_addresses_answer_all_unless_names_are_given() {
        let open = HostPolicy::new("0.0.0.0".parse().unwrap(), &[]);
        assert!(!open.checks());
        assert!(ok(&open, "evil.example"));
        assert_eq!(check(&open, Version::HTTP_11, None), Err(Refusal::Missing));
        let named = HostPolicy::new("::".parse().unwrap(), &["team.example".into()]);
        assert!(named.checks());
        assert!(ok(&named, "team.example:1111"));
        assert!(ok(&named, "192.168.1.20:1111"));
        assert!(ok(&named, "[fe80::1]:1111"));
        assert!(ok(&named, "localhost"));
        assert!(!ok(&named, "evil.example"));
    }

    #[test]
    fn allowed_host_values() {
        assert_eq!(parse_allowed_host("Dev.Example.").unwrap(), "dev.example");
        assert_eq!(parse_allowed_host("[::1]").unwrap(), "::1");
        assert_eq!(parse_allowed_host("::1").unwrap(), "::1");
        assert_eq!(parse_allowed_host("10.0.0.2").unwrap(), "10.0.0.2");
        for bad in [
            "http://dev.example/",
            "dev.example:8080",
            "dev example",
            "",
            "a/b",
        ] {
            assert!(parse_allowed_host(bad).is_err(), "{bad}");
        }
    }
}
