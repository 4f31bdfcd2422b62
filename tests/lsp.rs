//! `atlas lsp` at the protocol level: the binary is spawned on a copy of the repository's own
//! site and spoken to over pipes with JSON-RPC (lsp-server's message framing), each feature
//! checked with exact values.

mod common;

use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use lsp_server::{Message, Notification, Request, RequestId};
use serde_json::{Value, json};

/// The repository's own site, copied.
fn own_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["atlas.toml", "content", "data", "themes"] {
        let src = repo.join(part);
        if src.is_dir() {
            common::copy_tree(&src, &dir.path().join(part));
        } else {
            std::fs::copy(&src, dir.path().join(part)).unwrap();
        }
    }
    dir
}

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Message>,
    next: i32,
    /// Notifications seen while waiting for something else.
    seen: Vec<Notification>,
    root: PathBuf,
    init: Value,
}

fn uri(p: &Path) -> String {
    atlas::lsp::position::uri(p).as_str().to_string()
}

impl Client {
    fn start(root: &Path, encodings: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_atlas"))
            .args(["lsp", "--root"])
            .arg(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Ok(Some(m)) = Message::read(&mut r) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut c = Client {
            child,
            stdin,
            rx,
            next: 0,
            seen: Vec::new(),
            root: root.to_path_buf(),
            init: Value::Null,
        };
        let mut caps = json!({});
        if !encodings.is_empty() {
            caps = json!({ "general": { "positionEncodings": encodings } });
        }
        c.init = c.request(
            "initialize",
            json!({ "processId": null, "rootUri": uri(root), "capabilities": caps }),
        );
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, m: Message) {
        m.write(&mut self.stdin).unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.into(),
            params,
        )));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.send(Message::Request(Request::new(
            id.clone(),
            method.into(),
            params,
        )));
        loop {
            match self
                .rx
                .recv_timeout(Duration::from_secs(60))
                .expect("no answer")
            {
                Message::Response(r) if r.id == id => {
                    if let Some(e) = r.error {
                        return json!({ "error": e.message });
                    }
                    return r.result.unwrap_or(Value::Null);
                }
                Message::Notification(n) => self.seen.push(n),
                _ => {}
            }
        }
    }

    /// Waits for diagnostics of `file` that satisfy `ok`; returns them.
    fn diagnostics(&mut self, file: &Path, ok: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let want = uri(file);
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut check = |n: &Notification| -> Option<Vec<Value>> {
            if n.method != "textDocument/publishDiagnostics" || n.params["uri"] != want {
                return None;
            }
            let d = n.params["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            ok(&d).then_some(d)
        };
        let seen = std::mem::take(&mut self.seen);
        if let Some(d) = seen.iter().rev().find_map(&mut check) {
            return d;
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if let Message::Notification(n) =
                self.rx.recv_timeout(left).expect("no such diagnostics")
            {
                if let Some(d) = check(&n) {
                    return d;
                }
            }
        }
    }

    fn open(&mut self, file: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(file), "languageId": "markdown", "version": 1, "text": text } }),
        );
    }

    fn replace_all(&mut self, file: &Path, text: &str, version: i32) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(file), "version": version }, "contentChanges": [ { "text": text } ] }),
        );
    }

    fn at(&mut self, method: &str, file: &Path, line: u32, character: u32) -> Value {
        let mut params = json!({ "textDocument": { "uri": uri(file) }, "position": { "line": line, "character": character } });
        if method == "textDocument/references" {
            params["context"] = json!({ "includeDeclaration": false });
        }
        self.request(method, params)
    }

    fn file(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

/// (line, UTF-16 column) of the end of `text`.
fn end_utf16(text: &str) -> (u32, u32) {
    let line = text.matches('\n').count() as u32;
    let last = text.rsplit('\n').next().unwrap();
    (line, last.encode_utf16().count() as u32)
}

fn labels(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn diagnostics_as_you_type_are_atlas_checks_with_utf16_ranges_and_clear() {
    let site = own_site();
    let mut c = Client::start(site.path(), &[]);
    assert!(c.init["capabilities"]["positionEncoding"] == "utf-16");
    let file = c.file("content/regions/beijing.zh.md");
    let orig = std::fs::read_to_string(&file).unwrap();
    c.open(&file, &orig);
    // A broken link after Chinese text on the first body line.
    let broken = format!("{orig}\n北京𝄞见[坏链接](@/regions/nowhere.md)。\n");
    c.replace_all(&file, &broken, 2);
    let d = c.diagnostics(&file, |d| !d.is_empty());
    // What `atlas check` says of the same text saved.
    let other = own_site();
    std::fs::write(other.path().join("content/regions/beijing.zh.md"), &broken).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_atlas"))
        .args(["check", "--format", "json", "--root"])
        .arg(other.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let want: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["file"] == "content/regions/beijing.zh.md")
        .collect();
    assert_eq!(d.len(), want.len(), "{d:?}\n{want:?}");
    assert_eq!(d.len(), 1, "{d:?}");
    let w = want[0];
    assert_eq!(
        d[0]["message"].as_str().unwrap(),
        format!(
            "{}\nhint: {}",
            w["message"].as_str().unwrap(),
            w["hint"].as_str().unwrap()
        )
    );
    assert!(
        w["message"]
            .as_str()
            .unwrap()
            .starts_with("broken link @/regions/nowhere.md")
    );
    assert_eq!(d[0]["severity"], 1);
    assert_eq!(d[0]["code"], "build");
    // The range is the whole link, counted in UTF-16 (𝄞 is two units).
    let line = broken.lines().count() as u32 - 1;
    let last = broken.lines().last().unwrap();
    let s = last.find('[').unwrap();
    let e = last.find('。').unwrap();
    let u = |b: usize| last[..b].encode_utf16().count() as u32;
    assert_eq!(w["line"], line + 1);
    assert_eq!(
        d[0]["range"],
        json!({ "start": { "line": line, "character": u(s) }, "end": { "line": line, "character": u(e) } })
    );
    assert_eq!(u(s), 5);
    // Fixed: the file's diagnostics are cleared.
    c.replace_all(&file, &orig, 3);
    let d = c.diagnostics(&file, |d| d.is_empty());
    assert!(d.is_empty());
}

#[test]
fn whole_site_diagnostics_and_utf8_positions() {
    let site = own_site();
    let mut c = Client::start(site.path(), &["utf-8", "utf-16"]);
    assert_eq!(c.init["capabilities"]["positionEncoding"], "utf-8");
    // Editing the source registry on disk is seen on save; here a page's buffer names an
    // unknown source and a misspelt key, and another page's translation parity breaks.
    let file = c.file("content/regions/hunan.zh.md");
    let orig = std::fs::read_to_string(&file).unwrap();
    c.open(&file, &orig);
    let text = orig.replacen("+++\n", "+++\ntitel = \"x\"\n", 1);
    c.replace_all(&file, &text, 2);
    let d = c.diagnostics(&file, |d| !d.is_empty());
    assert_eq!(d.len(), 1, "{d:?}");
    let m = d[0]["message"].as_str().unwrap();
    assert!(m.starts_with("front matter: unknown field `titel`"), "{m}");
    assert_eq!(
        d[0]["range"],
        json!({ "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 5 } })
    );
    // The quick fix.
    let acts = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(&file) }, "range": d[0]["range"], "context": { "diagnostics": d } }),
    );
    let fix = acts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Change `titel` to `title`")
        .unwrap_or_else(|| panic!("{acts}"));
    assert_eq!(
        fix["edit"]["changes"][uri(&file)],
        json!([{ "range": d[0]["range"], "newText": "title" }])
    );
    // A fact changed in one language only: the other language's file gets the error.
    let text = orig.replacen("kind = \"province\"", "kind = \"municipality\"", 1);
    assert_ne!(text, orig);
    c.replace_all(&file, &text, 3);
    let en = c.file("content/regions/hunan.en.md");
    let d = c.diagnostics(&en, |d| !d.is_empty());
    assert!(
        d.iter().any(|x| x["code"] == "translation"
            && x["message"]
                .as_str()
                .unwrap()
                .starts_with("`region.kind` differs between translations")),
        "{d:?}"
    );
}

