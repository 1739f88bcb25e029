//! GNU `find`: `-printf '%s %p\n'` (apparent bytes, raw path, split on the
//! first space) and `-ls` (inode, 1 KiB blocks, mode, links, owner, group,
//! bytes, date, backslash-escaped path and ` -> target`).

use super::build::{Kind, Mode, Parsed, Problems, Rec};
use super::escape::backslash_unescape;
use super::long::{self, split_arrow};
use super::num;
use super::{HardLinks, Line, ListingFormat, SizeMeaning, SizeUnit};

/// `<digits> <path>`.
pub(crate) fn split_printf(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let sp = line.iter().position(|&b| b == b' ')?;
    let (size, path) = (&line[..sp], &line[sp + 1..]);
    if size.is_empty() || path.is_empty() || !size.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some((size, path))
}

/// Maps a long-format type character to a kind.
pub(crate) fn kind_of(type_char: u8) -> Kind {
    match type_char {
        b'-' => Kind::File,
        b'd' => Kind::Dir,
        b'l' => Kind::Symlink(None),
        _ => Kind::Other,
    }
}

/// Reads `find -printf` or `find -ls` output.
pub(crate) fn parse(lines: &[Line<'_>], format: ListingFormat, problems: &mut Problems) -> Parsed {
    let mut parsed = Parsed::new(Mode::Flat, SizeMeaning::Apparent, SizeUnit::Bytes);
    if format == ListingFormat::FindPrintf {
        parsed.hardlinks = HardLinks::Ungrouped;
        for l in lines {
            if l.text.is_empty() {
                continue;
            }
            let Some((size, path)) = split_printf(l.text) else {
                problems.add(l.no, l.text, "not a `find -printf '%s %p\\n'` line (expected bytes, a space and a path)");
                continue;
            };
            match num::parse_u64(size) {
                Ok(v) => parsed.recs.push(Rec::new(l.no, path.to_vec(), Kind::Unknown, Some((v, v)))),
                Err(e) => problems.add(l.no, l.text, format!("size: {e}")),
            }
        }
        parsed.notes.push(
            "find -printf '%s %p' shows no types: empty directories, symlinks and special files read as files, \
             and hard links are counted at every name (add %y and %i for more)"
                .into(),
        );
        return parsed;
    }
    parsed.hardlinks = HardLinks::Grouped;
    for l in lines {
        if l.text.is_empty() {
            continue;
        }
        let Some(long) = long::parse(l.text) else {
            problems.add(l.no, l.text, "not a `find -ls` line");
            continue;
        };
        let mut kind = kind_of(long.type_char);
        let mut name = long.name;
        if long.type_char == b'l'
            && let Some((a, t)) = split_arrow(name, |_, _| true)
        {
            name = a;
            kind = Kind::Symlink(Some(backslash_unescape(t)));
        }
        let size = if long.device {
            0
        } else {
            match num::parse_u64(long.size) {
                Ok(v) => v,
                Err(e) => {
                    problems.add(l.no, l.text, format!("size: {e}"));
                    continue;
                }
            }
        };
        let mut rec = Rec::new(l.no, backslash_unescape(name), kind, Some((size, size)));
        rec.mode = Some(long.perms);
        let nlink = long.nlink.and_then(|n| num::parse_u64(n).ok()).unwrap_or(1);
        if rec.kind == Kind::File
            && nlink > 1
            && let Some(inode) = long.leading.first().and_then(|i| num::parse_u64(i).ok())
        {
            rec.link_key = Some(inode);
        }
        parsed.recs.push(rec);
    }
    parsed
}
