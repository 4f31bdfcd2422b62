//! Rebuild when the default theme changes: `atlas init` embeds themes/atlas/ in the binary
//! (src/scaffold.rs), and a new file there must be picked up as well as a changed one.

fn main() {
    println!("cargo::rerun-if-changed=themes/atlas");
}