#[test]
fn completion() {
    let site = own_site();
    let mut c = Client::start(site.path(), &[]);
    let file = c.file("content/regions/beijing.en.md");
    let orig = std::fs::read_to_string(&file).unwrap();
    c.open(&file, &orig);
    let complete = |c: &mut Client, typed: &str| {
        let text = format!("{orig}\n{typed}");
        c.replace_all(&file, &text, 2);
        let (l, ch) = end_utf16(&text);
        c.at("textDocument/completion", &file, l, ch)
    };
    let r = complete(&mut c, "See [x](@/");
    // Every section of the site's content (each folder of content/), in order.
    let mut sections: Vec<String> = std::fs::read_dir(c.file("content"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| format!("{}/", e.file_name().to_string_lossy()))
        .collect();
    sections.sort();
    assert!(sections.contains(&"regions/".to_string()));
    assert_eq!(labels(&r), sections);
    let r = complete(&mut c, "See [x](@/regions/sh");
    assert_eq!(labels(&r), ["shanghai.md", "shenzhen.md"]);
    assert_eq!(r[0]["detail"], "Shanghai");
    let (l, ch) = end_utf16(&format!("{orig}\nSee [x](@/regions/sh"));
    assert_eq!(
        r[0]["textEdit"],
        json!({ "range": { "start": { "line": l, "character": ch - 2 }, "end": { "line": l, "character": ch } }, "newText": "shanghai.md" })
    );
    let r = complete(&mut c, "See [x](@/regions/shanghai.md#");
    assert_eq!(
        labels(&r),
        [
            "plans-and-action-programmes",
            "platforms-and-institutions",
            "research-and-development",
            "what-the-sources-do-not-say",
        ]
    );
    // In the file's language: Chinese titles from a Chinese page.
    let r = complete(&mut c, "Cited [@hainan-m");
    assert_eq!(labels(&r), ["hainan-med-2024"]);
    assert_eq!(r[0]["detail"], "全球干细胞临床研究现状与展望");
    assert_eq!(r[0]["documentation"], "海南医学, 2024-04");

    // Front matter: keys and values of the table the cursor is in.
    let at_front = |c: &mut Client, find: &str, insert: &str| {
        let i = orig.find(find).unwrap() + find.len();
        let text = format!("{}{insert}{}", &orig[..i], &orig[i..]);
        c.replace_all(&file, &text, 3);
        let before = &text[..i + insert.len()];
        let (l, ch) = end_utf16(before);
        c.at("textDocument/completion", &file, l, ch)
    };
    let r = at_front(&mut c, "[region]\n", "kind = \"");
    assert_eq!(
        labels(&r),
        [
            "national",
            "municipality",
            "province",
            "city",
            "pilot_zone",
            "sar",
            "region",
            "foreign"
        ]
    );
    let r = at_front(&mut c, "[region]\n", "par");
    assert_eq!(labels(&r), ["parent"]);
    let r = at_front(&mut c, "[region]\n", "parent = \"ch");
    assert_eq!(labels(&r), ["china"]);
    assert_eq!(r[0]["detail"], "China (national level)");
    let r = at_front(&mut c, "[region]\n", "sources = [\"hainan-m");
    assert_eq!(labels(&r), ["hainan-med-2024"]);
    let r = at_front(&mut c, "[[region.events]]\n", "kind = \"");
    assert_eq!(
        labels(&r),
        [
            "policy",
            "regulation",
            "ind",
            "application",
            "approval",
            "prescription",
            "trial",
            "other"
        ]
    );
    let r = at_front(&mut c, "[region.compare.special_funding]\n", "value = \"");
    assert_eq!(labels(&r), ["yes", "no", "partial", "not_among_named"]);
    let r = at_front(&mut c, "[region.compare.", "");
    let dims = std::fs::read_to_string(c.file("data/dimensions.toml")).unwrap();
    let ids: Vec<String> = dims
        .lines()
        .filter_map(|l| l.strip_prefix("id = \""))
        .map(|l| l.trim_end_matches('"').to_string())
        .collect();
    assert!(ids.len() > 5);
    assert_eq!(labels(&r), ids);
}

#[test]
fn hover_definition_references() {
    let site = own_site();
    let mut c = Client::start(site.path(), &[]);
    let file = c.file("content/regions/beijing.en.md");
    let text = std::fs::read_to_string(&file).unwrap();
    c.open(&file, &text);
    let pos = |needle: &str, plus: usize| {
        let i = text.find(needle).unwrap() + plus;
        let line = text[..i].matches('\n').count() as u32;
        let start = text[..i].rfind('\n').map_or(0, |x| x + 1);
        (line, text[start..i].encode_utf16().count() as u32)
    };
    // A link: the target's title and description, in English.
    let (l, ch) = pos("@/regions/shanghai.md", 5);
    let h = c.at("textDocument/hover", &file, l, ch);
    let sh = std::fs::read_to_string(c.file("content/regions/shanghai.en.md")).unwrap();
    let desc = sh
        .lines()
        .find_map(|l| l.strip_prefix("description = \""))
        .unwrap()
        .trim_end_matches('"');
    assert_eq!(
        h["contents"]["value"],
        format!("**Shanghai**\n\n{desc}\n\n`content/regions/shanghai.en.md`")
    );
    let d = c.at("textDocument/definition", &file, l, ch);
    assert_eq!(d["uri"], uri(&c.file("content/regions/shanghai.en.md")));
    // A citation: title, publisher, date; defined in data/sources.toml.
    let (l, ch) = pos("[@hainan-med-2024]", 4);
    let h = c.at("textDocument/hover", &file, l, ch);
    assert_eq!(
        h["contents"]["value"],
        "**全球干细胞临床研究现状与展望**\n\n海南医学, 2024-04"
    );
    let d = c.at("textDocument/definition", &file, l, ch);
    let sources = std::fs::read_to_string(c.file("data/sources.toml")).unwrap();
    let line = sources
        .lines()
        .position(|l| l == "id = \"hainan-med-2024\"")
        .unwrap();
    assert_eq!(d["uri"], uri(&c.file("data/sources.toml")));
    assert_eq!(
        d["range"],
        json!({ "start": { "line": line, "character": 6 }, "end": { "line": line, "character": 21 } })
    );
    // A dimension id: label and description; defined in data/dimensions.toml.
    let (l, ch) = pos("[region.compare.special_funding]", 18);
    let h = c.at("textDocument/hover", &file, l, ch);
    // The English label and description, as data/dimensions.toml gives them.
    let table: toml::Table =
        toml::from_str(&std::fs::read_to_string(c.file("data/dimensions.toml")).unwrap()).unwrap();
    let dim = table["dimension"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"].as_str() == Some("special_funding"))
        .unwrap();
    assert_eq!(
        h["contents"]["value"],
        format!(
            "**{}**\n\ntype: `yes_no_partial`\n\n{}",
            dim["label"]["en"].as_str().unwrap(),
            dim["description"]["en"].as_str().unwrap()
        )
    );
    let d = c.at("textDocument/definition", &file, l, ch);
    let dims = std::fs::read_to_string(c.file("data/dimensions.toml")).unwrap();
    let line = dims
        .lines()
        .position(|l| l == "id = \"special_funding\"")
        .unwrap();
    assert_eq!(d["uri"], uri(&c.file("data/dimensions.toml")));
    assert_eq!(d["range"]["start"]["line"], line);
    // The parent region.
    let (l, ch) = pos("parent = \"china\"", 11);
    let d = c.at("textDocument/definition", &file, l, ch);
    assert_eq!(d["uri"], uri(&c.file("content/regions/china.en.md")));
    // An anchor: the heading's line.
    let mut t2 = text.clone();
    t2.push_str("\nSee [x](@/regions/shanghai.md#research-and-development).\n");
    c.replace_all(&file, &t2, 2);
    let (l, _) = end_utf16(&t2);
    let d = c.at("textDocument/definition", &file, l - 1, 12);
    let hl = sh
        .lines()
        .position(|l| l == "## Research and development")
        .unwrap();
    assert_eq!(d["range"]["start"], json!({ "line": hl, "character": 0 }));
    c.replace_all(&file, &text, 3);

    // References: the backlinks of a page, and the citations of a source.
    let mut links = 0;
    let mut cites = 0;
    for e in walkdir::WalkDir::new(c.file("content")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            let t = std::fs::read_to_string(e.path()).unwrap();
            links += t.matches("@/regions/china.md").count();
            cites +=
                t.matches("@hainan-med-2024").count() + t.matches("\"hainan-med-2024\"").count();
        }
    }
    assert!(links > 10 && cites > 10, "{links} {cites}");
    let china = c.file("content/regions/china.en.md");
    let ct = std::fs::read_to_string(&china).unwrap();
    c.open(&china, &ct);
    let r = c.at("textDocument/references", &china, 0, 0);
    assert_eq!(r.as_array().unwrap().len(), links, "{r}");
    let (l, ch) = pos("[@hainan-med-2024]", 4);
    let r = c.at("textDocument/references", &file, l, ch);
    assert_eq!(r.as_array().unwrap().len(), cites);
}

#[test]
fn rename_and_create_translation() {
    let site = own_site();
    std::fs::remove_file(site.path().join("content/regions/hunan.zh.md")).unwrap();
    let mut c = Client::start(site.path(), &[]);
    let file = c.file("content/regions/shanghai.en.md");
    let text = std::fs::read_to_string(&file).unwrap();
    c.open(&file, &text);
    let r = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri(&file) }, "position": { "line": 0, "character": 0 }, "newName": "shang-hai" }),
    );
    let ops = r["documentChanges"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"));
    let renames: Vec<(&str, &str)> = ops
        .iter()
        .filter(|o| o["kind"] == "rename")
        .map(|o| (o["oldUri"].as_str().unwrap(), o["newUri"].as_str().unwrap()))
        .collect();
    let root = c.root.clone();
    let u = |s: &str| uri(&root.join(s));
    let (a, b, x, y) = (
        u("content/regions/shanghai.en.md"),
        u("content/regions/shang-hai.en.md"),
        u("content/regions/shanghai.zh.md"),
        u("content/regions/shang-hai.zh.md"),
    );
    let mut renames: Vec<(String, String)> = renames
        .into_iter()
        .map(|(o, n)| (o.to_string(), n.to_string()))
        .collect();
    renames.sort();
    let mut want = vec![(a, b), (x, y)];
    want.sort();
    assert_eq!(renames, want);
    let mut links = 0;
    let mut values = 0;
    for e in walkdir::WalkDir::new(c.file("content")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            let t = std::fs::read_to_string(e.path()).unwrap();
            links += t.matches("@/regions/shanghai.md").count();
            values += t.matches("\"shanghai\"").count();
        }
    }
    let edits: Vec<&Value> = ops
        .iter()
        .filter(|o| o.get("edits").is_some())
        .flat_map(|o| o["edits"].as_array().unwrap())
        .collect();
    let new_links = edits
        .iter()
        .filter(|e| e["newText"] == "regions/shang-hai.md")
        .count();
    let new_values = edits.iter().filter(|e| e["newText"] == "shang-hai").count();
    assert_eq!((new_links, new_values), (links, values));
    assert!(links > 5);
    let bad = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri(&file) }, "position": { "line": 0, "character": 0 }, "newName": "Shang Hai" }),
    );
    assert!(
        bad["error"].as_str().unwrap().contains("not a valid slug"),
        "{bad}"
    );

    // The missing translation, as `atlas new` would write it.
    let hunan = c.file("content/regions/hunan.en.md");
    let ht = std::fs::read_to_string(&hunan).unwrap();
    c.open(&hunan, &ht);
    let acts = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(&hunan) }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [] } }),
    );
    let act = acts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"] == "Create the translation content/regions/hunan.zh.md (as atlas new would)"
        })
        .unwrap_or_else(|| panic!("{acts}"));
    let ops = act["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(ops[0]["kind"], "create");
    assert_eq!(ops[0]["uri"], u("content/regions/hunan.zh.md"));
    let new_text = ops[1]["edits"][0]["newText"].as_str().unwrap();
    // What `atlas new region hunan` writes in a copy without Hunan.
    let other = own_site();
    for l in ["en", "zh"] {
        std::fs::remove_file(other.path().join(format!("content/regions/hunan.{l}.md"))).unwrap();
    }
    let out = common::atlas(
        &[
            "new",
            "region",
            "hunan",
            "--root",
            other.path().to_str().unwrap(),
        ],
        other.path(),
    );
    assert!(out.ok(), "{out:?}");
    let want = std::fs::read_to_string(other.path().join("content/regions/hunan.zh.md")).unwrap();
    assert_eq!(new_text, want);
}

