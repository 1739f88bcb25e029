//! Git listings: `git ls-files` (C-quoted paths; also `-s`),
//! `git ls-files --format='%(objectmode) %(objectsize) %(path)'` and
//! `git ls-tree [-r] [-l]`. They show tracked (or committed) entries only.

use super::build::{Kind, Mode, Parsed, Problems, Rec};
use super::num;
use super::paths::{decode_path, path_problem};
use super::{HardLinks, Line, ListingFormat, SizeMeaning, SizeUnit};

fn is_mode(t: &[u8]) -> bool {
    t.len() == 6 && t.iter().all(|b| (b'0'..=b'7').contains(b))
}

fn is_sha(t: &[u8]) -> bool {
    (7..=64).contains(&t.len()) && t.iter().all(u8::is_ascii_hexdigit)
}

/// Columns of a `git ls-tree` line: mode, type, size (with `-l`), path.
pub(crate) type LsTreeLine<'a> = (&'a [u8], &'a [u8], Option<&'a [u8]>, &'a [u8]);

/// `<mode> <type> <sha>[ <size>]\t<path>`.
pub(crate) fn split_ls_tree(line: &[u8]) -> Option<LsTreeLine<'_>> {
    let tab = line.iter().position(|&b| b == b'\t')?;
    let (head, path) = (&line[..tab], &line[tab + 1..]);
    let mut it = head.split(|&b| b == b' ').filter(|t| !t.is_empty());
    let mode = it.next()?;
    let ty = it.next()?;
    let sha = it.next()?;
    let size = it.next();
    if it.next().is_some() || !is_mode(mode) || !matches!(ty, b"blob" | b"tree" | b"commit") || !is_sha(sha) {
        return None;
    }
    if let Some(s) = size
        && s != b"-"
        && !s.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    Some((mode, ty, size, path))
}

/// `<mode> <size> <path>` (`--format`), size `-` for submodules.
pub(crate) fn split_format(line: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let a = line.iter().position(|&b| b == b' ')?;
    let mode = &line[..a];
    let rest = &line[a + 1..];
    let b = rest.iter().position(|&b| b == b' ')?;
    let size = &rest[..b];
    let path = &rest[b + 1..];
    if !is_mode(mode) || path.is_empty() || !(size == b"-" || (!size.is_empty() && size.iter().all(u8::is_ascii_digit)))
    {
        return None;
    }
    Some((mode, size, path))
}

/// `git ls-files -s`: `<mode> <sha> <stage>\t<path>`.
pub(crate) fn split_stage(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let tab = line.iter().position(|&b| b == b'\t')?;
    let head: Vec<&[u8]> = line[..tab].split(|&b| b == b' ').collect();
    if head.len() == 3 && is_mode(head[0]) && is_sha(head[1]) && head[2].len() == 1 {
        return Some((head[0], &line[tab + 1..]));
    }
    None
}

fn kind_of(mode: &[u8], size: Option<u64>) -> (Kind, Option<u32>, Option<(u64, u64)>) {
    let size = size.map(|s| (s, s));
    match mode {
        b"120000" => (Kind::Symlink(None), None, size),
        b"160000" => (Kind::Dir, None, None),
        b"040000" => (Kind::Dir, None, None),
        m => {
            let bits = m.iter().fold(0u32, |v, b| v * 8 + u32::from(b - b'0'));
            (Kind::File, Some(bits & 0o7777), size)
        }
    }
}

/// Reads a git listing.
pub(crate) fn parse(lines: &[Line<'_>], format: ListingFormat, problems: &mut Problems) -> Parsed {
    let (sizes, unit) = match format {
        ListingFormat::GitLsFiles => (SizeMeaning::None, SizeUnit::None),
        _ => (SizeMeaning::Apparent, SizeUnit::Bytes),
    };
    let mut parsed = Parsed::new(Mode::Flat, sizes, unit);
    parsed.hardlinks = HardLinks::NotShown;
    let mut submodules = 0usize;
    let mut missing_sizes = 0usize;
    for l in lines {
        if l.text.is_empty() {
            continue;
        }
        let (mode, size, raw_path): (Option<&[u8]>, Option<&[u8]>, &[u8]) = match format {
            ListingFormat::GitLsTree => match split_ls_tree(l.text) {
                Some((m, ty, s, p)) => {
                    if ty == b"tree" {
                        parsed.opaque.push(decode_path(p));
                    }
                    (Some(m), s, p)
                }
                None => {
                    problems.add(l.no, l.text, "not a `git ls-tree` line");
                    continue;
                }
            },
            ListingFormat::GitLsFilesFormat => match split_format(l.text) {
                Some((m, s, p)) => (Some(m), Some(s), p),
                None => {
                    problems.add(
                        l.no,
                        l.text,
                        "not a `git ls-files --format='%(objectmode) %(objectsize) %(path)'` line",
                    );
                    continue;
                }
            },
            _ => match split_stage(l.text) {
                Some((m, p)) => (Some(m), None, p),
                None => (None, None, l.text),
            },
        };
        if let Some(why) = path_problem(raw_path, false) {
            problems.add(l.no, l.text, format!("not a path: {why}"));
            continue;
        }
        let size = match size {
            None | Some(b"-") => None,
            Some(s) => match num::parse_u64(s) {
                Ok(v) => Some(v),
                Err(e) => {
                    problems.add(l.no, l.text, format!("size: {e}"));
                    continue;
                }
            },
        };
        let (kind, bits, bounds) = match mode {
            Some(m) => kind_of(m, size),
            None => (Kind::File, None, None),
        };
        if mode == Some(b"160000") {
            submodules += 1;
        }
        if format != ListingFormat::GitLsFiles && bounds.is_none() && kind != Kind::Dir {
            missing_sizes += 1;
        }
        let mut rec = Rec::new(l.no, decode_path(raw_path), kind, bounds);
        rec.mode = bits;
        parsed.recs.push(rec);
    }
    parsed.notes.push(
        "git lists tracked files only: untracked and ignored files (node_modules, build outputs, .env, …) and .git itself \
         are missing, yet Docker sends them unless .dockerignore excludes them; use `find . -printf '%s %p\\n'` or `du -ab` \
         for the real directory"
            .into(),
    );
    if format == ListingFormat::GitLsTree {
        parsed.notes.push("git ls-tree shows the committed state (HEAD), not the working tree".into());
    }
    if format == ListingFormat::GitLsFiles {
        parsed.notes.push("git ls-files has no sizes: every file counts as 0 bytes".into());
    }
    if missing_sizes > 0 {
        parsed.notes.push(format!("{missing_sizes} entries have no size (ls-tree without -l): they count as 0 bytes"));
    }
    if submodules > 0 {
        parsed.notes.push(format!("{submodules} submodule(s) are read as empty directories"));
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_shapes() {
        let l = b"100644 blob 6da806d7a782261675473a6e20281973e26ff57b       4\t\"back\\\\slash.txt\"";
        let (m, t, s, p) = split_ls_tree(l).unwrap();
        assert_eq!((m, t, s), (&b"100644"[..], &b"blob"[..], Some(&b"4"[..])));
        assert_eq!(decode_path(p), b"back\\slash.txt");
        assert_eq!(split_format(b"100644 8  leading space").unwrap().2, b" leading space");
        assert_eq!(split_format(b"160000 - sub").unwrap().1, b"-");
        assert!(split_format(b"12 ./x").is_none());
        assert!(split_stage(b"100644 6da806d7a782261675473a6e20281973e26ff57b 0\ta").is_some());
    }
}
