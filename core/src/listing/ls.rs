//! GNU and BusyBox `ls -l`, `-la`, `-lR`, `-laR`, `-lahR`: sections headed
//! `<dir>:`, a `total` line, then long-format entries named relative to the
//! section. Names are raw (`literal`), shell-quoted (what a terminal shows),
//! C-quoted or backslash-escaped, depending on `--quoting-style`.

use std::collections::HashMap;

use super::build::{Kind, Mode, Parsed, Problems, Rec};
use super::escape::{backslash_unescape, c_unquote, has_backslash_escape, looks_shell_quoted, shell_unquote};
use super::find::kind_of;
use super::long::{self, Long, split_arrow};
use super::num::{self, Round};
use super::{HardLinks, Line, SizeMeaning, SizeUnit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Literal,
    Shell,
    C,
    Escape,
}

fn decode(style: Style, s: &[u8]) -> Option<Vec<u8>> {
    match style {
        Style::Literal => Some(s.to_vec()),
        Style::Shell => {
            // Unquoted names are indented by one space to line up with quoted ones.
            let s = if s.len() > 1 && s[0] == b' ' && s[1] != b' ' { &s[1..] } else { s };
            shell_unquote(s)
        }
        Style::C => c_unquote(s).or_else(|| Some(s.to_vec())),
        Style::Escape => Some(backslash_unescape(s)),
    }
}

enum Row<'a> {
    Entry(Long<'a>),
    Header(&'a [u8]),
    Total,
    Blank,
    Junk,
}

fn classify<'a>(lines: &[Line<'a>]) -> Vec<Row<'a>> {
    let mut rows = Vec::with_capacity(lines.len());
    let mut prev_blank = true;
    for l in lines {
        let t = l.text;
        let row = if t.is_empty() {
            Row::Blank
        } else if let Some(long) = long::parse(t) {
            Row::Entry(long)
        } else if t.starts_with(b"total ") && num::parse_human(t[6..].trim_ascii()).is_ok() {
            Row::Total
        } else if prev_blank && t.len() > 1 && t.ends_with(b":") {
            Row::Header(&t[..t.len() - 1])
        } else {
            Row::Junk
        };
        prev_blank = matches!(row, Row::Blank);
        rows.push(row);
    }
    rows
}

