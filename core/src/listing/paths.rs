//! Path lists: `find .` / `find . -type f`, plain lists (one path per line,
//! a trailing `/` marks a directory) and NUL-separated lists (`-print0`, `-z`).

use super::build::{Kind, Mode, Parsed, Problems, Rec};
use super::escape::c_unquote;
use super::{Line, ListingFormat, SizeMeaning, SizeUnit};

/// Paths longer than this are not paths (Linux `PATH_MAX`).
pub(crate) const MAX_PATH: usize = 4096;

/// Reads one listed path: C-quoted (`git ls-files` style) or raw.
pub(crate) fn decode_path(text: &[u8]) -> Vec<u8> {
    if text.first() == Some(&b'"')
        && let Some(p) = c_unquote(text)
    {
        return p;
    }
    text.to_vec()
}

/// Why a record cannot be a path, if it cannot.
pub(crate) fn path_problem(text: &[u8], nul: bool) -> Option<&'static str> {
    if text.len() > MAX_PATH {
        return Some("longer than any path (4096 bytes)");
    }
    if text.contains(&0) {
        return Some("contains a NUL byte");
    }
    if !nul && text.iter().any(|&b| b < 0x20 && b != b'\t') {
        return Some("contains control characters");
    }
    None
}

/// Reads a path list.
pub(crate) fn parse(lines: &[Line<'_>], format: ListingFormat, problems: &mut Problems) -> Parsed {
    let nul = format == ListingFormat::PathsNul;
    let mut parsed = Parsed::new(Mode::Flat, SizeMeaning::None, SizeUnit::None);
    let mut dirs = 0usize;
    for l in lines {
        if l.text.is_empty() {
            continue;
        }
        if let Some(why) = path_problem(l.text, nul) {
            problems.add(l.no, l.text, format!("not a path: {why}"));
            continue;
        }
        let path = if format == ListingFormat::Find { l.text.to_vec() } else { decode_path(l.text) };
        let kind = if path.len() > 1 && path.ends_with(b"/") {
            dirs += 1;
            Kind::Dir
        } else {
            Kind::Unknown
        };
        parsed.recs.push(Rec::new(l.no, path, kind, None));
    }
    parsed.notes.push(
        "a path list has no sizes: every file counts as 0 bytes (paste `find . -printf '%s %p\\n'` or `du -ab` for sizes)"
            .into(),
    );
    if format == ListingFormat::Find || dirs == 0 {
        parsed.notes.push(
            "directories are known only from the paths below them: empty directories and symlinks are not told apart from files"
                .into(),
        );
    }
    parsed
}
