//! Posting lists: a term's documents and weights as digits of [`ALPHABET`], written by
//! [`List`] and read back by [`decode_postings`]. Takes and gives numbers; nothing else.

use super::format::ALPHABET;

/// A posting list being built: the next document number it can hold, and its digits.
#[derive(Debug, Default)]
pub(super) struct List {
    next: usize,
    pub(super) digits: Vec<u8>,
}

impl List {
    /// Appends document `d` (not before `self.next`) with its weight: the gap from the
    /// previous document as a number in base 32, most significant digit first, every digit
    /// but the last one plus 32; then the weight as one digit.
    pub(super) fn push(&mut self, d: usize, weight: u8) {
        let mut gap = d.saturating_sub(self.next);
        let mut tmp = [0u8; 14];
        let mut n = 0;
        loop {
            tmp[n] = (gap & 31) as u8;
            n += 1;
            gap >>= 5;
            if gap == 0 {
                break;
            }
        }
        for i in (0..n).rev() {
            let v = tmp[i] | if i > 0 { 32 } else { 0 };
            self.digits.push(ALPHABET[v as usize]);
        }
        self.digits.push(ALPHABET[(weight & 63) as usize]);
        self.next = d + 1;
    }
}

/// Reads a posting list back: (document, weight) pairs.
pub fn decode_postings(s: &str) -> Option<Vec<(usize, u32)>> {
    let digit = |b: u8| ALPHABET.iter().position(|&a| a == b);
    let mut out = Vec::new();
    let mut bytes = s.bytes();
    let mut next = 0usize;
    while let Some(first) = bytes.next() {
        let mut v = digit(first)?;
        let mut gap = 0usize;
        while v >= 32 {
            gap = gap.checked_mul(32)?.checked_add(v - 32)?;
            v = digit(bytes.next()?)?;
        }
        gap = gap.checked_mul(32)?.checked_add(v)?;
        let d = next.checked_add(gap)?;
        out.push((d, digit(bytes.next()?)? as u32));
        next = d + 1;
    }
    Some(out)
}
