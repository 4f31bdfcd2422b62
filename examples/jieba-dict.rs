//! Writes the dictionary that atlas's Chinese segmenter is fed from
//! (`src/search/jieba-dict.fst`): jieba's own dictionary (the `dict.txt` that jieba-rs
//! ships, MIT-licensed, from the jieba project), as a finite-state transducer from each word
//! to its frequency, plus the empty key holding the sum of all frequencies.
//!
//! ```sh
//! cargo run --release --example jieba-dict -- \
//!     ~/.cargo/registry/src/*/jieba-rs-0.11.0/src/data/dict.txt src/search/jieba-dict.fst
//! ```
//!
//! Rerun it when jieba-rs's dictionary changes; `cargo test` compares the segmenter with
//! jieba-rs's own dictionary (see `src/search/segment.rs`).

use std::collections::BTreeMap;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: jieba-dict <jieba dict.txt> <output .fst>");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {input}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // word -> frequency; jieba keeps the last frequency of a repeated word.
    let mut words: BTreeMap<&str, u64> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let mut fields = line.split_whitespace();
        let Some(word) = fields.next() else { continue };
        let freq = match fields.next().map(str::parse::<u64>) {
            None => 0,
            Some(Ok(f)) => f,
            Some(Err(e)) => {
                eprintln!("error: {input}:{}: bad frequency: {e}", n + 1);
                return ExitCode::FAILURE;
            }
        };
        words.insert(word, freq);
    }
    let total: u64 = words.values().sum();
    let mut map = fst::MapBuilder::memory();
    // The empty key sorts first: it holds the total.
    let result = map
        .insert("", total)
        .and_then(|()| words.iter().try_for_each(|(w, f)| map.insert(w, *f)))
        .and_then(|()| map.into_inner());
    let bytes = match result {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(output, &bytes) {
        eprintln!("error: cannot write {output}: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "{output}: {} words, total frequency {total}, {} bytes",
        words.len(),
        bytes.len()
    );
    ExitCode::SUCCESS
}
