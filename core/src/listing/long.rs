//! The "long" line shared by `ls -l`, `find -ls`, bsdtar and GNU/BusyBox tar:
//! `[inode] [blocks] mode [nlink] owner [group] size date name`.
//!
//! Names are raw and may hold any byte, so the line is split by columns: the
//! date is found by its shape, the size is the column before it, and the name
//! starts after the single space that follows the date.

/// One long-format line, split into its columns.
#[derive(Debug, Clone)]
pub(crate) struct Long<'a> {
    /// Numbers printed before the mode (`find -ls`: inode and 1 KiB blocks; `ls -i`/`-s`).
    pub leading: Vec<&'a [u8]>,
    /// The type character: `-`, `d`, `l`, `h` (tar hard link), `p`, `c`, `b`, `s`, …
    pub type_char: u8,
    /// Permission bits (with setuid/setgid/sticky).
    pub perms: u32,
    /// The link count, when printed.
    pub nlink: Option<&'a [u8]>,
    /// Owner and group columns (`root root`, `root/root`).
    pub owner: Vec<&'a [u8]>,
    /// The size column (empty for devices).
    pub size: &'a [u8],
    /// A device (`major, minor` instead of a size).
    pub device: bool,
    /// The date columns as printed.
    pub date: &'a [u8],
    /// Everything after the date and one space: name (and ` -> target` / ` link to target`).
    pub name: &'a [u8],
}

fn spans(line: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        while i < line.len() && (line[i] == b' ' || line[i] == b'\t') {
            i += 1;
        }
        if i >= line.len() {
            break;
        }
        let start = i;
        while i < line.len() && line[i] != b' ' && line[i] != b'\t' {
            i += 1;
        }
        out.push((start, i));
        // Names come after the date; no need to split a long tail.
        if out.len() > 16 {
            break;
        }
    }
    out
}

/// Reads a mode string such as `drwxr-xr-x`, `-rwsr-xr-x.`, `lrwxrwxrwx@`.
pub(crate) fn parse_mode(tok: &[u8]) -> Option<(u8, u32)> {
    let tok = match tok.len() {
        10 => tok,
        11 if matches!(tok[10], b'.' | b'+' | b'@') => &tok[..10],
        _ => return None,
    };
    let t = tok[0];
    if !b"-dlpscbDCMnPh?".contains(&t) {
        return None;
    }
    let mut perms = 0u32;
    for (i, &c) in tok[1..].iter().enumerate() {
        let shift = 8 - i as u32;
        let ok = match i % 3 {
            0 => matches!(c, b'r' | b'-'),
            1 => matches!(c, b'w' | b'-'),
            _ => matches!(c, b'x' | b's' | b'S' | b't' | b'T' | b'l' | b'L' | b'-'),
        };
        if !ok {
            return None;
        }
        match c {
            b'r' | b'w' | b'x' => perms |= 1 << shift,
            b's' | b't' => perms |= 1 << shift,
            _ => {}
        }
        if i % 3 == 2 && matches!(c, b's' | b'S' | b't' | b'T' | b'l' | b'L') {
            perms |= match i {
                2 => 0o4000,
                5 => 0o2000,
                _ => 0o1000,
            };
        }
    }
    Some((t, perms))
}

const MONTHS: [&[u8]; 12] =
    [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];

fn is_month(t: &[u8]) -> bool {
    t.len() >= 3
        && t.len() <= 5
        && MONTHS.iter().any(|m| t[..3].eq_ignore_ascii_case(m))
        && t[3..].iter().all(|&b| b == b'.')
}

fn is_day(t: &[u8]) -> bool {
    (1..=2).contains(&t.len()) && t.iter().all(u8::is_ascii_digit)
}

fn is_year(t: &[u8]) -> bool {
    t.len() == 4 && t.iter().all(u8::is_ascii_digit)
}

