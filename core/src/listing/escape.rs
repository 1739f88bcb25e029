//! Undoing each tool's escaping of names: C-quoted strings (git), backslash
//! escapes with octal bytes (`find -ls`, `tree` in the C locale, GNU tar,
//! `ls -b`) and shell quoting (`ls` on a terminal, `--quoting-style=shell*`).

fn octal(b: u8) -> Option<u8> {
    (b'0'..=b'7').contains(&b).then(|| b - b'0')
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Decodes one backslash escape starting after the `\` at `s[i]`; returns the
/// bytes it stands for and the index after it.
fn escape_at(s: &[u8], i: usize) -> (Option<u8>, usize) {
    let Some(&c) = s.get(i) else {
        return (Some(b'\\'), i);
    };
    let simple = match c {
        b'a' => Some(7),
        b'b' => Some(8),
        b'f' => Some(12),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(11),
        b'e' | b'E' => Some(27),
        _ => None,
    };
    if let Some(v) = simple {
        return (Some(v), i + 1);
    }
    if let Some(d) = octal(c) {
        let mut v: u32 = u32::from(d);
        let mut j = i + 1;
        while j < s.len() && j < i + 3 {
            match octal(s[j]) {
                Some(d) => v = v * 8 + u32::from(d),
                None => break,
            }
            j += 1;
        }
        return (Some((v & 0xff) as u8), j);
    }
    if c == b'x'
        && let Some(h) = s.get(i + 1).copied().and_then(hex)
    {
        let mut v = h;
        let mut j = i + 2;
        if let Some(h2) = s.get(j).copied().and_then(hex) {
            v = v * 16 + h2;
            j += 1;
        }
        return (Some(v), j);
    }
    (Some(c), i + 1)
}

/// A C-style quoted string as git prints it (`"caf\303\251/a \"b\".txt"`).
/// `None` when `s` is not one complete quoted string.
pub(crate) fn c_unquote(s: &[u8]) -> Option<Vec<u8>> {
    if s.len() < 2 || s[0] != b'"' || s[s.len() - 1] != b'"' {
        return None;
    }
    let inner = &s[1..s.len() - 1];
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        match inner[i] {
            b'\\' => {
                if i + 1 >= inner.len() {
                    return None;
                }
                let (b, j) = escape_at(inner, i + 1);
                out.extend(b);
                i = j;
            }
            b'"' => return None,
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(out)
}

/// Backslash escapes without surrounding quotes (`a\ b\ c.txt`,
/// `caf\303\251`, `back\\slash`): every `\x` is decoded, unknown ones to `x`.
pub(crate) fn backslash_unescape(s: &[u8]) -> Vec<u8> {
    if !s.contains(&b'\\') {
        return s.to_vec();
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' && i + 1 < s.len() {
            let (b, j) = escape_at(s, i + 1);
            out.extend(b);
            i = j;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// Whether a name contains a backslash escape that a decoder would change.
pub(crate) fn has_backslash_escape(s: &[u8]) -> bool {
    s.windows(2).any(|w| w[0] == b'\\' && (w[1] == b' ' || w[1] == b'\\' || octal(w[1]).is_some()))
}

/// Whether `s` is written in GNU ls' shell quoting: a single-quoted
/// segment, a double-quoted segment or `$'…'`.
pub(crate) fn looks_shell_quoted(s: &[u8]) -> bool {
    let s = s.strip_suffix(b"/").unwrap_or(s);
    (s.len() >= 2 && s[0] == b'\'' && s[s.len() - 1] == b'\'')
        || (s.len() >= 2 && s[0] == b'"' && s[s.len() - 1] == b'"')
        || s.windows(2).any(|w| w == b"$'")
}

/// Decodes GNU ls' shell quoting: `'a b'`, `"it's"`, `'a'$'\n''b'`,
/// `'it'\''s'`, and bare words (a backslash escapes the next byte).
/// `None` when the quotes do not balance.
pub(crate) fn shell_unquote(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'\'' => {
                let end = s[i + 1..].iter().position(|&b| b == b'\'')? + i + 1;
                out.extend_from_slice(&s[i + 1..end]);
                i = end + 1;
            }
            b'"' => {
                i += 1;
                loop {
                    match s.get(i)? {
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\\' if matches!(s.get(i + 1), Some(b'"' | b'\\' | b'$' | b'`')) => {
                            out.push(s[i + 1]);
                            i += 2;
                        }
                        &b => {
                            out.push(b);
                            i += 1;
                        }
                    }
                }
            }
            b'$' if s.get(i + 1) == Some(&b'\'') => {
                i += 2;
                loop {
                    match s.get(i)? {
                        b'\'' => {
                            i += 1;
                            break;
                        }
                        b'\\' => {
                            let (b, j) = escape_at(s, i + 1);
                            out.extend(b);
                            i = j;
                        }
                        &b => {
                            out.push(b);
                            i += 1;
                        }
                    }
                }
            }
            b'\\' if i + 1 < s.len() => {
                out.push(s[i + 1]);
                i += 2;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_c_quotes() {
        assert_eq!(c_unquote(br#""caf\303\251/menu du jour.txt""#).unwrap(), "café/menu du jour.txt".as_bytes());
        assert_eq!(c_unquote(br#""back\\slash.txt""#).unwrap(), br"back\slash.txt");
        assert_eq!(c_unquote(br#""say \"hi\".txt""#).unwrap(), br#"say "hi".txt"#);
        assert_eq!(c_unquote(br#""tab\there""#).unwrap(), b"tab\there");
        assert_eq!(c_unquote(br#""unterminated"#), None);
        assert_eq!(c_unquote(br#""a"b""#), None);
        assert_eq!(c_unquote(br#""ends in \""#), None);
    }

    #[test]
    fn backslashes_and_octal() {
        assert_eq!(backslash_unescape(br"./caf\303\251/emoji\ \360\237\220\263.txt"), "./café/emoji 🐳.txt".as_bytes());
        assert_eq!(backslash_unescape(br"arrow\ ->\ name.txt"), b"arrow -> name.txt");
        assert_eq!(backslash_unescape(br"back\\slash.txt"), br"back\slash.txt");
        assert_eq!(backslash_unescape(br"trailing\ space\ "), b"trailing space ");
        assert_eq!(backslash_unescape(br#"say\ \"hi\".txt"#), br#"say "hi".txt"#);
        assert_eq!(backslash_unescape(br"dangling\"), br"dangling\");
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_unquote(b"'a b c.txt'").unwrap(), b"a b c.txt");
        assert_eq!(shell_unquote(br#""it's.txt""#).unwrap(), b"it's.txt");
        assert_eq!(shell_unquote(br#"'say "hi".txt'"#).unwrap(), br#"say "hi".txt"#);
        assert_eq!(shell_unquote(b"'a'$'\\n''b'").unwrap(), b"a\nb");
        assert_eq!(shell_unquote(br"'it'\''s'").unwrap(), b"it's");
        assert_eq!(shell_unquote(b"'trailing space '").unwrap(), b"trailing space ");
        assert_eq!(shell_unquote(b"'open"), None);
        assert!(looks_shell_quoted(b"'#hash.txt'"));
        assert!(!looks_shell_quoted(b"plain"));
    }
}
