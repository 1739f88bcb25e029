//! The syntax check `patternmatcher.New` performs: Go's `filepath.Match(p, ".")`.
//!
//! Docker uses it only for its error, never for matching, so this module
//! answers one question: does Go's `filepath.Match` reject the pattern?
//! Go keeps parsing after a mismatch so that every chunk is checked, which is
//! what makes `a[` or `x[]` errors even though `.` never matches them.

use super::gostr::decode_rune;

struct BadPattern;

/// Go's `filepath.Match(pattern, name)`, a malformed pattern matching nothing.
pub(crate) fn glob_match(pattern: &[u8], name: &[u8]) -> bool {
    matches!(go_match(pattern, name), Ok(true))
}

/// Whether Go's `filepath.Match(pattern, ".")` returns `ErrBadPattern`.
pub(crate) fn is_bad_pattern(pattern: &[u8]) -> bool {
    matches!(go_match(pattern, b"."), Err(BadPattern))
}

fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while let Some(b'*') = pattern.first() {
        pattern = &pattern[1..];
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

fn go_match(mut pattern: &[u8], mut name: &[u8]) -> Result<bool, BadPattern> {
    'outer: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(!name.contains(&b'/'));
        }
        let res = match_chunk(chunk, name);
        if let Ok(Some(t)) = res
            && (t.is_empty() || !pattern.is_empty())
        {
            name = t;
            continue;
        }
        res?;
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                match match_chunk(chunk, &name[i + 1..]) {
                    Ok(Some(t)) => {
                        if pattern.is_empty() && !t.is_empty() {
                            i += 1;
                            continue;
                        }
                        name = t;
                        continue 'outer;
                    }
                    Ok(None) => {}
                    Err(e) => return Err(e),
                }
                i += 1;
            }
        }
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, b"")?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Go's `matchChunk`: `Ok(Some(rest))` on a match, `Ok(None)` on a mismatch.
fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> Result<Option<&'a [u8]>, BadPattern> {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            b'[' => {
                let mut r: Option<char> = None;
                if !failed {
                    let (c, n) = decode_rune(s);
                    r = Some(c.unwrap_or('\u{FFFD}'));
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.first() == Some(&b'^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.first() == Some(&b']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if let Some(r) = r
                        && lo <= r
                        && r <= hi
                    {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode_rune(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            c => {
                let mut lit = c;
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return Err(BadPattern);
                    }
                    lit = chunk[0];
                }
                if !failed {
                    if lit != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed { Ok(None) } else { Ok(Some(s)) }
}

/// Go's `getEsc`: one (possibly escaped) class character; the rest must be non-empty.
fn get_esc(mut chunk: &[u8]) -> Result<(char, &[u8]), BadPattern> {
    if chunk.is_empty() || chunk[0] == b'-' || chunk[0] == b']' {
        return Err(BadPattern);
    }
    if chunk[0] == b'\\' {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return Err(BadPattern);
        }
    }
    let (r, n) = decode_rune(chunk);
    let Some(r) = r else {
        return Err(BadPattern);
    };
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((r, rest))
}

#[cfg(test)]
mod tests {
    use super::is_bad_pattern;

    #[test]
    fn go_rejects_what_docker_rejects() {
        for bad in ["[", "[]", "[]a]", "[a-]", "[-a]", "[^]", "a\\", "[\\", "x[", "*[", "[a"] {
            assert!(is_bad_pattern(bad.as_bytes()), "{bad:?} should be bad");
        }
        for good in ["a", "*", "**", "[a]", "[^a]", "[!a]", "[a-z]", "\\*", "a/**/b", "[z-a]", "{a,b}", "[[:alpha:]]"] {
            assert!(!is_bad_pattern(good.as_bytes()), "{good:?} should be accepted");
        }
    }
}