/// A title still `atlas new`'s placeholder is shown as you type, as `atlas check` reports it.
#[test]
fn placeholder_title_warning_as_you_type() {
    let site = own_site();
    let mut c = Client::start(site.path(), &[]);
    let file = c.file("content/regions/beijing.zh.md");
    let orig = std::fs::read_to_string(&file).unwrap();
    c.open(&file, &orig);
    let title = orig.lines().find(|l| l.starts_with("title = ")).unwrap();
    let line = orig.lines().position(|l| l == title).unwrap() as u32;
    let todo = orig.replacen(title, "title = \"TODO 中文标题：Beijing\"", 1);
    c.replace_all(&file, &todo, 2);
    let d = c.diagnostics(&file, |d| {
        d.iter()
            .any(|x| x["message"].as_str().unwrap_or("").contains("placeholder"))
    });
    let w = d
        .iter()
        .find(|x| x["message"].as_str().unwrap().contains("placeholder"))
        .unwrap();
    assert_eq!(
        w["message"].as_str().unwrap(),
        "the title is still the placeholder `atlas new` wrote: \"TODO 中文标题：Beijing\"\nhint: write the page's title in this file's language (zh): title = \"...\""
    );
    assert_eq!(w["severity"], 2);
    assert_eq!(w["code"], "translation");
    assert_eq!(w["range"]["start"]["line"], line);
    c.replace_all(&file, &orig, 3);
    c.diagnostics(&file, |d| {
        !d.iter()
            .any(|x| x["message"].as_str().unwrap_or("").contains("placeholder"))
    });
}

