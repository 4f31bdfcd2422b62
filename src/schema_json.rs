//! `atlas schema`: JSON Schemas of the files people write by hand, made from the same Rust
//! types that read them (their doc comments become the descriptions), for editors that
//! validate and complete TOML or YAML without atlas running (taplo, Even Better TOML, YAML
//! language servers).
//!
//! Takes nothing but the types; gives each schema as text ([`schemas`]) or writes them into a
//! folder ([`write`]). Must not read a site: the schemas are the same for every site.

use std::path::{Path, PathBuf};

use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

use crate::config::Config;
use crate::content::FrontMatter;
use crate::data::{BodiesFile, DimensionsFile, SourcesFile, TileGrid};

/// The folder the repository ships the schemas in, and `atlas schema` writes by default.
pub const DEFAULT_DIR: &str = "schemas";

/// Why the schemas could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// The folder could not be made.
    #[error("cannot create the folder {}: {source}", .path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// One schema: its file name and its text (pretty JSON with a final newline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFile {
    /// `front-matter-region.json`.
    pub name: &'static str,
    /// What it describes, for people.
    pub describes: &'static str,
    /// The JSON text.
    pub text: String,
}

/// Which front matter tables a kind of page has.
#[derive(Clone, Copy)]
enum PageTable {
    /// `content/regions/<slug>.<lang>.md`: `[region]` required, no `[drug]`.
    Region,
    /// `content/drugs/<slug>.<lang>.md`: `[drug]` required, no `[region]`.
    Drug,
    /// Every other page and every `_index` file: neither table.
    Plain,
}

/// Draft-07: what taplo and the YAML language server read best.
fn generator() -> schemars::SchemaGenerator {
    SchemaSettings::draft07().into_generator()
}

fn to_value<T: schemars::JsonSchema>(title: &str) -> Value {
    let mut v = generator().into_root_schema_for::<T>().to_value();
    v["title"] = json!(title);
    v
}

fn front_matter(table: PageTable) -> Value {
    let (title, keep, drop) = match table {
        PageTable::Region => ("atlas front matter: a region page", Some("region"), "drug"),
        PageTable::Drug => ("atlas front matter: a drug page", Some("drug"), "region"),
        PageTable::Plain => (
            "atlas front matter: any other page or _index file",
            None,
            "",
        ),
    };
    let mut v = to_value::<FrontMatter>(title);
    let Some(props) = v["properties"].as_object_mut() else {
        return v;
    };
    match keep {
        Some(key) => {
            props.remove(drop);
            // The table is required here: its own schema, not "or nothing".
            let reference = match &props[key]["anyOf"] {
                Value::Array(alts) => alts.iter().find(|a| a.get("$ref").is_some()).cloned(),
                _ => None,
            };
            if let Some(r) = reference {
                let description = props[key]["description"].clone();
                props[key] = json!({ "$ref": r["$ref"], "description": description });
            }
            if let Some(req) = v["required"].as_array_mut() {
                req.push(json!(key));
            }
        }
        None => {
            props.remove("region");
            props.remove("drug");
        }
    }
    v
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// Every schema, in a fixed order.
pub fn schemas() -> Vec<SchemaFile> {
    vec![
        SchemaFile {
            name: "atlas.json",
            describes: "atlas.toml",
            text: pretty(&to_value::<Config>("atlas.toml: the site's configuration")),
        },
        SchemaFile {
            name: "sources.json",
            describes: "data/sources.toml",
            text: pretty(&to_value::<SourcesFile>(
                "data/sources.toml: the registry of cited documents",
            )),
        },
        SchemaFile {
            name: "bodies.json",
            describes: "data/bodies.toml",
            text: pretty(&to_value::<BodiesFile>(
                "data/bodies.toml: regulators and policy bodies",
            )),
        },
        SchemaFile {
            name: "dimensions.json",
            describes: "data/dimensions.toml",
            text: pretty(&to_value::<DimensionsFile>(
                "data/dimensions.toml: the rows of the comparison table",
            )),
        },
        SchemaFile {
            name: "tilegrid.json",
            describes: "data/tilegrid.toml",
            text: pretty(&to_value::<TileGrid>(
                "data/tilegrid.toml: the tiles of the home page's map",
            )),
        },
        SchemaFile {
            name: "front-matter-region.json",
            describes: "the front matter of content/regions/<slug>.<lang>.md",
            text: pretty(&front_matter(PageTable::Region)),
        },
        SchemaFile {
            name: "front-matter-drug.json",
            describes: "the front matter of content/drugs/<slug>.<lang>.md",
            text: pretty(&front_matter(PageTable::Drug)),
        },
        SchemaFile {
            name: "front-matter-page.json",
            describes: "the front matter of every other page and _index file",
            text: pretty(&front_matter(PageTable::Plain)),
        },
    ]
}

/// Writes every schema into `dir` (made if missing), replacing files of the same name.
/// Returns the files written.
pub fn write(dir: &Path) -> Result<Vec<PathBuf>, SchemaError> {
    std::fs::create_dir_all(dir).map_err(|source| SchemaError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for s in schemas() {
        let path = dir.join(s.name);
        std::fs::write(&path, &s.text).map_err(|source| SchemaError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(name: &str) -> Value {
        let s = schemas().into_iter().find(|s| s.name == name).unwrap();
        serde_json::from_str(&s.text).unwrap()
    }

    #[test]
    fn front_matter_schemas_per_kind_of_page() {
        let region = schema("front-matter-region.json");
        let req: Vec<&str> = region["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(req.contains(&"title") && req.contains(&"region"), "{req:?}");
        assert!(region["properties"].get("drug").is_none());
        assert_eq!(region["additionalProperties"], false);
        // Doc comments become descriptions.
        assert_eq!(
            region["properties"]["title"]["description"],
            "The title (required)."
        );
        let defs = &region["definitions"];
        assert!(
            defs["RegionData"]["properties"]["kind"].is_object(),
            "{defs}"
        );
        let drug = schema("front-matter-drug.json");
        assert!(drug["properties"].get("region").is_none());
        assert!(drug["properties"]["drug"]["$ref"].is_string());
        let page = schema("front-matter-page.json");
        assert!(page["properties"].get("region").is_none());
        assert!(page["properties"].get("drug").is_none());
        assert!(page["properties"]["updated"].is_object());
    }

    #[test]
    fn data_and_config_schemas() {
        let sources = schema("sources.json");
        assert!(sources["properties"]["source"]["items"]["$ref"].is_string());
        assert!(sources["definitions"]["Source"]["properties"]["doi"].is_object());
        let bodies = schema("bodies.json");
        assert!(
            bodies["definitions"]["Body"]["properties"]["kind"].is_object(),
            "{bodies}"
        );
        let dims = schema("dimensions.json");
        let kind = &dims["definitions"]["Dimension"]["properties"]["type"];
        assert!(kind.is_object(), "{dims}");
        let config = schema("atlas.json");
        assert_eq!(config["properties"]["theme"]["default"], "atlas");
        assert_eq!(config["$schema"], "http://json-schema.org/draft-07/schema#");
    }
}
