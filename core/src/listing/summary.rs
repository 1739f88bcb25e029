//! Top-level summaries and charts: `gdu -n` (flag column, size, `/dir` or
//! file name), `dua` (aggregate of each top-level entry and a `total`) and
//! `dust`'s chart (largest entries only, box-drawing art, names truncated
//! to fit). Each line is an entry whose contents are not listed.

use super::build::{Kind, Leaves, Mode, Parsed, Problems, Rec};
use super::num::{self, Dec, Round};
use super::{HardLinks, Line, ListingFormat, SizeMeaning, SizeUnit};

const GDU_UNITS: [&[u8]; 7] = [b"B", b"KiB", b"MiB", b"GiB", b"TiB", b"PiB", b"EiB"];

/// Columns of a `gdu -n` line: flag, number, unit (if human), name.
pub(crate) type GduLine<'a> = (u8, &'a [u8], Option<&'a [u8]>, &'a [u8]);

/// Splits a `gdu -n` line.
pub(crate) fn split_gdu(line: &[u8]) -> Option<GduLine<'_>> {
    let flag = *line.first()?;
    if !b" e@!.H".contains(&flag) {
        return None;
    }
    let rest = &line[1..];
    let start = rest.iter().position(|&b| b != b' ')?;
    if start == 0 {
        return None;
    }
    let rest = &rest[start..];
    let n = rest.iter().position(|&b| !(b.is_ascii_digit() || b == b'.')).unwrap_or(rest.len());
    if n == 0 {
        return None;
    }
    let (number, rest) = rest.split_at(n);
    let rest = rest.strip_prefix(b" ")?;
    // gdu prints one decimal (`4.0 KiB`), bytes as `0 B`.
    let decimals = number.iter().position(|&b| b == b'.').map(|i| number.len() - i - 1);
    for u in GDU_UNITS {
        if let Some(name) = rest.strip_prefix(u).and_then(|r| r.strip_prefix(b" "))
            && !name.is_empty()
            && (decimals == Some(1) || (u == b"B" && decimals.is_none()))
        {
            return Some((flag, number, Some(u), name));
        }
    }
    if number.contains(&b'.') || rest.is_empty() {
        return None;
    }
    Some((flag, number, None, rest))
}

const DUA_UNITS: [&[u8]; 13] =
    [b"B", b"KiB", b"MiB", b"GiB", b"TiB", b"PiB", b"EiB", b"b", b"KB", b"MB", b"GB", b"TB", b"kB"];

/// `dua` line: number, unit, name.
pub(crate) fn split_dua(line: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let start = line.iter().position(|&b| b != b' ')?;
    let rest = &line[start..];
    let n = rest.iter().position(|&b| !(b.is_ascii_digit() || b == b'.')).unwrap_or(rest.len());
    if n == 0 {
        return None;
    }
    let (number, rest) = rest.split_at(n);
    let sp = rest.iter().position(|&b| b != b' ')?;
    if sp == 0 {
        return None;
    }
    let rest = &rest[sp..];
    // dua prints two decimals (`4.00 KiB`); bytes as `0   B` or `123 b`.
    let decimals = number.iter().position(|&b| b == b'.').map(|i| number.len() - i - 1);
    for u in DUA_UNITS {
        if let Some(name) = rest.strip_prefix(u).and_then(|r| r.strip_prefix(b" "))
            && !name.is_empty()
            && (decimals == Some(2) || (matches!(u, b"B" | b"b") && decimals.is_none()))
        {
            return Some((number, u, name));
        }
    }
    None
}

/// `dust` chart line: size token, depth, name.
pub(crate) fn split_dust(line: &[u8]) -> Option<(&[u8], usize, &[u8])> {
    let s = std::str::from_utf8(line).ok()?;
    let bars = s.trim_end().ends_with('%');
    let start = s.find(|c: char| c != ' ')?;
    let after = &s[start..];
    let tok_len = after.find(' ')?;
    let size = &after[..tok_len];
    if !size.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let art_start = start + tok_len + 1;
    let art = &s[art_start..];
    // The art: spaces, `│` and a 3-character connector, then one space.
    let mut last_conn = None;
    for (chars, (i, c)) in art.char_indices().enumerate() {
        match c {
            '├' | '└' | '┌' | '─' | '┬' | '┴' => last_conn = Some((i + c.len_utf8(), chars)),
            '│' | ' ' => {}
            _ => break,
        }
    }
    let (end, conn_chars) = last_conn?;
    let depth = conn_chars.saturating_sub(2) / 2;
    let rest = art[end..].strip_prefix(' ')?;
    // The bar, when shown, is between the last two `│`.
    let name = if bars {
        let last = rest.rfind('│')?;
        let bar = rest[..last].rfind('│')?;
        rest[..bar].trim_end()
    } else {
        rest.trim_end()
    };
    if name.is_empty() {
        return None;
    }
    let name_start = art_start + end + 1;
    Some((size.as_bytes(), depth, &line[name_start..name_start + name.len()]))
}