#[test]
fn only_changed_diagnostics_are_sent_again() {
    let site = own_site();
    // A file with a finding on disk before the server starts.
    let saved = site.path().join("content/regions/shanghai.en.md");
    let text = std::fs::read_to_string(&saved).unwrap();
    std::fs::write(&saved, format!("{text}\nSee [x](@/regions/nowhere.md).\n")).unwrap();
    let mut c = Client::start(site.path(), &[]);
    let d = c.diagnostics(&saved, |d| !d.is_empty());
    assert!(
        d[0]["message"].as_str().unwrap().starts_with("broken link"),
        "{d:?}"
    );
    // Typing in another file: that file's diagnostics come; the unchanged file's are not
    // sent again.
    let file = c.file("content/regions/hunan.zh.md");
    let orig = std::fs::read_to_string(&file).unwrap();
    c.open(&file, &orig);
    c.replace_all(
        &file,
        &format!("{orig}\n见[坏](@/regions/nowhere.md)。\n"),
        2,
    );
    let (want, other) = (uri(&file), uri(&saved));
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut sent = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if let Message::Notification(n) = c.rx.recv_timeout(left).expect("diagnostics") {
            if n.method == "textDocument/publishDiagnostics" {
                let done = n.params["uri"] == want
                    && n.params["diagnostics"]
                        .as_array()
                        .is_some_and(|d| !d.is_empty());
                sent.push(n.params["uri"].clone());
                if done {
                    break;
                }
            }
        }
    }
    // The server answers a request after sending the whole check's notifications.
    c.seen.clear();
    c.at("textDocument/hover", &file, 0, 0);
    sent.extend(
        c.seen
            .iter()
            .filter(|n| n.method == "textDocument/publishDiagnostics")
            .map(|n| n.params["uri"].clone()),
    );
    assert!(!sent.contains(&json!(other)), "{sent:?}");
    // Opening the unchanged file sends its diagnostics again (an editor may have dropped
    // them while the file was closed).
    c.open(&saved, &std::fs::read_to_string(&saved).unwrap());
    let d = c.diagnostics(&saved, |d| !d.is_empty());
    assert_eq!(d.len(), 1, "{d:?}");
}
