#![no_main]

use std::sync::OnceLock;

#[path = "../harness.rs"]
mod harness;

static SITE: OnceLock<harness::SiteHarness> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let site = SITE.get_or_init(|| {
        harness::SiteHarness::new(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
    });
    let _ = site.build(data);
});