/// Whether `[lo, hi]` could hold a whole number of `block`-byte blocks.
pub(crate) fn fits_blocks(b: (u64, u64), block: u64) -> bool {
    b.1 / block * block >= b.0
}

/// Disk usage is a whole number of blocks: exact values are multiples of 512
/// (`st_blocks`), rounded ones are checked against 4 KiB allocation units.
pub(crate) fn looks_like_disk_usage(bounds: &[(u64, u64)], human: bool) -> bool {
    let block = if human { 4096 } else { 512 };
    bounds.iter().all(|&b| fits_blocks(b, block))
}

fn meaning(bounds: &[(u64, u64)], human: bool) -> (SizeMeaning, SizeUnit) {
    let disk = looks_like_disk_usage(bounds, human);
    let unit = if human { SizeUnit::Human } else { SizeUnit::Bytes };
    match (disk, human) {
        (true, _) => (SizeMeaning::DiskUsage, unit),
        (false, true) => (SizeMeaning::ApparentRounded, unit),
        (false, false) => (SizeMeaning::Apparent, unit),
    }
}

fn gdu_bounds(number: &[u8], unit: Option<&[u8]>) -> Result<(u64, u64), &'static str> {
    let dec = num::parse_dec(number)?;
    let u = match unit {
        None => 1,
        Some(u) => num::suffix_unit(u).ok_or("unknown size unit")?,
    };
    num::bounds(dec, u, Round::Nearest)
}

fn dust_bounds(tok: &[u8]) -> Result<(u64, u64), &'static str> {
    let (dec, unit): (Dec, u64) = num::parse_human(tok)?;
    let round = if dec.decimals > 0 { Round::Nearest } else { Round::Floor };
    num::bounds(dec, unit, round)
}

