//! `tree` text output: `[size]  name` after box-drawing (UTF-8) or ASCII art,
//! full paths with `-f`, backslash/octal escapes in the C locale, a closing
//! report line. `--du` makes directory sizes cumulative (and counts hard
//! links twice); `-h` prints human sizes rounded to nearest.

use super::build::{Kind, Leaves, Mode, Parsed, Problems, Rec};
use super::escape::{backslash_unescape, has_backslash_escape};
use super::long::split_arrow;
use super::num::{self, Round};
use super::{HardLinks, Line, ListingFormat, SizeMeaning, SizeUnit};

/// Consumes the tree art at the start of `s`: returns the depth (number of
/// 4-column units, the connector included) and the rest, if a connector ends it.
pub(crate) fn art(s: &[u8]) -> Option<(usize, &[u8])> {
    fn next_char(s: &[u8]) -> Option<(char, usize)> {
        let len = match *s.first()? {
            0..=0x7f => 1,
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => return None,
        };
        let c = std::str::from_utf8(s.get(..len)?).ok()?.chars().next()?;
        Some((c, len))
    }
    let space = |c: char| c == ' ' || c == '\u{a0}';
    let mut depth = 0;
    let mut rest = s;
    loop {
        let mut unit = ['\0'; 4];
        let mut i = 0;
        for u in &mut unit {
            let (c, len) = next_char(&rest[i..])?;
            *u = c;
            i += len;
        }
        let indent = matches!(unit[0], '│' | '|' | ' ') && space(unit[1]) && space(unit[2]) && space(unit[3]);
        if indent {
            depth += 1;
        } else if matches!(unit[0], '├' | '└' | '|' | '`')
            && matches!(unit[1], '─' | '-')
            && matches!(unit[2], '─' | '-')
            && unit[3] == ' '
        {
            return Some((depth + 1, &rest[i..]));
        } else {
            return None;
        }
        rest = &rest[i..];
    }
}

/// Splits `[size]  name`; the size is the last word inside the brackets.
fn bracket(s: &[u8]) -> Option<(&[u8], &[u8])> {
    if s.first() != Some(&b'[') {
        return None;
    }
    let close = s.iter().position(|&b| b == b']')?;
    let inner = s[1..close].trim_ascii();
    let size = inner.rsplit(|&b| b == b' ').next()?;
    let rest = s[close + 1..].strip_prefix(b"  ")?;
    Some((size, rest))
}

/// Whether a line is a `tree` report (`3 directories, 7 files`).
fn is_report(s: &[u8]) -> bool {
    let t = String::from_utf8_lossy(s);
    let t = t.trim();
    (t.ends_with(" files") || t.ends_with(" file") || t.ends_with(" directories") || t.ends_with(" directory"))
        && t.split([',', ' ']).any(|w| w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty())
}

/// Whether the lines look like `tree` output (count of art lines).
pub(crate) fn score(lines: &[Line<'_>]) -> usize {
    lines.iter().filter(|l| art(l.text).is_some()).count()
}

struct Raw<'a> {
    no: usize,
    depth: usize,
    size: Option<&'a [u8]>,
    name: &'a [u8],
}

/// Whether directory values are cumulative: each directory at least holds its children.
fn cumulative(raws: &[Raw<'_>], bounds: &[Option<(u64, u64)>]) -> bool {
    let mut stack: Vec<(usize, usize, u64)> = Vec::new(); // (depth, index, sum of children lo)
    let mut meaningful = false;
    let mut ok = true;
    let mut close = |stack: &mut Vec<(usize, usize, u64)>, depth: usize| {
        while let Some(&(d, i, sum)) = stack.last() {
            if d < depth {
                break;
            }
            stack.pop();
            let has_kids = raws.get(i + 1).is_some_and(|r| r.depth > d);
            if has_kids {
                let hi = bounds[i].map_or(0, |b| b.1);
                if hi < sum {
                    ok = false;
                }
                if sum > 4096 {
                    meaningful = true;
                }
            }
            if let Some(parent) = stack.last_mut() {
                parent.2 = parent.2.saturating_add(bounds[i].map_or(0, |b| b.0));
            }
        }
    };
    for (i, r) in raws.iter().enumerate() {
        close(&mut stack, r.depth);
        stack.push((r.depth, i, 0));
    }
    close(&mut stack, 0);
    ok && meaningful
}

/// Picks `tree` or `tree --du`.
pub(crate) fn refine(lines: &[Line<'_>]) -> ListingFormat {
    let (raws, _) = collect(lines, &mut Problems::default());
    let bounds: Vec<_> = raws.iter().map(|r| r.size.and_then(|s| size_bounds(s).ok())).collect();
    if bounds.iter().all(Option::is_none) {
        return ListingFormat::Tree;
    }
    if cumulative(&raws, &bounds) { ListingFormat::TreeDu } else { ListingFormat::Tree }
}

fn size_bounds(tok: &[u8]) -> Result<(u64, u64), &'static str> {
    let (dec, unit) = num::parse_human(tok)?;
    num::bounds(dec, unit, Round::Nearest)
}

fn collect<'a>(lines: &[Line<'a>], problems: &mut Problems) -> (Vec<Raw<'a>>, bool) {
    let mut raws = Vec::new();
    let mut report = false;
    for (k, l) in lines.iter().enumerate() {
        let t = l.text;
        if t.is_empty() {
            continue;
        }
        let (depth, rest) = match art(t) {
            Some((d, rest)) => (d, rest),
            None if raws.is_empty() && k == lines.iter().position(|l| !l.text.is_empty()).unwrap_or(0) => (0, t),
            None if is_report(t) => {
                report = true;
                continue;
            }
            None => {
                problems.add(l.no, t, "not a `tree` line");
                continue;
            }
        };
        let (size, name) = match bracket(rest) {
            Some((s, n)) => (Some(s), n),
            None => (None, rest),
        };
        raws.push(Raw { no: l.no, depth, size, name });
    }
    (raws, report)
}