fn is_time(t: &[u8]) -> bool {
    // HH:MM, HH:MM:SS, HH:MM:SS.fraction
    let digits = |s: &[u8]| s.len() == 2 && s.iter().all(u8::is_ascii_digit);
    let mut parts = t.splitn(3, |&b| b == b':');
    let (Some(h), Some(m)) = (parts.next(), parts.next()) else {
        return false;
    };
    if !(digits(h) || (h.len() == 1 && h[0].is_ascii_digit())) || !digits(m) {
        return false;
    }
    match parts.next() {
        None => true,
        Some(s) => {
            let (sec, frac) = match s.iter().position(|&b| b == b'.') {
                Some(i) => (&s[..i], &s[i + 1..]),
                None => (s, &b""[..]),
            };
            digits(sec) && frac.iter().all(u8::is_ascii_digit)
        }
    }
}

fn is_iso_date(t: &[u8]) -> bool {
    t.len() == 10
        && t[4] == b'-'
        && t[7] == b'-'
        && t.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
}

fn is_month_day(t: &[u8]) -> bool {
    t.len() == 5 && t[2] == b'-' && t.iter().enumerate().all(|(i, b)| i == 2 || b.is_ascii_digit())
}

fn is_zone(t: &[u8]) -> bool {
    t.len() == 5 && matches!(t[0], b'+' | b'-') && t[1..].iter().all(u8::is_ascii_digit)
}

/// How many tokens from `i` make a date, if they do.
fn date_at(tok: &[&[u8]], i: usize) -> Option<usize> {
    let t = |k: usize| tok.get(i + k).copied().unwrap_or(b"");
    if is_month(t(0)) && is_day(t(1)) && (is_time(t(2)) || is_year(t(2))) {
        return Some(3);
    }
    if is_day(t(0)) && is_month(t(1)) && (is_time(t(2)) || is_year(t(2))) {
        return Some(3);
    }
    if is_iso_date(t(0)) {
        if is_time(t(1)) {
            return Some(if is_zone(t(2)) { 3 } else { 2 });
        }
        return Some(1);
    }
    if is_month_day(t(0)) && is_time(t(1)) {
        return Some(2);
    }
    None
}

fn is_size(t: &[u8]) -> bool {
    !t.is_empty() && t[0].is_ascii_digit() && super::num::parse_human(t).is_ok()
}

/// Splits a long-format line; `None` when it is not one.
pub(crate) fn parse(line: &[u8]) -> Option<Long<'_>> {
    let sp = spans(line);
    let tok: Vec<&[u8]> = sp.iter().map(|&(a, b)| &line[a..b]).collect();
    let m = (0..tok.len().min(3)).find(|&i| parse_mode(tok[i]).is_some())?;
    if !tok[..m].iter().all(|t| t.iter().all(u8::is_ascii_digit)) {
        return None;
    }
    let (type_char, perms) = parse_mode(tok[m])?;
    for d in m + 2..tok.len() {
        let Some(n) = date_at(&tok, d) else { continue };
        let size_tok = tok[d - 1];
        let (size, device, owner_end) = if size_tok.contains(&b',') {
            // `1,3` (tar) or `1,` `3` (ls): a device.
            (&b""[..], true, d - 1)
        } else if d >= m + 3 && tok[d - 2].ends_with(b",") && size_tok.iter().all(u8::is_ascii_digit) {
            (&b""[..], true, d - 2)
        } else if is_size(size_tok) {
            (size_tok, false, d - 1)
        } else {
            continue;
        };
        let last = d + n - 1;
        let end = sp.get(last)?.1;
        // Exactly one space separates the date from the name.
        if line.get(end) != Some(&b' ') || end + 1 >= line.len() {
            return None;
        }
        let name = &line[end + 1..];
        let after_mode = m + 1;
        let (nlink, owner_start) = match tok.get(after_mode) {
            Some(t) if after_mode < owner_end && t.iter().all(u8::is_ascii_digit) => (Some(*t), after_mode + 1),
            _ => (None, after_mode),
        };
        return Some(Long {
            leading: tok[..m].to_vec(),
            type_char,
            perms,
            nlink,
            owner: tok[owner_start..owner_end.max(owner_start)].to_vec(),
            size,
            device,
            date: &line[sp[d].0..end],
            name,
        });
    }
    None
}

