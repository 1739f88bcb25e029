//! `tar -tvf` listings: GNU tar (`mode owner/group size date time path`,
//! backslashes escaped, `h… link to target`), BusyBox tar (seconds in the
//! time, raw names, hard links printed as `-… 0 … path -> target`) and
//! bsdtar (ls-like columns, `link to`).

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use super::build::{FxHasher, Kind, Mode, Parsed, Problems, Rec};
use super::escape::backslash_unescape;
use super::find::kind_of;
use super::long::{self, find, split_arrow};
use super::num;
use super::{HardLinks, Line, ListingFormat, SizeMeaning, SizeUnit};

/// Whether a GNU/BusyBox tar line (`owner/group` column, ISO date).
pub(crate) fn is_tar_line(line: &[u8]) -> Option<bool> {
    let l = long::parse(line)?;
    if l.nlink.is_some() || l.owner.len() != 1 || !l.owner[0].contains(&b'/') {
        return None;
    }
    // BusyBox prints seconds (`08:15:00`), GNU does not.
    Some(l.date.iter().filter(|&&b| b == b':').count() >= 2)
}

/// Reads a tar listing.
pub(crate) fn parse(lines: &[Line<'_>], format: ListingFormat, problems: &mut Problems) -> Parsed {
    let mut parsed = Parsed::new(Mode::Flat, SizeMeaning::Apparent, SizeUnit::Bytes);
    parsed.hardlinks = HardLinks::Grouped;
    let escaped = format != ListingFormat::BusyboxTar;
    let dec = |s: &[u8]| {
        if escaped { backslash_unescape(s) } else { s.to_vec() }
    };
    let mut seen: HashSet<Vec<u8>, BuildHasherDefault<FxHasher>> = HashSet::default();
    for l in lines {
        if l.text.is_empty() {
            continue;
        }
        let Some(long) = long::parse(l.text) else {
            problems.add(l.no, l.text, "not a `tar -tv` line");
            continue;
        };
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
        let mut kind = match long.type_char {
            b'h' => Kind::Hardlink(Vec::new()),
            b'C' => Kind::File,
            t => kind_of(t),
        };
        let mut name: Vec<u8> = dec(long.name);
        match long.type_char {
            b'l' => {
                if let Some((a, t)) = split_arrow(long.name, |_, _| true) {
                    name = dec(a);
                    kind = Kind::Symlink(Some(dec(t)));
                }
            }
            b'h' => match find(long.name, b" link to ") {
                Some(i) => {
                    name = dec(&long.name[..i]);
                    kind = Kind::Hardlink(dec(&long.name[i + 9..]));
                }
                None => {
                    problems.add(l.no, l.text, "hard link without `link to`");
                    continue;
                }
            },
            b'-' if size == 0 && format == ListingFormat::BusyboxTar => {
                // BusyBox shows a hard link as `path -> target` on a regular-file line.
                if let Some((a, t)) = split_arrow(long.name, |_, t| seen.contains(t)) {
                    name = a.to_vec();
                    kind = Kind::Hardlink(t.to_vec());
                }
            }
            _ => {}
        }
        // Only BusyBox's hard links are told by earlier names.
        if !escaped {
            seen.insert(name.clone());
        }
        let mut rec = Rec::new(l.no, name, kind, Some((size, size)));
        rec.mode = Some(long.perms);
        parsed.recs.push(rec);
    }
    parsed.notes.push(
        "a tar listing shows the archive's members: it carries exactly what was archived (check that it was made from the context root)"
            .into(),
    );
    parsed
}