/// Reads `gdu -n`, `dua` or a `dust` chart.
pub(crate) fn parse(lines: &[Line<'_>], format: ListingFormat, problems: &mut Problems) -> Parsed {
    let mut recs: Vec<Rec> = Vec::new();
    let mut bounds_all: Vec<(u64, u64)> = Vec::new();
    let mut human = false;
    let mut reported_total = None;
    let mut notes: Vec<String> = Vec::new();
    let mut truncated = 0usize;
    match format {
        ListingFormat::GduTop => {
            for l in lines.iter().filter(|l| !l.text.is_empty()) {
                let Some((flag, number, unit, name)) = split_gdu(l.text) else {
                    problems.add(l.no, l.text, "not a `gdu -n` line");
                    continue;
                };
                human |= unit.is_some();
                let b = match gdu_bounds(number, unit) {
                    Ok(b) => b,
                    Err(e) => {
                        problems.add(l.no, l.text, format!("size: {e}"));
                        continue;
                    }
                };
                let (kind, path) = match (flag, name.strip_prefix(b"/")) {
                    (_, Some(dir)) => (Kind::Dir, dir),
                    (b'@', None) => (Kind::Symlink(None), name),
                    _ => (Kind::File, name),
                };
                bounds_all.push(b);
                recs.push(Rec::new(l.no, path.to_vec(), kind, Some(b)));
            }
            notes.push("gdu -n lists the top level only: what is inside each directory can only be bounded".into());
        }
        ListingFormat::Dua => {
            let body: Vec<&Line<'_>> = lines.iter().filter(|l| !l.text.is_empty()).collect();
            for (k, l) in body.iter().enumerate() {
                let Some((number, unit, name)) = split_dua(l.text) else {
                    problems.add(l.no, l.text, "not a `dua` line");
                    continue;
                };
                let exact = unit == b"b";
                human |= !exact;
                let b = num::parse_dec(number).and_then(|d| {
                    let u = if exact { 1 } else { num::suffix_unit(unit).ok_or("unknown size unit")? };
                    num::bounds(d, u, Round::Nearest)
                });
                let b = match b {
                    Ok(b) => b,
                    Err(e) => {
                        problems.add(l.no, l.text, format!("size: {e}"));
                        continue;
                    }
                };
                if k + 1 == body.len() && name == b"total" && body.len() > 1 {
                    reported_total = Some(b);
                    continue;
                }
                bounds_all.push(b);
                recs.push(Rec::new(l.no, name.to_vec(), Kind::Unknown, Some(b)));
            }
            notes.push(
                "dua lists the top level only and leaves symlinks out: what is inside each entry can only be bounded"
                    .into(),
            );
        }
        _ => {
            // dust: find the root (depth 0); when it is last, the chart runs bottom-up.
            let rows: Vec<(usize, &[u8], usize, &[u8])> = lines
                .iter()
                .filter(|l| !l.text.is_empty())
                .filter_map(|l| match split_dust(l.text) {
                    Some((s, d, n)) => Some((l.no, s, d, n)),
                    None => {
                        problems.add(l.no, l.text, "not a `dust` chart line");
                        None
                    }
                })
                .collect();
            let bottom_up = rows.last().is_some_and(|r| r.2 == 0) && rows.first().is_some_and(|r| r.2 != 0);
            let ordered: Vec<_> = if bottom_up { rows.into_iter().rev().collect() } else { rows };
            let full = ordered.iter().filter(|r| r.2 > 0).all(|r| r.3.starts_with(b"./") || r.3.starts_with(b"/"));
            let mut stack: Vec<Option<Vec<u8>>> = Vec::new();
            for (no, size, depth, name) in ordered {
                human = true;
                let b = match dust_bounds(size) {
                    Ok(b) => b,
                    Err(e) => {
                        problems.add(no, name, format!("size: {e}"));
                        continue;
                    }
                };
                stack.truncate(depth);
                let is_truncated = name.ends_with(b"..") && name != b".." || stack.iter().any(Option::is_none);
                if depth == 0 {
                    stack.push(Some(Vec::new()));
                    bounds_all.push(b);
                    recs.push(Rec::new(no, b".".to_vec(), Kind::Dir, Some(b)));
                    continue;
                }
                if is_truncated {
                    truncated += 1;
                    stack.push(None);
                    continue;
                }
                let path = if full {
                    name.to_vec()
                } else {
                    let mut p = Vec::new();
                    for s in stack.iter().flatten() {
                        if !s.is_empty() {
                            p.extend_from_slice(s);
                            p.push(b'/');
                        }
                    }
                    p.extend_from_slice(name);
                    p
                };
                stack.push(Some(name.to_vec()));
                bounds_all.push(b);
                recs.push(Rec::new(no, path, Kind::Unknown, Some(b)));
            }
            if truncated > 0 {
                notes.push(format!(
                    "{truncated} dust name(s) were truncated to fit the chart: their bytes stay with their parent"
                ));
            }
            notes.push(
                "a dust chart shows only the largest entries, with sizes rounded: use `dust -j -P -o b` for every entry in bytes"
                    .into(),
            );
        }
    }
    let (sizes, unit) = meaning(&bounds_all, human);
    let mut parsed = Parsed::new(Mode::Cumulative(Leaves::Unknown), sizes, unit);
    parsed.recs = recs;
    parsed.reported_total = reported_total;
    parsed.notes = notes;
    parsed.hardlinks = HardLinks::FirstNameOnly;
    if sizes == SizeMeaning::DiskUsage {
        parsed.notes.push(
            "these sizes are read as disk usage (the tool's default; nothing in them says otherwise), not the apparent \
             bytes a context carries; if they were made with apparent sizes (gdu -a, dua -A, dust -s) they are apparent \
             after all; `du -ab` gives exact apparent bytes"
                .into(),
        );
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gdu_lines() {
        assert_eq!(split_gdu(b"    6.4 MiB /sizes").unwrap(), (b' ', &b"6.4"[..], Some(&b"MiB"[..]), &b"/sizes"[..]));
        assert_eq!(split_gdu(b"    4.0 KiB  leading space").unwrap().3, b" leading space");
        assert_eq!(split_gdu(b"e      4096 /empty dir").unwrap(), (b'e', &b"4096"[..], None, &b"/empty dir"[..]));
        assert_eq!(split_gdu(b"@         9 link to abc").unwrap().3, b"link to abc");
        assert!(split_gdu(b"hello world").is_none());
    }

    #[test]
    fn dua_lines() {
        assert_eq!(
            split_dua(b"   4.00 KiB  leading space").unwrap(),
            (&b"4.00"[..], &b"KiB"[..], &b" leading space"[..])
        );
        assert_eq!(split_dua(b"      0   B named-pipe").unwrap().2, b"named-pipe");
        assert_eq!(split_dua(b" 111565505 b sizes").unwrap().1, b"b");
    }

    #[test]
    fn dust_lines() {
        let (s, d, n) = split_dust(" 108Mi └─┬ .                   │██  │ 100%".as_bytes()).unwrap();
        assert_eq!((s, d, n), (&b"108Mi"[..], 0, &b"."[..]));
        let (_, d, n) = split_dust(" 100Mi   │ ├── ./sizes/sparse-100M   │█ │  92%".as_bytes()).unwrap();
        assert_eq!((d, n), (2, &b"./sizes/sparse-100M"[..]));
        let (_, d, n) = split_dust("980Ki   │ ┌── 1000000      │██░░  │  12%".as_bytes()).unwrap();
        assert_eq!((d, n), (2, &b"1000000"[..]));
    }
}