/// Reads `tree` output.
pub(crate) fn parse(lines: &[Line<'_>], format: ListingFormat, problems: &mut Problems) -> Parsed {
    let (raws, _) = collect(lines, problems);
    let human = raws.iter().any(|r| r.size.is_some_and(num::is_human));
    let any_size = raws.iter().any(|r| r.size.is_some());
    let (sizes, unit) = match (any_size, human) {
        (false, _) => (SizeMeaning::None, SizeUnit::None),
        (true, true) => (SizeMeaning::ApparentRounded, SizeUnit::Human),
        (true, false) => (SizeMeaning::Apparent, SizeUnit::Bytes),
    };
    let mode = if format == ListingFormat::TreeDu { Mode::Cumulative(Leaves::Files) } else { Mode::Flat };
    let mut parsed = Parsed::new(mode, sizes, unit);
    parsed.hardlinks = HardLinks::Ungrouped;
    // Escaped names (C locale): `\ ` for spaces, octal for non-ASCII. Raw
    // output never has an escaped space and escaped output never a raw one.
    let names = || raws.iter().skip(1).map(|r| r.name);
    let escaped = names().any(has_backslash_escape)
        && !names().any(|n| {
            let n: Vec<u8> = n.to_vec();
            let mut i = 0;
            while i < n.len() {
                if n[i..].starts_with(b" -> ") {
                    i += 4;
                    continue;
                }
                match n[i] {
                    b'\\' => i += 2,
                    b' ' => return true,
                    b if b >= 0x80 => return true,
                    _ => i += 1,
                }
            }
            false
        });
    let dec = |s: &[u8]| {
        if escaped { backslash_unescape(s) } else { s.to_vec() }
    };
    // With -f every name is a path starting with the root's name.
    let root_name: Option<&[u8]> = raws.first().filter(|r| r.depth == 0).map(|r| r.name);
    let full_paths = match root_name {
        Some(root) => {
            let below: Vec<&Raw<'_>> = raws.iter().filter(|r| r.depth > 0).collect();
            !below.is_empty() && below.iter().all(|r| r.name.starts_with(root) && r.name.get(root.len()) == Some(&b'/'))
        }
        None => false,
    };
    let mut stack: Vec<Vec<u8>> = Vec::new();
    for r in &raws {
        let size = match r.size.map(size_bounds) {
            None => None,
            Some(Ok(b)) => Some(b),
            Some(Err(e)) => {
                problems.add(r.no, r.name, format!("size: {e}"));
                continue;
            }
        };
        if r.depth == 0 {
            parsed.recs.push(Rec::new(r.no, b".".to_vec(), Kind::Dir, size));
            stack.clear();
            continue;
        }
        let exact = size.filter(|(a, b)| a == b).map(|(a, _)| a);
        let mut kind = Kind::Unknown;
        let mut name = r.name;
        if let Some((a, t)) = split_arrow(r.name, |_, t| exact.is_none_or(|s| dec(t).len() as u64 == s)) {
            name = a;
            kind = Kind::Symlink(Some(dec(t)));
        }
        let name = dec(name);
        if r.depth > stack.len() + 1 {
            problems.add(r.no, r.name, "tree line deeper than the line above allows");
            continue;
        }
        stack.truncate(r.depth - 1);
        let path = if full_paths {
            let root = root_name.unwrap_or(b".");
            let mut p = b"./".to_vec();
            p.extend_from_slice(name.get(root.len() + 1..).unwrap_or_default());
            p
        } else {
            let mut p: Vec<u8> = Vec::new();
            for s in &stack {
                p.extend_from_slice(s);
                p.push(b'/');
            }
            p.extend_from_slice(&name);
            p
        };
        let base = match path.iter().rposition(|&b| b == b'/') {
            Some(i) => path[i + 1..].to_vec(),
            None => path.clone(),
        };
        stack.push(base);
        parsed.recs.push(Rec::new(r.no, path, kind, size));
    }
    parsed.notes.push(
        "tree shows no file types: empty directories and special files read as files, and hard links are counted at every name"
            .into(),
    );
    if format == ListingFormat::TreeDu {
        parsed.notes.push("tree --du counts hard-linked data once per name; its report line is ignored".into());
    }
    if human {
        parsed.notes.push("human sizes (tree -h, rounded to nearest) are intervals; use `tree -s` for bytes".into());
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn art_units() {
        assert_eq!(art("├── [  8]  x".as_bytes()).unwrap().0, 1);
        assert_eq!(art("│\u{a0}\u{a0} └── y".as_bytes()).unwrap().0, 2);
        assert_eq!(art(b"|   `-- z").unwrap().0, 2);
        assert_eq!(art(b"    |-- w").unwrap().0, 2);
        assert!(art(b"plain").is_none());
        assert!(art("│".as_bytes()).is_none());
    }

    #[test]
    fn brackets_and_reports() {
        assert_eq!(bracket(b"[       4096]  ./a").unwrap(), (&b"4096"[..], &b"./a"[..]));
        assert_eq!(bracket(b"[   8]   leading").unwrap(), (&b"8"[..], &b" leading"[..]));
        assert!(is_report(b"31 directories, 49 files"));
        assert!(is_report(b"1.8G used in 149 directories, 617 files"));
        assert!(!is_report(b"my files"));
    }
}
