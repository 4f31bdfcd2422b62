//! A region's `regulators` and `policy_bodies` checked against `data/bodies.toml`: every id
//! is in the registry, `regulators` holds only bodies of kind `regulator`, `policy_bodies`
//! none. Takes a region table; gives diagnostics; must not change the page.

use super::Site;
use crate::content::SourcePage;
use crate::data::{BODIES_FILE, BodyKind};
use crate::diagnostics::Diagnostics;
use crate::schema::RegionData;

impl Site {
    pub(super) fn check_region_bodies(
        &self,
        f: &SourcePage,
        r: &RegionData,
        diags: &mut Diagnostics,
    ) {
        for (field, ids) in [
            ("regulators", &r.regulators),
            ("policy_bodies", &r.policy_bodies),
        ] {
            for id in ids {
                let needle = format!("\"{id}\"");
                match self.data.body(id) {
                    None if self.data.bodies_unreadable => {}
                    None => diags.push(
                        f.front_error(field, &needle, format!("unknown body id `{id}` in `{field}`"))
                            .hint(crate::suggest::hint_with(
                                id,
                                self.data.bodies.iter().map(|b| b.id.as_str()),
                                &format!(
                                    "add it to {BODIES_FILE} (id, kind, name) or use one of: {}",
                                    self.body_ids()
                                ),
                            )),
                    ),
                    Some(b) if field == "regulators" && b.kind != BodyKind::Regulator => diags
                        .push(
                            f.front_error(
                                field,
                                &needle,
                                format!(
                                    "`{id}` is a {} in {BODIES_FILE}, not a regulator",
                                    b.kind.key()
                                ),
                            )
                            .hint("move it to `policy_bodies`; `regulators` lists only bodies of kind \"regulator\""),
                        ),
                    Some(b) if field == "policy_bodies" && b.kind == BodyKind::Regulator => diags
                        .push(
                            f.front_error(
                                field,
                                &needle,
                                format!("`{id}` is a regulator in {BODIES_FILE}"),
                            )
                            .hint("move it to `regulators`"),
                        ),
                    Some(_) => {}
                }
            }
        }
    }

    fn body_ids(&self) -> String {
        let v: Vec<&str> = self.data.bodies.iter().map(|b| b.id.as_str()).collect();
        if v.is_empty() {
            "(the registry is empty)".into()
        } else {
            v.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_site::diagnostics;

    const BODIES: &str = "[[body]]\nid = \"nmpa\"\nkind = \"regulator\"\nname = \"NMPA\"\n\n\
[[body]]\nid = \"council\"\nkind = \"government\"\nname = \"State Council\"\n";

    fn region(fields: &str) -> String {
        format!(
            "+++\ntitle = \"China\"\n\n[region]\nkind = \"national\"\n{fields}\nsources = [\"s1\"]\n+++\nText.\n"
        )
    }

    fn build(fields: &str) -> Vec<String> {
        let page = region(fields);
        diagnostics(&[
            ("data/bodies.toml", BODIES),
            ("content/regions/china.en.md", &page),
            ("content/regions/china.zh.md", &page),
        ])
    }

    #[test]
    fn a_misspelt_body_id_names_the_nearest() {
        let d = build("regulators = [\"nmpaa\"]");
        assert!(
            d.iter()
                .any(|l| l.contains("unknown body id `nmpaa` in `regulators`")
                    && l.contains(
                        "hint: did you mean `nmpa`? Otherwise add it to data/bodies.toml"
                    )),
            "{d:?}"
        );
    }

    #[test]
    fn regulators_and_policy_bodies_of_the_right_kind_build() {
        let d = build("regulators = [\"nmpa\"]\npolicy_bodies = [\"council\"]");
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn a_government_under_regulators_is_an_error_at_its_line() {
        let d = build("regulators = [\"nmpa\", \"council\"]");
        let e: Vec<_> = d.iter().filter(|l| l.contains("not a regulator")).collect();
        assert_eq!(e.len(), 2, "{d:?}");
        assert!(
            e[0].starts_with("content/regions/china.en.md:6:23: error: `council` is a government in data/bodies.toml, not a regulator"),
            "{d:?}"
        );
        assert!(
            d.iter().any(|l| l.contains("move it to `policy_bodies`")),
            "{d:?}"
        );
    }

    #[test]
    fn a_regulator_under_policy_bodies_and_an_unknown_id_are_errors() {
        let d = build("policy_bodies = [\"nmpa\", \"senate\"]");
        assert!(
            d.iter()
                .any(|l| l
                    .starts_with("content/regions/china.en.md:6:18: error: `nmpa` is a regulator")),
            "{d:?}"
        );
        assert!(
            d.iter().any(|l| l
                .starts_with("content/regions/china.zh.md:6:26: error: unknown body id `senate`")),
            "{d:?}"
        );
        assert!(
            d.iter().any(|l| l.contains("use one of: nmpa, council")),
            "{d:?}"
        );
    }
}
