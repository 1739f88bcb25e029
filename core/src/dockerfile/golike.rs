//! The few behaviours of Go's standard library that the Dockerfile frontend
//! relies on, re-implemented byte for byte: rune decoding (invalid bytes
//! become U+FFFD one byte at a time), `unicode.IsSpace`, `strings.ToLower`,
//! `path.Clean`, `strconv.ParseBool`/`Atoi`, `strconv.Quote` (for messages).
//!
//! Dockerfile text is handled as bytes (Go strings are byte strings); it only
//! becomes a Rust `String` where Go decodes it rune by rune.

use std::sync::OnceLock;

use regex::Regex;

/// `utf8.RuneError`.
pub(crate) const RUNE_ERROR: char = '\u{FFFD}';

/// `utf8.DecodeRune`: the first rune of `b` and its width. Invalid or
/// truncated encodings give `(U+FFFD, 1)`, an empty slice `(U+FFFD, 0)`.
pub(crate) fn decode_rune(b: &[u8]) -> (char, usize) {
    let Some(&first) = b.first() else {
        return (RUNE_ERROR, 0);
    };
    if first < 0x80 {
        return (char::from(first), 1);
    }
    let len = match first {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return (RUNE_ERROR, 1),
    };
    let Some(seq) = b.get(..len) else {
        return (RUNE_ERROR, 1);
    };
    match std::str::from_utf8(seq).ok().and_then(|s| s.chars().next()) {
        Some(c) => (c, len),
        None => (RUNE_ERROR, 1),
    }
}

/// The runes of `b` as Go's `for range` sees them.
pub(crate) fn runes(b: &[u8]) -> Runes<'_> {
    Runes { b, pos: 0 }
}

/// Iterator over `(start, rune, width)`.
pub(crate) struct Runes<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Iterator for Runes<'_> {
    type Item = (usize, char, usize);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.b.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let (c, w) = decode_rune(rest);
        let start = self.pos;
        self.pos += w.max(1);
        Some((start, c, w.max(1)))
    }
}

/// Bytes to a string the way Go's rune loops see them (each invalid byte is
/// one U+FFFD).
pub(crate) fn lossy(b: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(b) {
        return s.to_owned();
    }
    runes(b).map(|(_, c, _)| c).collect()
}

/// `unicode.IsSpace`.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// `unicode.IsSpace(rune(b))` for a single byte taken as a rune (Latin-1), as
/// the parser's byte loops do.
pub(crate) fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | 0x85 | 0xA0)
}

/// `bytes.TrimLeftFunc(b, unicode.IsSpace)`.
pub(crate) fn trim_left_space(b: &[u8]) -> &[u8] {
    for (start, c, _) in runes(b) {
        if !is_space(c) {
            return b.get(start..).unwrap_or_default();
        }
    }
    &[]
}

/// `utf8.DecodeLastRune`.
fn decode_last_rune(b: &[u8]) -> (char, usize) {
    let end = b.len();
    let Some(&last) = b.last() else {
        return (RUNE_ERROR, 0);
    };
    if last < 0x80 {
        return (char::from(last), 1);
    }
    let lim = end.saturating_sub(4);
    let mut start = end - 1;
    while start > lim {
        start -= 1;
        if b.get(start).is_some_and(|&c| c & 0xC0 != 0x80) {
            break;
        }
    }
    let (r, size) = decode_rune(b.get(start..).unwrap_or_default());
    if start + size != end {
        return (RUNE_ERROR, 1);
    }
    (r, size)
}

/// `strings.TrimSpace`.
pub(crate) fn trim_space(b: &[u8]) -> &[u8] {
    let mut left = trim_left_space(b);
    loop {
        let (c, w) = decode_last_rune(left);
        if w == 0 || !is_space(c) {
            return left;
        }
        left = left.get(..left.len() - w).unwrap_or_default();
    }
}

/// `strings.ToLower` (simple case mapping; invalid bytes become U+FFFD when
/// the string is not ASCII).
pub(crate) fn to_lower(b: &[u8]) -> Vec<u8> {
    if b.is_ascii() {
        return b.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(b.len());
    for (_, c, _) in runes(b) {
        out.push(simple_lower(c));
    }
    out.into_bytes()
}

/// `strings.ToUpper` (simple case mapping).
pub(crate) fn to_upper(b: &[u8]) -> Vec<u8> {
    if b.is_ascii() {
        return b.to_ascii_uppercase();
    }
    let mut out = String::with_capacity(b.len());
    for (_, c, _) in runes(b) {
        out.push(simple_upper(c));
    }
    out.into_bytes()
}

/// `strings.ToLower` for a Rust string.
pub(crate) fn to_lower_str(s: &str) -> String {
    s.chars().map(simple_lower).collect()
}

fn simple_lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        // Only U+0130 maps to two runes; its simple mapping is 'i'.
        (Some(l), Some(_)) => l,
        _ => c,
    }
}

fn simple_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        // Full mappings to several runes have no simple mapping: unchanged.
        _ => c,
    }
}

/// `strings.EqualFold(s, ascii)` for an ASCII `ascii` (the only use here:
/// `AS` in `FROM x AS y`). Go's simple folding adds the Kelvin sign to `k`
/// and the long s to `s`.
pub(crate) fn equal_fold_ascii(s: &[u8], ascii: &str) -> bool {
    let mut want = ascii.bytes();
    for (_, r, _) in runes(s) {
        let Some(c) = want.next() else {
            return false;
        };
        let lc = c.to_ascii_lowercase();
        let ok = r.is_ascii() && (r as u32 as u8).to_ascii_lowercase() == lc
            || (lc == b'k' && r == '\u{212A}')
            || (lc == b's' && r == '\u{17F}');
        if !ok {
            return false;
        }
    }
    want.next().is_none()
}

