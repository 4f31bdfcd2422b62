//! The JSON Schemas the repository ships in schemas/ are the ones `atlas schema` writes from
//! the current types, and `atlas schema --out DIR` writes them.

mod common;

use std::path::Path;

#[test]
fn shipped_schemas_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(atlas::schema_json::DEFAULT_DIR);
    let mut stale = Vec::new();
    for s in atlas::schema_json::schemas() {
        let shipped = std::fs::read_to_string(dir.join(s.name)).unwrap_or_default();
        if shipped != s.text {
            stale.push(s.name);
        }
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut want: Vec<String> = atlas::schema_json::schemas()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    want.sort();
    assert!(
        stale.is_empty() && names == want,
        "schemas/ is not what the types give (out of date: {stale:?}; files {names:?}, expected {want:?}): \
         run `cargo run -- schema` at the repository root and commit schemas/"
    );
}

#[test]
fn schema_command_writes_every_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new/schemas");
    let r = common::atlas(&["schema", "--out", out.to_str().unwrap()], dir.path());
    assert!(r.ok(), "{r:?}");
    for s in atlas::schema_json::schemas() {
        let text = std::fs::read_to_string(out.join(s.name)).unwrap();
        assert_eq!(text, s.text, "{}", s.name);
        assert!(r.stdout.contains(s.name), "{r:?}");
        // Valid JSON with a draft-07 meta-schema.
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["$schema"], "http://json-schema.org/draft-07/schema#");
    }
    // A file where the folder should be: a clear error, exit 1.
    let blocked = dir.path().join("file");
    std::fs::write(&blocked, "x").unwrap();
    let r = common::atlas(&["schema", "--out", blocked.to_str().unwrap()], dir.path());
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("cannot create the folder"), "{r:?}");
}

/// The .taplo.toml at the root maps the hand-written TOML files to the shipped schemas.
#[test]
fn taplo_config_points_at_the_schemas() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(".taplo.toml")).unwrap();
    let v: toml::Table = toml::from_str(&text).unwrap();
    let rules = v["rule"].as_array().unwrap();
    for (file, schema) in [
        ("atlas.toml", "atlas.json"),
        ("data/sources.toml", "sources.json"),
        ("data/bodies.toml", "bodies.json"),
        ("data/dimensions.toml", "dimensions.json"),
    ] {
        let rule = rules
            .iter()
            .find(|r| {
                r["include"]
                    .as_array()
                    .is_some_and(|i| i.iter().any(|x| x.as_str() == Some(file)))
            })
            .unwrap_or_else(|| panic!("no rule for {file}"));
        let path = rule["schema"]["path"].as_str().unwrap();
        assert_eq!(path, format!("./schemas/{schema}"));
        assert!(root.join(path).is_file(), "{path}");
    }
}