/// Splits `name -> target` at the arrow for which `accept(name, target)`
/// holds, trying every ` -> ` from the left.
pub(crate) fn split_arrow(s: &[u8], mut accept: impl FnMut(&[u8], &[u8]) -> bool) -> Option<(&[u8], &[u8])> {
    let mut from = 0;
    while let Some(i) = find(&s[from..], b" -> ") {
        let at = from + i;
        let (a, b) = (&s[..at], &s[at + 4..]);
        if accept(a, b) {
            return Some((a, b));
        }
        from = at + 1;
    }
    None
}

/// The first occurrence of `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ls_line_with_odd_names() {
        let l = parse(b"-rw-r--r-- 1 root root       8 Nov 24 08:15  leading space").unwrap();
        assert_eq!(l.name, b" leading space");
        assert_eq!(l.size, b"8");
        let l = parse(b"drwxr-xr-x 2 root root    4096 Feb 29  2024 sizes").unwrap();
        assert_eq!(l.name, b"sizes");
        assert_eq!(l.type_char, b'd');
        let l = parse(b"-rw-r--r-- 1 root root      11 Nov 24 08:15 arrow -> name.txt").unwrap();
        assert_eq!(l.name, b"arrow -> name.txt");
        let l = parse(b"-rwsr-xr-x 1 root root 20 Nov 24 08:15 setuid-ish").unwrap();
        assert_eq!(l.perms, 0o4755);
        let l = parse(b"crw-rw-rw- 1 root root 1, 3 Nov 24 08:15 null").unwrap();
        assert!(l.device);
        assert_eq!(l.name, b"null");
    }

    #[test]
    fn find_ls_tar_and_bsdtar_lines() {
        let l =
            parse(b"  5448149   1024 -rw-r--r--   2 root     root      1048576 Nov 24 08:15 ./hardlink-to-1M").unwrap();
        assert_eq!(l.leading, vec![&b"5448149"[..], b"1024"]);
        assert_eq!(l.nlink, Some(&b"2"[..]));
        assert_eq!(l.size, b"1048576");
        let l =
            parse(b"hrw-r--r-- root/root         0 2026-11-24 08:15 ./sizes/1048576 link to ./hardlink-to-1M").unwrap();
        assert_eq!(l.type_char, b'h');
        assert_eq!(l.owner, vec![&b"root/root"[..]]);
        assert_eq!(l.name, b"./sizes/1048576 link to ./hardlink-to-1M");
        let l = parse(b"-rw-r--r-- root/root   1048576 2026-11-24 08:15:00 ./hardlink-to-1M").unwrap();
        assert_eq!(l.name, b"./hardlink-to-1M");
        let l = parse(b"-rw-r--r--  0 root   root  104857600 Feb 29  2024 ./sizes/sparse-100M").unwrap();
        assert_eq!(l.size, b"104857600");
        assert_eq!(l.name, b"./sizes/sparse-100M");
        let l = parse(b"-rw-r--r--  1 root root 977K Feb 29  2024 1000000").unwrap();
        assert_eq!(l.size, b"977K");
        assert!(parse(b"total 1120").is_none());
        assert!(parse(b"./colon: dir:").is_none());
        assert!(parse(b"-rw-r--r-- 1 root root 8 Nov 24 08:15").is_none());
    }

    #[test]
    fn arrows() {
        let (a, b) = split_arrow(b"x -> y -> z", |_, t| t.len() == 1).unwrap();
        assert_eq!((a, b), (&b"x -> y"[..], &b"z"[..]));
        assert!(split_arrow(b"plain", |_, _| true).is_none());
    }
}
