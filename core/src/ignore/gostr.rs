//! Byte-string helpers that reproduce Go's standard library exactly
//! (`strings.TrimSpace`, `filepath.Clean`, `utf8.DecodeRune`), because Docker's
//! parser is defined by them and ignore files or paths need not be UTF-8.

/// Decodes one rune the way Go's `utf8.DecodeRune` does: an invalid or
/// truncated sequence yields `None` with width 1 (Go's `RuneError, 1`).
pub(crate) fn decode_rune(b: &[u8]) -> (Option<char>, usize) {
    if b.is_empty() {
        return (None, 0);
    }
    let first = b[0];
    let width = match first {
        0x00..=0x7f => return (Some(first as char), 1),
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return (None, 1),
    };
    if b.len() < width {
        return (None, 1);
    }
    match std::str::from_utf8(&b[..width]) {
        Ok(s) => (s.chars().next(), width),
        Err(_) => (None, 1),
    }
}

/// Decodes the last rune of `b` like Go's `utf8.DecodeLastRune`.
fn decode_last_rune(b: &[u8]) -> (Option<char>, usize) {
    if b.is_empty() {
        return (None, 0);
    }
    let end = b.len();
    let lim = end.saturating_sub(4);
    let mut start = end - 1;
    while start > lim && (b[start] & 0xc0) == 0x80 {
        start -= 1;
    }
    let (r, w) = decode_rune(&b[start..end]);
    if start + w != end {
        return (None, 1);
    }
    (r, w)
}

/// Go's `unicode.IsSpace`, which is Unicode White_Space (as Rust's `char::is_whitespace`).
fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `strings.TrimSpace` on bytes: invalid UTF-8 is never trimmed.
pub(crate) fn trim_space(mut b: &[u8]) -> &[u8] {
    loop {
        match decode_rune(b) {
            (Some(c), w) if is_go_space(c) => b = &b[w..],
            _ => break,
        }
    }
    loop {
        match decode_last_rune(b) {
            (Some(c), w) if is_go_space(c) => b = &b[..b.len() - w],
            _ => break,
        }
    }
    b
}

/// Go's `path/filepath.Clean` for `/`-separated paths.
pub(crate) fn clean(path: &[u8]) -> Vec<u8> {
    if path.is_empty() {
        return b".".to_vec();
    }
    let rooted = path[0] == b'/';
    let n = path.len();
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let mut r = 0;
    let mut dotdot = 0;
    if rooted {
        out.push(b'/');
        r = 1;
        dotdot = 1;
    }
    while r < n {
        if path[r] == b'/' || (path[r] == b'.' && (r + 1 == n || path[r + 1] == b'/')) {
            r += 1;
        } else if path[r] == b'.' && path[r + 1] == b'.' && (r + 2 == n || path[r + 2] == b'/') {
            r += 2;
            if out.len() > dotdot {
                let mut w = out.len() - 1;
                while w > dotdot && out[w] != b'/' {
                    w -= 1;
                }
                out.truncate(w);
            } else if !rooted {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(b"..");
                dotdot = out.len();
            }
        } else {
            if (rooted && out.len() != 1) || (!rooted && !out.is_empty()) {
                out.push(b'/');
            }
            while r < n && path[r] != b'/' {
                out.push(path[r]);
                r += 1;
            }
        }
    }
    if out.is_empty() {
        return b".".to_vec();
    }
    out
}

/// A path as Go's regexp engine sees it: every invalid UTF-8 byte is one U+FFFD.
pub(crate) fn lossy_runes(b: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(b) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut s = String::with_capacity(b.len() + 8);
    let mut rest = b;
    while !rest.is_empty() {
        let (c, w) = decode_rune(rest);
        s.push(c.unwrap_or('\u{FFFD}'));
        rest = &rest[w..];
    }
    std::borrow::Cow::Owned(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        String::from_utf8(clean(s.as_bytes())).unwrap()
    }

    #[test]
    fn clean_matches_go() {
        for (i, o) in [
            ("", "."),
            ("abc", "abc"),
            ("abc/def", "abc/def"),
            ("a/b/c", "a/b/c"),
            (".", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("../../abc", "../../abc"),
            ("/abc", "/abc"),
            ("/", "/"),
            ("abc/", "abc"),
            ("abc/def/", "abc/def"),
            ("a/b/c/", "a/b/c"),
            ("./", "."),
            ("../", ".."),
            ("//abc", "/abc"),
            ("abc//def//ghi", "abc/def/ghi"),
            ("abc/./def", "abc/def"),
            ("/./abc/def", "/abc/def"),
            ("abc/.", "abc"),
            ("abc/def/ghi/../jkl", "abc/def/jkl"),
            ("abc/def/../ghi/../jkl", "abc/jkl"),
            ("abc/def/..", "abc"),
            ("abc/def/../..", "."),
            ("/abc/def/../..", "/"),
            ("abc/def/../../..", ".."),
            ("/abc/def/../../..", "/"),
            ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"),
            ("/../abc", "/abc"),
            ("abc/./../def", "def"),
            ("abc//./../def", "def"),
            ("abc/../../././../def", "../../def"),
        ] {
            assert_eq!(c(i), o, "clean({i:?})");
        }
    }

    #[test]
    fn trim_is_unicode_and_byte_safe() {
        assert_eq!(trim_space(" \t\u{85}a b\u{3000}\r".as_bytes()), b"a b");
        assert_eq!(trim_space(b"\xff "), b"\xff");
        assert_eq!(trim_space(b"  "), b"");
    }

    #[test]
    fn lossy_is_per_byte() {
        assert_eq!(lossy_runes(b"a\xe2\x82b"), "a\u{FFFD}\u{FFFD}b");
    }
}
