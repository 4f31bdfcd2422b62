//! The module graph of the library has no circle: for each top-level module (a file
//! `src/<m>.rs` or a folder `src/<m>/`), the `crate::<other>` paths its non-test code names are
//! its edges, and following them never leads back. docs/architecture.md draws this graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the other top-level modules its code names.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(src).expect("src/ is readable") {
        let entry = entry.expect("src/ entry");
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.path().is_dir() {
            modules.insert(name);
        } else if let Some(m) = name.strip_suffix(".rs") {
            if m != "lib" && m != "main" {
                modules.insert(m.to_string());
            }
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &modules {
        let mut files = Vec::new();
        let file = src.join(format!("{m}.rs"));
        if file.is_file() {
            files.push(file);
        }
        let dir = src.join(m);
        if dir.is_dir() {
            for e in walkdir::WalkDir::new(&dir) {
                let e = e.expect("walk src/");
                if e.path().extension().is_some_and(|x| x == "rs") {
                    files.push(e.path().to_path_buf());
                }
            }
        }
        let edges = graph.entry(m.clone()).or_default();
        for f in files {
            // Unit tests (a `tests.rs` file, or a `mod tests { ... }` at the end) may use anything.
            if f.file_name().is_some_and(|n| n == "tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&f).expect("source is readable");
            let code = match text.find("#[cfg(test)]\nmod tests {") {
                Some(i) => &text[..i],
                None => &text,
            };
            for line in code.lines() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                for (i, _) in line.match_indices("crate::") {
                    let rest = &line[i + "crate::".len()..];
                    let end = rest
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(rest.len());
                    let other = &rest[..end];
                    if other != m && modules.contains(other) {
                        edges.insert(other.to_string());
                    }
                }
            }
        }
    }
    graph
}

/// A circle in the graph, if there is one (as the list of modules along it).
fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut circle = path[i..].to_vec();
            circle.push(m.to_string());
            return Some(circle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for next in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        if let Some(c) = visit(m, graph, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn module_graph_has_no_circle() {
    let graph = module_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    for m in ["build", "content", "render", "search", "site", "output"] {
        assert!(graph.contains_key(m), "no module {m} found in src/");
    }
    let listing: String = graph
        .iter()
        .map(|(m, e)| {
            format!(
                "{m} -> {}\n",
                e.iter().cloned().collect::<Vec<_>>().join(" ")
            )
        })
        .collect();
    if let Some(c) = find_circle(&graph) {
        panic!(
            "the modules import each other in a circle: {}\n{listing}",
            c.join(" -> ")
        );
    }
}

#[test]
fn circle_finder_finds_a_circle() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("d".into());
    assert_eq!(find_circle(&g), None);
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_circle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}