/// Whether the lines look like `ls -l` output (and how strongly).
pub(crate) fn score(lines: &[Line<'_>]) -> usize {
    classify(lines).iter().filter(|r| matches!(r, Row::Entry(_) | Row::Header(_) | Row::Total)).count()
}

/// Whether long-format lines have no sections and name paths (bsdtar rather than ls).
pub(crate) fn looks_like_bsdtar(lines: &[Line<'_>]) -> bool {
    let rows = classify(lines);
    let mut entries = 0usize;
    let mut with_slash = 0usize;
    for r in &rows {
        match r {
            Row::Header(_) | Row::Total => return false,
            Row::Entry(l) => {
                entries += 1;
                let name = match l.type_char {
                    b'l' => split_arrow(l.name, |_, _| true).map_or(l.name, |(a, _)| a),
                    _ => l.name,
                };
                if name.contains(&b'/') {
                    with_slash += 1;
                }
            }
            _ => {}
        }
    }
    entries > 0 && with_slash * 2 >= entries
}

fn detect_style(rows: &[Row<'_>]) -> Style {
    let mut names: Vec<&[u8]> = Vec::new();
    for r in rows {
        match r {
            Row::Entry(l) => names.push(l.name),
            Row::Header(h) => names.push(h),
            _ => {}
        }
    }
    if names.iter().any(|n| looks_shell_quoted(n.strip_prefix(b" ").unwrap_or(n)) && n.first() != Some(&b'"'))
        || names.iter().any(|n| n.windows(4).any(|w| w == b"' ->" || w == b"-> '"))
    {
        return Style::Shell;
    }
    if !names.is_empty() && names.iter().all(|n| n.first() == Some(&b'"')) {
        return Style::C;
    }
    if names.iter().any(|n| looks_shell_quoted(n)) && names.iter().any(|n| n.first() != Some(&b'"')) {
        return Style::Shell;
    }
    let raw_space = names.iter().any(|n| {
        let mut i = 0;
        while i < n.len() {
            if n[i..].starts_with(b" -> ") {
                i += 4;
                continue;
            }
            match n[i] {
                b'\\' => i += 2,
                b' ' => return true,
                _ => i += 1,
            }
        }
        false
    });
    if !raw_space && names.iter().any(|n| has_backslash_escape(n)) {
        return Style::Escape;
    }
    Style::Literal
}

/// Splits an entry's name into name and symlink target.
fn split_link(style: Style, name: &[u8], size: Option<u64>) -> (Vec<u8>, Option<Vec<u8>>) {
    let dec = |s: &[u8]| decode(style, s);
    let mut first: Option<(Vec<u8>, Vec<u8>)> = None;
    let found = split_arrow(name, |a, t| {
        let (Some(a), Some(t)) = (dec(a), dec(t)) else {
            return false;
        };
        let fits = size.is_none_or(|s| t.len() as u64 == s);
        if first.is_none() {
            first = Some((a.clone(), t.clone()));
        }
        fits
    });
    match found {
        Some((a, t)) => (dec(a).unwrap_or_default(), dec(t)),
        None => match first {
            Some((a, t)) => (a, Some(t)),
            None => (dec(name).unwrap_or_else(|| name.to_vec()), None),
        },
    }
}

fn split_parent(p: &[u8]) -> (&[u8], &[u8]) {
    match p.iter().rposition(|&b| b == b'/') {
        Some(i) => (&p[..i], &p[i + 1..]),
        None => (b"", p),
    }
}

/// Whether `shown` is `real` with some characters printed as `?`.
fn question_marks_match(shown: &[u8], real: &[u8]) -> bool {
    let shown = String::from_utf8_lossy(shown);
    let real = String::from_utf8_lossy(real);
    shown.chars().count() == real.chars().count() && shown.chars().zip(real.chars()).all(|(a, b)| a == b || a == '?')
}

fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    if dir.is_empty() {
        return name.to_vec();
    }
    let mut p = dir.to_vec();
    p.push(b'/');
    p.extend_from_slice(name);
    p
}

/// Reads `ls -l…` output.
pub(crate) fn parse(lines: &[Line<'_>], problems: &mut Problems) -> Parsed {
    let rows = classify(lines);
    let style = detect_style(&rows);
    let human = rows.iter().any(|r| matches!(r, Row::Entry(l) if !l.device && num::is_human(l.size)));
    let (sizes, unit) =
        if human { (SizeMeaning::ApparentRounded, SizeUnit::Human) } else { (SizeMeaning::Apparent, SizeUnit::Bytes) };
    let round = if human
        && !num::gnu_evidence(rows.iter().filter_map(|r| match r {
            Row::Entry(l) if !l.device => Some(l.size),
            _ => None,
        })) {
        Round::UpOrNearest
    } else {
        Round::Up
    };
    let mut parsed = Parsed::new(Mode::Flat, sizes, unit);
    parsed.hardlinks = HardLinks::Grouped;

    let mut root_header: Option<Vec<u8>> = None;
    let mut section: Vec<u8> = Vec::new();
    let mut sections: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
    let mut listed_dirs: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut any_header = false;
    let mut saw_dot_entries = false;
    let mut saw_dotfiles = false;
    // Hard-link candidates without inode numbers: (nlink, size, mode, owner, date) → record indices.
    let mut candidates: HashMap<Vec<u8>, (u64, Vec<usize>)> = HashMap::new();

    for (l, row) in lines.iter().zip(rows.iter()) {
        match row {
            Row::Blank | Row::Total => {}
            Row::Junk => problems.add(l.no, l.text, "not an `ls -l` line"),
            Row::Header(h) => {
                any_header = true;
                let Some(path) = decode(style, h) else {
                    problems.add(l.no, l.text, "section header with unbalanced quotes");
                    continue;
                };
                let rel = match &root_header {
                    None => {
                        root_header = Some(path.clone());
                        Vec::new()
                    }
                    Some(root) => {
                        if root == b"." {
                            path.clone()
                        } else if let Some(rest) = path.strip_prefix(root.as_slice()).and_then(|r| r.strip_prefix(b"/"))
                        {
                            rest.to_vec()
                        } else {
                            path.clone()
                        }
                    }
                };
                let rel = match rel.strip_prefix(b"./") {
                    Some(r) => r.to_vec(),
                    None if rel == b"." => Vec::new(),
                    None => rel,
                };
                sections.insert(rel.clone());
                section = rel;
            }
            Row::Entry(long) => {
                let size = if long.device {
                    Some((0, 0))
                } else {
                    match num::parse_human(long.size) {
                        Ok((dec, u)) => match num::bounds(dec, u, round) {
                            Ok(b) => Some(b),
                            Err(e) => {
                                problems.add(l.no, l.text, format!("size: {e}"));
                                continue;
                            }
                        },
                        Err(e) => {
                            problems.add(l.no, l.text, format!("size: {e}"));
                            continue;
                        }
                    }
                };
                let exact = size.filter(|(a, b)| a == b).map(|(a, _)| a);
                let (name, target) = if long.type_char == b'l' {
                    split_link(style, long.name, exact)
                } else {
                    match decode(style, long.name) {
                        Some(n) => (n, None),
                        None => {
                            problems.add(l.no, l.text, "name with unbalanced quotes");
                            continue;
                        }
                    }
                };
                if name == b"." || name == b".." {
                    saw_dot_entries = true;
                    if name == b"." && section.is_empty() {
                        // The root's own size, from its `.` entry.
                        let mut rec = Rec::new(l.no, b".".to_vec(), Kind::Dir, size);
                        rec.mode = Some(long.perms);
                        parsed.recs.push(rec);
                    }
                    continue;
                }
                if name.is_empty() || name.contains(&b'/') {
                    problems.add(l.no, l.text, "an `ls` name cannot be empty or contain `/`");
                    continue;
                }
                if name.starts_with(b".") {
                    saw_dotfiles = true;
                }
                let path = join(&section, &name);
                let mut kind = kind_of(long.type_char);
                if let Kind::Symlink(_) = kind {
                    kind = Kind::Symlink(target);
                }
                if kind == Kind::Dir {
                    listed_dirs.push((path.clone(), parsed.recs.len()));
                }
                let mut rec = Rec::new(l.no, path, kind, size);
                rec.mode = Some(long.perms);
                let nlink = long.nlink.and_then(|n| num::parse_u64(n).ok()).unwrap_or(1);
                if rec.kind == Kind::File && nlink > 1 {
                    if !long.leading.is_empty() {
                        // `ls -i` (and `-is`): the inode comes first.
                        rec.link_key = num::parse_u64(long.leading[0]).ok();
                    } else {
                        let mut key = Vec::new();
                        for part in [long.nlink.unwrap_or(b""), long.size, long.date]
                            .into_iter()
                            .chain(long.owner.iter().copied())
                        {
                            key.extend_from_slice(part);
                            key.push(0);
                        }
                        key.extend_from_slice(&long.perms.to_le_bytes());
                        let e = candidates.entry(key).or_insert((nlink, Vec::new()));
                        e.1.push(parsed.recs.len());
                    }
                }
                parsed.recs.push(rec);
            }
        }
    }
    // Without inode numbers, names are grouped when exactly `nlink` entries
    // share link count, size, mode, owner and date.
    let mut next_key: u64 = 1 << 63;
    let mut unsure = 0usize;
    for (_, (nlink, members)) in candidates {
        if members.len() as u64 == nlink {
            for i in members {
                parsed.recs[i].link_key = Some(next_key);
            }
            next_key += 1;
        } else {
            unsure += members.len();
        }
    }
    if unsure > 0 {
        parsed.notes.push(format!(
            "{unsure} file(s) have other hard links that could not be matched by name (`ls -i` shows inode numbers): each is counted"
        ));
    }
    // BusyBox prints `?` for characters it cannot show in entry names, but
    // not in section headers: a `???` directory is the unlisted section
    // whose name it matches.
    let listed: std::collections::HashSet<Vec<u8>> = listed_dirs.iter().map(|(p, _)| p.clone()).collect();
    let mut renamed = 0usize;
    for (dir, rec) in &mut listed_dirs {
        if sections.contains(dir.as_slice()) || !dir.contains(&b'?') {
            continue;
        }
        let (parent, base) = split_parent(dir);
        let matches: Vec<&Vec<u8>> = sections
            .iter()
            .filter(|s| !listed.contains(s.as_slice()))
            .filter(|s| {
                let (p, b) = split_parent(s);
                p == parent && question_marks_match(base, b)
            })
            .collect();
        if let [only] = matches[..] {
            *dir = only.clone();
            parsed.recs[*rec].path = only.clone();
            renamed += 1;
        }
    }
    if renamed > 0 {
        parsed.notes.push(format!(
            "{renamed} directory name(s) printed with `?` for characters ls could not show were matched to their section headers"
        ));
    }
    if parsed.recs.iter().any(|r| r.path.contains(&b'?')) {
        parsed.notes.push(
            "names with `?` may stand for characters ls could not print (BusyBox does this): such paths may not match the real names"
                .into(),
        );
    }
    for (dir, _) in &listed_dirs {
        if !sections.contains(dir) {
            parsed.opaque.push(dir.clone());
        }
    }
    if !any_header && !listed_dirs.is_empty() {
        parsed
            .notes
            .push("`ls -l` without -R: the contents of the listed directories are unknown (use `ls -laR`)".into());
    } else if !parsed.opaque.is_empty() {
        parsed.notes.push(format!(
            "{} listed director(y/ies) have no section of their own: their contents are unknown",
            parsed.opaque.len()
        ));
    }
    if !saw_dot_entries && !saw_dotfiles {
        parsed.notes.push(
            "no dotfiles are listed (ls without -a hides `.git`, `.env`, `.dockerignore`, …), yet a context includes them: use `ls -laR`"
                .into(),
        );
    }
    if human {
        parsed
            .notes
            .push("sizes in human units (ls -h, rounded up): sizes are intervals; drop -h for exact bytes".into());
    }
    if style == Style::Shell || style == Style::C || style == Style::Escape {
        parsed.notes.push("names were unquoted from ls' quoting style".into());
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &[u8]) -> Vec<Line<'_>> {
        s.split(|&b| b == b'\n').enumerate().map(|(i, t)| Line { no: i + 1, text: t }).collect()
    }

    #[test]
    fn sections_raw_names_and_symlink_arrows() {
        let input = b".:\ntotal 8\n-rw-r--r-- 1 root root      11 Nov 24 08:15 arrow -> name.txt\n\
lrwxrwxrwx 1 root root       9 Nov 24 08:15 link to abc -> a b c.txt\n\
drwxr-xr-x 2 root root    4096 Nov 24 08:15 colon: dir\n\n./colon: dir:\ntotal 4\n\
-rw-r--r-- 1 root root 12 Nov 24 08:15 inside.txt\n";
        let mut p = Problems::default();
        let parsed = parse(&lines(input), &mut p);
        assert_eq!(p.total, 0, "{:?}", p.list);
        let paths: Vec<_> = parsed.recs.iter().map(|r| String::from_utf8_lossy(&r.path).into_owned()).collect();
        assert_eq!(paths, ["arrow -> name.txt", "link to abc", "colon: dir", "colon: dir/inside.txt"]);
        assert_eq!(parsed.recs[1].kind, Kind::Symlink(Some(b"a b c.txt".to_vec())));
        assert!(parsed.opaque.is_empty());
    }

    #[test]
    fn shell_escape_style() {
        let input = b".:\ntotal 8\n-rw-r--r-- 1 root root 8 Nov 24 08:15 ' leading space'\n\
-rw-r--r-- 1 root root 2049 Nov 24 08:15  -\n-rw-r--r-- 1 root root 5 Nov 24 08:15 \"it's.txt\"\n\
drwxr-xr-x 2 root root 4096 Nov 24 08:15 'colon: dir'\n\n'./colon: dir':\ntotal 4\n\
-rw-r--r-- 1 root root 12 Nov 24 08:15 inside.txt\n";
        let mut p = Problems::default();
        let parsed = parse(&lines(input), &mut p);
        assert_eq!(p.total, 0, "{:?}", p.list);
        let paths: Vec<_> = parsed.recs.iter().map(|r| String::from_utf8_lossy(&r.path).into_owned()).collect();
        assert_eq!(paths, [" leading space", "-", "it's.txt", "colon: dir", "colon: dir/inside.txt"]);
    }

    #[test]
    fn hard_links_by_metadata() {
        let input =
            b".:\n-rw-r--r-- 2 root root 1048576 Nov 24 08:15 a\ndrwxr-xr-x 2 root root 4096 Nov 24 08:15 d\n\n\
./d:\n-rw-r--r-- 2 root root 1048576 Nov 24 08:15 b\n-rw-r--r-- 2 root root 7 Nov 24 08:15 c\n";
        let mut p = Problems::default();
        let parsed = parse(&lines(input), &mut p);
        let keys: Vec<_> = parsed.recs.iter().map(|r| r.link_key).collect();
        assert!(keys[0].is_some() && keys[0] == keys[2]);
        assert!(keys[3].is_none());
    }
}