fn class_regex(cell: &'static OnceLock<Option<Regex>>, pat: &str) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(pat).ok()).as_ref()
}

/// `unicode.IsLetter` (general category L).
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let mut buf = [0u8; 4];
    class_regex(&RE, r"^\p{L}$").is_some_and(|re| re.is_match(c.encode_utf8(&mut buf)))
}

/// `unicode.IsDigit` (general category Nd).
pub(crate) fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let mut buf = [0u8; 4];
    class_regex(&RE, r"^\p{Nd}$").is_some_and(|re| re.is_match(c.encode_utf8(&mut buf)))
}

/// `path.Clean`.
pub(crate) fn path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".to_owned();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    let mut leading_dotdots = 0usize;
    for comp in p.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                if parts.len() > leading_dotdots {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                    leading_dotdots += 1;
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// `path.Join`.
pub(crate) fn path_join(elems: &[&str]) -> String {
    let nonempty: Vec<&str> = elems.iter().copied().filter(|e| !e.is_empty()).collect();
    if nonempty.is_empty() {
        return String::new();
    }
    path_clean(&nonempty.join("/"))
}

/// `strconv.ParseBool`.
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `strconv.ParseInt(s, 10, 64)` / `strconv.Atoi` on a 64-bit platform.
pub(crate) fn atoi(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, s.get(1..)?),
        Some(b'-') => (true, s.get(1..)?),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut v: i64 = 0;
    for b in digits.bytes() {
        let d = i64::from(b - b'0');
        v = v.checked_mul(10)?;
        v = if neg { v.checked_sub(d)? } else { v.checked_add(d)? };
    }
    Some(v)
}

/// `strconv.ParseUint(s, base, bits)`.
pub(crate) fn parse_uint(s: &str, base: u32, bits: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for c in s.chars() {
        let d = u64::from(c.to_digit(base)?);
        v = v.checked_mul(u64::from(base))?.checked_add(d)?;
    }
    if bits < 64 && v >= (1u64 << bits) {
        return None;
    }
    Some(v)
}

/// `strconv.Quote`, close enough for messages.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `strconv.Quote` of Go bytes.
pub(crate) fn quote_bytes(b: &[u8]) -> String {
    quote(&lossy(b))
}

/// Levenshtein distance over runes.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX).saturating_add(1);
            let ins = cur.get(j).copied().unwrap_or(usize::MAX).saturating_add(1);
            let sub = prev.get(j).copied().unwrap_or(usize::MAX).saturating_add(cost);
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = del.min(ins).min(sub);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.get(b.len()).copied().unwrap_or(0)
}

/// BuildKit's `suggest.Search`: the closest option within a small edit
/// distance, for "did you mean" hints in messages.
pub(crate) fn suggest(value: &str, options: &[String], case_sensitive: bool) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    let norm = |s: &str| {
        if case_sensitive { s.to_owned() } else { to_lower_str(s) }
    };
    let v = norm(value);
    let mut best: Option<(usize, &String)> = None;
    for o in options {
        let on = norm(o);
        if on == v {
            return None;
        }
        let d = levenshtein(&v, &on);
        let limit = (v.chars().count() / 3).clamp(1, 2);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, o));
        }
    }
    best.map(|(_, o)| o.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_matches_go() {
        assert_eq!(decode_rune(b"a"), ('a', 1));
        assert_eq!(decode_rune("é".as_bytes()), ('é', 2));
        assert_eq!(decode_rune(b"\xC3"), (RUNE_ERROR, 1));
        assert_eq!(decode_rune(b"\xF0\x9F\x98"), (RUNE_ERROR, 1));
        assert_eq!(decode_rune(b"\xED\xA0\x80"), (RUNE_ERROR, 1));
        assert_eq!(lossy(b"a\xF0\x9F\x98b"), "a\u{FFFD}\u{FFFD}\u{FFFD}b");
    }

    #[test]
    fn clean_and_join() {
        assert_eq!(path_clean("/a/./b/../c"), "/a/c");
        assert_eq!(path_clean("/../x"), "/x");
        assert_eq!(path_clean("a/../.."), "..");
        assert_eq!(path_clean(""), ".");
        assert_eq!(path_join(&["/", "src//."]), "/src");
        assert_eq!(path_join(&["/", ""]), "/");
        assert_eq!(path_join(&[".", "/a/b"]), "a/b");
    }

    #[test]
    fn trims_and_case() {
        assert_eq!(trim_space(" \u{a0}a b\t\u{85}".as_bytes()), b"a b");
        assert_eq!(to_lower(b"FROM"), b"from");
        assert_eq!(to_lower("\u{212A}".as_bytes()), b"k");
        assert!(equal_fold_ascii("a\u{17F}".as_bytes(), "as"));
        assert!(!equal_fold_ascii(b"a", "as"));
        assert_eq!(atoi("+12"), Some(12));
        assert_eq!(atoi("99999999999999999999"), None);
        assert_eq!(parse_uint("755", 8, 32), Some(0o755));
        assert_eq!(parse_uint("9", 8, 32), None);
    }
}
