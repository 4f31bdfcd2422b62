//! End-to-end tests of `atlas check` on fixture sites with one kind of problem each.

mod common;
use common::*;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn check(site: &Site, extra: &[&str]) -> Run {
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    atlas(&args, site.root())
}

fn json(site: &Site, extra: &[&str]) -> (Run, serde_json::Value) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let r = check(site, &args);
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {r:?}"));
    (r, v)
}

/// (severity, category, file, line, message) of every diagnostic.
fn diags(v: &serde_json::Value) -> Vec<(String, String, String, u64, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["category"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn translation_parity() {
    let s = fixture("check-parity");
    // The site builds: disagreements are only found by check.
    assert!(s.build(&[]).ok());
    let (r, v) = json(&s, &["--stale-days", "100000"]);
    assert_eq!(r.code, 1, "{r:?}");
    let d = diags(&v);
    let errors: Vec<(&str, u64, &str)> = d
        .iter()
        .filter(|x| x.0 == "error")
        .map(|x| (x.2.as_str(), x.3, x.4.as_str()))
        .collect();
    let has = |file: &str, line: u64, words: &[&str]| {
        errors
            .iter()
            .any(|(f, l, m)| *f == file && *l == line && words.iter().all(|w| m.contains(w)))
    };
    let en = "content/regions/alpha.en.md";
    assert!(
        has(
            en,
            6,
            &[
                "`region.kind`",
                "\"municipality\" here",
                "\"province\" in content/regions/alpha.zh.md:6"
            ]
        ),
        "{errors:#?}"
    );
    assert!(
        has(
            en,
            10,
            &["events #1 `date`", "\"2024-07\" here", "\"2024-06\""]
        ),
        "{errors:#?}"
    );
    assert!(
        has(
            en,
            16,
            &["`legislation` `value`", "\"partial\" here", "\"yes\""]
        ),
        "{errors:#?}"
    );
    let g = "content/drugs/gamma.en.md";
    assert!(
        has(g, 6, &["`drug.status`", "\"phase_3\" here", "\"approved\""]),
        "{errors:#?}"
    );
    assert!(has(g, 7, &["`drug.regions`"]), "{errors:#?}");
    assert!(
        has(
            g,
            10,
            &[
                "`drug.events` differ",
                "1 event(s) here, 2 in content/drugs/gamma.zh.md:10",
                "missing here: 2025-01 approval [s2]"
            ]
        ),
        "{errors:#?}"
    );
    // Only those: translated text (the `role` text value, titles) and the order of sources
    // are not facts to compare.
    assert_eq!(errors.len(), 6, "{errors:#?}");
    // beta exists in Chinese only: one warning, on that file.
    let warnings: Vec<_> = d.iter().filter(|x| x.0 == "warning").collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].1, "translation");
    assert_eq!(warnings[0].2, "content/regions/beta.zh.md");
    assert!(
        warnings[0].4.contains("content/regions/beta.en.md"),
        "{warnings:#?}"
    );
    assert_eq!(v["counts"]["errors"], 6);
    assert_eq!(v["counts"]["warnings"], 1);
    assert_eq!(v["ok"], false);

    // The human format says the same, one finding per line with file:line:col.
    let r = check(&s, &["--stale-days", "100000"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains(
            "content/regions/alpha.en.md:6:8: error[translation]: `region.kind` differs between translations"
        ),
        "{r:?}"
    );
    assert!(
        r.stdout
            .contains("content/regions/beta.zh.md:1:1: warning[translation]:"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("atlas check: 6 error(s), 1 warning(s)"),
        "{r:?}"
    );

    // Fixing the facts clears the errors; the missing translation stays a warning: exit 0.
    s.edit(en, "kind = \"municipality\"", "kind = \"province\"");
    s.edit(en, "date = \"2024-07\"", "date = \"2024-06\"");
    s.edit(en, "value = \"partial\"", "value = true");
    s.edit(g, "status = \"phase_3\"", "status = \"approved\"");
    s.edit(
        g,
        "regions = [\"alpha\", \"beta\"]",
        "regions = [\"alpha\"]",
    );
    s.edit(
        g,
        "+++\nGamma",
        "\n[[drug.events]]\ndate = \"2025-01\"\nkind = \"approval\"\ntitle = \"Approved.\"\nsource = \"s2\"\n+++\nGamma",
    );
    let (r, v) = json(&s, &["--stale-days", "100000"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(v["counts"]["errors"], 0, "{}", r.stdout);
    assert_eq!(v["counts"]["warnings"], 1, "{}", r.stdout);
}

#[test]
fn stale_facts() {
    let s = fixture("check-stale");
    let (r, v) = json(&s, &["--stale-days", "365"]);
    assert_eq!(r.code, 0, "warnings only: {r:?}");
    let d = diags(&v);
    assert!(
        d.iter().all(|x| x.0 == "warning" && x.1 == "stale"),
        "{d:#?}"
    );
    let find = |file: &str| {
        d.iter()
            .filter(|x| x.2 == file)
            .map(|x| (x.3, x.4.clone()))
            .collect::<Vec<_>>()
    };
    for l in ["zh", "en"] {
        let old = find(&format!("content/regions/old.{l}.md"));
        assert_eq!(old.len(), 1, "{d:#?}");
        assert_eq!(old[0].0, 3);
        assert!(
            old[0].1.contains("last reviewed 2020-01-01") && old[0].1.contains("limit is 365"),
            "{old:?}"
        );
        let month = find(&format!("content/regions/month.{l}.md"));
        assert!(month[0].1.contains("last reviewed 2020-06"), "{month:?}");
        let undated = find(&format!("content/regions/undated.{l}.md"));
        assert_eq!(undated.len(), 1);
        assert_eq!(undated[0].0, 2, "points at the title");
        assert!(undated[0].1.contains("no `updated` date"), "{undated:?}");
        let future = find(&format!("content/regions/future.{l}.md"));
        assert!(future[0].1.contains("in the future"), "{future:?}");
    }
    assert_eq!(d.len(), 8, "{d:#?}");

    // A large limit leaves only the undated and future pages.
    let (_, v) = json(&s, &["--stale-days", "100000"]);
    assert_eq!(v["counts"]["warnings"], 4, "{v}");

    // The limit comes from atlas.toml when not given on the command line...
    let config = s.read("atlas.toml");
    s.write(
        "atlas.toml",
        &format!("{config}\n[check]\nstale_after_days = 100000\n"),
    );
    let (_, v) = json(&s, &[]);
    assert_eq!(v["counts"]["warnings"], 4, "{v}");
    // ...and --stale-days overrides it.
    let (_, v) = json(&s, &["--stale-days", "30"]);
    assert_eq!(v["counts"]["warnings"], 8, "{v}");
}

/// The raw-html findings of `atlas check` on the check-html fixture, as `file:line:col: message`
/// (severity and category dropped), with a script-carrying SVG added to the theme's static
/// files.
fn raw_html_lines(s: &Site, severity: &str) -> (Run, Vec<String>) {
    let r = check(s, &["--stale-days", "100000"]);
    let tag = format!(": {severity}[raw-html]: ");
    let lines = r
        .stdout
        .lines()
        .filter_map(|l| l.split_once(&tag).map(|(at, m)| format!("{at}: {m}")))
        .collect();
    (r, lines)
}

fn check_html_site() -> Site {
    let s = fixture("check-html");
    // The fixture's themes/ is a copy of the repository's: add a file to its static folder.
    s.write(
        "themes/atlas/static/badge.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<a href=\" javascript:alert(1)\"><text>x</text></a>\n</svg>\n",
    );
    s
}

const RAW_HTML_FINDINGS: &[&str] = &[
    "content/regions/embed.html:4:4: raw HTML: javascript: URL in `href` of <a>",
    "content/regions/html.en.md:8:6: raw HTML: javascript: URL in `href` of <a>",
    "content/regions/html.en.md:8:52: raw HTML: inline event handler `onmouseover` on <span>",
    "content/regions/html.en.md:11:1: raw HTML: a <script> element",
    "content/regions/html.en.md:14:1: unsafe link: javascript: URL in a Markdown link",
    "content/regions/html.en.md:23:1: raw HTML: an <iframe srcdoc> (a whole HTML document, scripts and all, inside the page)",
    "content/regions/html.en.md:24:1: raw HTML: an <object> element (plugin content, which can run script)",
    "content/regions/html.en.md:25:1: raw HTML: an <embed> element (plugin content, which can run script)",
    "content/regions/html.en.md:26:1: raw HTML: a <meta http-equiv=\"refresh\"> (sends the reader to another address)",
    "content/regions/html.en.md:27:1: raw HTML: a <form action> (sends what the reader types to another address)",
    "content/regions/html.en.md:28:1: raw HTML: a <base> element (changes where every link and file of the page points)",
    "content/regions/html.en.md:30:16: raw HTML: `</noscript>` inside the `title` of <p>: with scripts on, a browser ends the <noscript> there and reads what follows as markup",
    "content/regions/html.en.md:30:45: raw HTML: inline event handler `onerror` on <img>",
    "content/regions/html.en.md:32:24: raw HTML: inline event handler `onerror` on <img>",
    "content/regions/html.en.md:34:1: unsafe link: data: URL in a Markdown link",
    "content/regions/html.en.md:34:54: unsafe link: vbscript: URL in an autolink",
    "content/regions/map.svg:2:104: raw HTML: inline event handler `onload` on <svg>",
    "content/regions/map.svg:4:31: raw HTML: javascript: URL set as a link by `to` of <set>",
    "content/regions/map.svg:5:41: raw HTML: javascript: URL set as a link by `values` of <animate>",
    "content/regions/map.svg:9:5: raw HTML: a <script> element",
    "themes/atlas/static/badge.svg:2:4: raw HTML: javascript: URL in `href` of <a>",
];

#[test]
fn raw_html_policy() {
    let s = check_html_site();
    // The build does not refuse raw HTML by default...
    assert!(s.build(&[]).ok());
    // ...check warns about each dangerous piece, with its line, and exits 0.
    let (r, lines) = raw_html_lines(&s, "warning");
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(lines, RAW_HTML_FINDINGS, "{r:?}");
    assert!(
        r.stdout.contains(&format!(
            "0 error(s), {} warning(s)",
            RAW_HTML_FINDINGS.len()
        )),
        "{r:?}"
    );
    // Every finding has a hint.
    let (_, v) = json(&s, &["--stale-days", "100000"]);
    for d in v["diagnostics"].as_array().unwrap() {
        assert!(d["hint"].as_str().is_some_and(|h| !h.is_empty()), "{d}");
    }
}

#[test]
fn raw_html_strict_mode_makes_findings_errors() {
    let s = check_html_site();
    let config = s.read("atlas.toml");
    s.write(
        "atlas.toml",
        &format!("{config}\n[check]\nraw_html = \"error\"\n"),
    );
    let (r, lines) = raw_html_lines(&s, "error");
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(lines, RAW_HTML_FINDINGS, "{r:?}");
    // Reported once each, under raw-html (not again as build errors).
    assert!(
        r.stdout.contains(&format!(
            "{} error(s), 0 warning(s)",
            RAW_HTML_FINDINGS.len()
        )),
        "{r:?}"
    );
    // A value other than warn or error is a config error naming the key.
    s.edit(
        "atlas.toml",
        "raw_html = \"error\"",
        "raw_html = \"strict\"",
    );
    let r = check(&s, &[]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(
        r.stdout.contains("atlas.toml:") && r.stdout.contains("unknown variant `strict`"),
        "{r:?}"
    );
}

#[test]
fn build_errors_and_content_checks_together() {
    let s = fixture("check-build-errors");
    let b = s.build(&[]);
    assert!(!b.ok());
    let (r, v) = json(&s, &["--stale-days", "100000"]);
    assert_eq!(r.code, 1, "{r:?}");
    let d = diags(&v);
    let f = "content/regions/bad.en.md";
    assert!(
        d.iter().any(|x| x.0 == "error"
            && x.1 == "build"
            && x.2 == f
            && x.3 == 8
            && x.4.contains("[@nope]")),
        "{d:#?}"
    );
    assert!(
        d.iter()
            .any(|x| x.1 == "build" && x.2 == f && x.3 == 8 && x.4.contains("regions/missing.md")),
        "{d:#?}"
    );
    // The translation check still runs when the build fails.
    assert!(
        d.iter()
            .any(|x| x.1 == "translation" && x.2 == f && x.3 == 6 && x.4.contains("`region.kind`")),
        "{d:#?}"
    );
    // Every build error is there, with its hint (the same as `atlas build` prints).
    for line in b.stderr.lines().filter(|l| l.contains(": error: ")) {
        let (place, msg) = line.split_once(": error: ").unwrap();
        assert!(
            r.stdout.contains(msg) || d.iter().any(|x| x.4 == msg),
            "{place}: {msg} missing from check: {r:?}"
        );
    }
    // Counts match the list; every diagnostic has a hint.
    let n = v["diagnostics"].as_array().unwrap().len() as u64;
    assert_eq!(
        v["counts"]["errors"].as_u64().unwrap() + v["counts"]["warnings"].as_u64().unwrap(),
        n
    );
    for x in v["diagnostics"].as_array().unwrap() {
        assert!(x["hint"].is_string(), "{x}");
        for key in ["severity", "category", "file", "line", "column", "message"] {
            assert!(x.get(key).is_some(), "{key} missing in {x}");
        }
    }
    assert_eq!(v["format_version"], 1);
}

#[test]
fn a_clean_site_passes_and_check_writes_nothing() {
    let s = fixture("check-stale");
    for f in ["undated", "future", "month"] {
        s.remove(&format!("content/regions/{f}.zh.md"));
        s.remove(&format!("content/regions/{f}.en.md"));
    }
    let r = check(&s, &["--stale-days", "100000"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.stdout.trim(),
        "atlas check: 0 error(s), 0 warning(s) in 6 content file(s)",
        "{r:?}"
    );
    assert!(!s.path("public").exists(), "check must not write output");
}

#[test]
fn usage_errors_exit_2() {
    let s = fixture("check-stale");
    for args in [
        &["--format", "xml"][..],
        &["--stale-days", "-3"],
        &["--no-such-flag"],
    ] {
        let r = check(&s, args);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
    }
    // Not a site: an error, exit 1, with the reason in both formats.
    let empty = tempfile::tempdir().unwrap();
    let r = atlas(&["check", "--format", "json"], empty.path());
    assert_eq!(r.code, 1, "{r:?}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        v["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("cannot read the site config"),
        "{v}"
    );
}

// --- external links, against a server on 127.0.0.1 only ---------------------------------------

/// A tiny HTTP server: `/ok` answers 200, `/nohead` answers 405 to HEAD and 200 to GET,
/// `/slow` waits 5 s, everything else 404. Counts requests in flight at once.
struct TestServer {
    port: u16,
    max_in_flight: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

fn serve() -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max_in_flight = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let (inf, max, reqs) = (in_flight.clone(), max_in_flight.clone(), requests.clone());
    std::thread::spawn(move || {
        // Bounded: the test's requests are few; the thread ends with the test process.
        for stream in listener.incoming().take(200).flatten() {
            let (inf, max, reqs) = (inf.clone(), max.clone(), reqs.clone());
            std::thread::spawn(move || handle(stream, &inf, &max, &reqs));
        }
    });
    TestServer {
        port,
        max_in_flight,
        requests,
    }
}

fn handle(mut stream: TcpStream, inf: &AtomicUsize, max: &AtomicUsize, reqs: &AtomicUsize) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 && line.trim() != "" {
            line.clear();
        }
        reqs.fetch_add(1, Ordering::SeqCst);
        let now = inf.fetch_add(1, Ordering::SeqCst) + 1;
        max.fetch_max(now, Ordering::SeqCst);
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or("");
        let path = parts.next().unwrap_or("");
        let status = match (method, path) {
            (_, p) if p.starts_with("/ok") => {
                // Long enough for parallel requests to overlap.
                std::thread::sleep(Duration::from_millis(150));
                "200 OK"
            }
            ("HEAD", "/nohead") => "405 Method Not Allowed",
            ("GET", "/nohead") => "200 OK",
            (_, "/slow") => {
                std::thread::sleep(Duration::from_secs(5));
                "200 OK"
            }
            _ => "404 Not Found",
        };
        inf.fetch_sub(1, Ordering::SeqCst);
        let body = if method == "HEAD" { "" } else { "hello" };
        let resp = format!(
            "HTTP/1.1 {status}\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\n{body}"
        );
        if stream.write_all(resp.as_bytes()).is_err() {
            return;
        }
        let _ = stream.flush();
    }
}

/// A port on 127.0.0.1 with nothing listening.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn check_no_proxy(site: &Site, args: &[&str]) -> Run {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_atlas"));
    cmd.arg("check").args(args).current_dir(site.root());
    for v in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

#[test]
fn external_links_against_a_local_server() {
    let server = serve();
    let base = format!("http://127.0.0.1:{}", server.port);
    let dead = closed_port();
    let s = fixture("check-stale");
    s.write(
        "data/sources.toml",
        &format!(
            "[[source]]\nid = \"s1\"\ntitle = \"One\"\nurl = \"{base}/ok/1\"\n\n\
             [[source]]\nid = \"s2\"\ntitle = \"Two\"\nurl = \"{base}/gone\"\n"
        ),
    );
    let links: String = (2..8)
        .map(|i| format!("[ok {i}]({base}/ok/{i}) "))
        .collect();
    s.write(
        "content/regions/old.en.md",
        &format!(
            "+++\ntitle = \"Old en\"\nupdated = 2020-01-01\n\n[region]\nkind = \"province\"\n+++\n\
             {links}\n\n[no head]({base}/nohead) and [closed](http://127.0.0.1:{dead}/x#part).\n"
        ),
    );
    // Without --external nothing is requested.
    let r = check_no_proxy(&s, &["--stale-days", "100000"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);

    let r = check_no_proxy(
        &s,
        &["--stale-days", "100000", "--external", "--format", "json"],
    );
    assert_eq!(r.code, 0, "unreachable links are warnings: {r:?}");
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    // 7 /ok links, /gone, /nohead and the closed port.
    assert_eq!(v["counts"]["external_links"], 10, "{v}");
    let ext: Vec<(String, u64, String)> = diags(&v)
        .into_iter()
        .filter(|d| d.1 == "external-link")
        .map(|d| (d.2, d.3, d.4))
        .collect();
    assert_eq!(ext.len(), 2, "{ext:#?}");
    assert!(
        ext.iter().any(|(f, l, m)| f == "data/sources.toml"
            && *l == 9
            && m.contains("HTTP 404")
            && m.contains("/gone")),
        "{ext:#?}"
    );
    assert!(
        ext.iter().any(|(f, l, m)| f == "content/regions/old.en.md"
            && *l == 10
            && m.contains("unreachable")
            && m.contains(&format!("127.0.0.1:{dead}/x"))),
        "{ext:#?}"
    );
    // Polite: never more than 2 requests at once to the one host.
    let max = server.max_in_flight.load(Ordering::SeqCst);
    assert!((1..=2).contains(&max), "max in flight {max}");
    assert!(
        max == 2,
        "requests should overlap up to the limit, saw {max}"
    );

    // A server that does not answer in time is reported, after the timeout.
    s.write(
        "content/regions/old.zh.md",
        &format!(
            "+++\ntitle = \"Old zh\"\nupdated = 2020-01-01\n\n[region]\nkind = \"province\"\n+++\n[slow]({base}/slow)\n"
        ),
    );
    let start = std::time::Instant::now();
    let r = check_no_proxy(
        &s,
        &[
            "--stale-days",
            "100000",
            "--external",
            "--external-timeout",
            "1",
        ],
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "timeout not applied"
    );
    assert!(
        r.stdout.contains("content/regions/old.zh.md:8:")
            && r.stdout.contains("/slow")
            && r.stdout.contains("no answer within 1 s"),
        "{r:?}"
    );
}

/// A file whose front matter does not parse is reported once, as a front matter error: not
/// also as a missing translation of its other-language version (by `check` or by the build),
/// and `check` still counts it among the content files.
#[test]
fn a_file_that_fails_to_parse_is_not_also_untranslated() {
    let s = fixture("check-stale");
    for f in ["undated", "future", "month"] {
        s.remove(&format!("content/regions/{f}.zh.md"));
        s.remove(&format!("content/regions/{f}.en.md"));
    }
    let before = check(&s, &["--stale-days", "100000"]);
    assert!(before.stdout.contains("in 6 content file(s)"), "{before:?}");
    s.write(
        "content/regions/old.zh.md",
        "+++\ntitle = \"Old zh\nupdated = 2020-01-01\n+++\nBody.\n",
    );
    let (r, v) = json(&s, &["--stale-days", "100000"]);
    assert_eq!(r.code, 1, "{r:?}");
    let d = diags(&v);
    assert!(
        d.iter().any(|x| x.0 == "error"
            && x.2 == "content/regions/old.zh.md"
            && x.4.starts_with("front matter:")),
        "{d:#?}"
    );
    assert!(!d.iter().any(|x| x.1 == "translation"), "{d:#?}");
    let human = check(&s, &["--stale-days", "100000"]);
    assert!(
        human
            .stdout
            .contains("1 error(s), 0 warning(s) in 6 content file(s)"),
        "{human:?}"
    );
    let b = s.build(&[]);
    assert!(!b.ok());
    assert!(!b.stderr.contains("not translated"), "{b:?}");
}
