//! GNU, BusyBox and BSD `du`: `<size><TAB><path>`, post-order, cumulative.
//!
//! The same line shape carries 1 KiB disk blocks (the default), apparent
//! bytes (`-b`), apparent 1 KiB units rounded up (`--apparent-size`) or human
//! sizes (`-h`, rounded up by GNU and to nearest by BusyBox). Without `-a`
//! only directories are listed; with `-s` and operands (`du -sh *`) each line
//! is an operand of unknown kind; `-c` appends a `total` line.

use super::build::{Kind, Leaves, Mode, Parsed, Problems, Rec};
use super::num::{self, Round};
use super::{HardLinks, Line, ListingFormat, SizeMeaning, SizeUnit};

/// One `du` line, split.
pub(crate) struct DuLine<'a> {
    pub no: usize,
    pub size: &'a [u8],
    pub path: &'a [u8],
}

/// Splits a line at its first TAB; the size may be right-aligned (BSD `-h`).
pub(crate) fn split(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let tab = line.iter().position(|&b| b == b'\t')?;
    let size = line[..tab].trim_ascii();
    let path = &line[tab + 1..];
    if size.is_empty() || path.is_empty() || !size[0].is_ascii_digit() {
        return None;
    }
    num::parse_human(size).ok()?;
    Some((size, path))
}

fn strip_dot(p: &[u8]) -> &[u8] {
    if p == b"." {
        return b"";
    }
    let mut p = p;
    while let Some(rest) = p.strip_prefix(b"./") {
        p = rest;
    }
    p.strip_suffix(b"/").filter(|r| !r.is_empty()).unwrap_or(p)
}

/// A file-like name: has an extension with a letter (`main.go`, `a.tar.gz`), not a dotfile.
fn looks_like_file(path: &[u8]) -> bool {
    let base = match path.iter().rposition(|&b| b == b'/') {
        Some(i) => &path[i + 1..],
        None => path,
    };
    match base.iter().rposition(|&b| b == b'.') {
        Some(0) | None => false,
        Some(i) => {
            let ext = &base[i + 1..];
            (1..=8).contains(&ext.len())
                && ext.iter().all(u8::is_ascii_alphanumeric)
                && ext.iter().any(u8::is_ascii_alphabetic)
        }
    }
}

/// The shape of a du listing: which lines are directories with listed
/// children, and whether files are listed at all.
struct Shape {
    /// Index of each line's nearest listed ancestor.
    parent: Vec<Option<usize>>,
    has_children: Vec<bool>,
    total_line: Option<usize>,
    /// Every line is a top-level operand (`du -s *`).
    summary: bool,
    /// Files are listed (`-a`).
    all: bool,
}

fn shape(lines: &[DuLine<'_>], values: &[u128]) -> Shape {
    let n = lines.len();
    let mut total_line = None;
    if n >= 2 && lines[n - 1].path == b"total" {
        let last = values[n - 1];
        if values[..n - 1].iter().all(|&v| v <= last) {
            total_line = Some(n - 1);
        }
    }
    let mut index: super::build::FastMap<&[u8], usize> = super::build::FastMap::default();
    for (i, l) in lines.iter().enumerate() {
        if Some(i) == total_line {
            continue;
        }
        index.entry(strip_dot(l.path)).or_insert(i);
    }
    let mut parent = vec![None; n];
    let mut has_children = vec![false; n];
    let mut root = None;
    for (i, l) in lines.iter().enumerate() {
        if Some(i) == total_line {
            continue;
        }
        let p = strip_dot(l.path);
        if p.is_empty() {
            root = Some(i);
        }
        let mut q = p;
        while let Some(pos) = q.iter().rposition(|&b| b == b'/') {
            q = &q[..pos];
            if let Some(&j) = index.get(q) {
                parent[i] = Some(j);
                has_children[j] = true;
                break;
            }
        }
        if parent[i].is_none()
            && !p.is_empty()
            && let Some(r) = index.get(&b""[..])
        {
            parent[i] = Some(*r);
            has_children[*r] = true;
        }
    }
    let nested = (0..n).any(|i| parent[i].is_some_and(|p| Some(p) != root));
    let summary = root.is_none() && !nested;
    // Files are listed when a leaf is zero (directories never are) or when
    // many leaves are named like files.
    let leaves: Vec<usize> = (0..n).filter(|&i| !has_children[i] && Some(i) != total_line && Some(i) != root).collect();
    let zero_leaf = leaves.iter().any(|&i| values[i] == 0);
    let filelike = leaves.iter().filter(|&&i| looks_like_file(lines[i].path)).count();
    let all = !summary && (zero_leaf || (!leaves.is_empty() && filelike * 10 >= leaves.len() * 3));
    Shape { parent, has_children, total_line, summary, all }
}

/// Picks the du variant from the numbers themselves.
pub(crate) fn refine(lines: &[Line<'_>]) -> ListingFormat {
    let parsed: Vec<DuLine<'_>> =
        lines.iter().filter_map(|l| split(l.text).map(|(size, path)| DuLine { no: l.no, size, path })).collect();
    let toks: Vec<&[u8]> = parsed.iter().map(|l| l.size).collect();
    if toks.iter().any(|t| num::is_human(t)) {
        // BusyBox keeps a decimal at 10 and above (`84.0K`); GNU never does.
        let busybox = toks.iter().any(|t| {
            let int = t.iter().take_while(|b| b.is_ascii_digit()).count();
            int >= 2 && t.get(int) == Some(&b'.')
        });
        return if busybox { ListingFormat::BusyboxDuHuman } else { ListingFormat::DuHuman };
    }
    let values: Vec<u128> = toks.iter().map(|t| num::parse_dec(t).map(|d| d.digits).unwrap_or(0)).collect();
    if values.is_empty() {
        return ListingFormat::Du;
    }
    let sh = shape(&parsed, &values);
    // Residuals of directories with listed children: own size when files are listed.
    let mut child_sum = vec![0u128; values.len()];
    for (i, p) in sh.parent.iter().enumerate() {
        if let Some(p) = p {
            child_sum[*p] += values[i];
        }
    }
    let mut residuals: Vec<i128> =
        (0..values.len()).filter(|&i| sh.has_children[i]).map(|i| values[i] as i128 - child_sum[i] as i128).collect();
    if residuals.iter().any(|&r| r < 0) {
        return ListingFormat::DuApparentSize;
    }
    let nonzero: Vec<u128> = values.iter().copied().filter(|&v| v > 0).collect();
    if nonzero.iter().all(|v| v % 4 == 0) {
        return ListingFormat::Du;
    }
    residuals.sort_unstable();
    let mut leaf_values: Vec<u128> =
        (0..values.len()).filter(|&i| !sh.has_children[i] && values[i] > 0).map(|i| values[i]).collect();
    leaf_values.sort_unstable();
    let median_residual = residuals.get(residuals.len() / 2).copied();
    let median_leaf = leaf_values.get(leaf_values.len() / 2).copied().unwrap_or(0);
    if sh.all {
        if median_residual.is_some_and(|r| r >= 512) || median_leaf >= 200 {
            return ListingFormat::DuBytes;
        }
        return ListingFormat::DuApparentSize;
    }
    if median_leaf >= 200 { ListingFormat::DuBytes } else { ListingFormat::DuApparentSize }
}

/// Reads a du listing as `format`.
pub(crate) fn parse(lines: &[Line<'_>], format: ListingFormat, problems: &mut Problems) -> Parsed {
    let mut rows: Vec<DuLine<'_>> = Vec::new();
    for l in lines {
        if l.text.is_empty() {
            continue;
        }
        match split(l.text) {
            Some((size, path)) => rows.push(DuLine { no: l.no, size, path }),
            None => {
                let msg = if l.text.starts_with(b"du: ") {
                    "du's error message (stderr), not an entry"
                } else if !l.text.contains(&b'\t') {
                    "not a du line (expected a size, a TAB and a path)"
                } else {
                    "the size before the TAB cannot be read"
                };
                problems.add(l.no, l.text, msg);
            }
        }
    }
    let (unit_bytes, round, sizes, unit) = match format {
        ListingFormat::Du => (1024, Round::Up, SizeMeaning::DiskUsage, SizeUnit::Blocks { size: 1024 }),
        ListingFormat::DuBsd => (512, Round::Up, SizeMeaning::DiskUsage, SizeUnit::Blocks { size: 512 }),
        ListingFormat::DuBytes => (1, Round::Up, SizeMeaning::Apparent, SizeUnit::Bytes),
        ListingFormat::DuApparentSize => {
            (1024, Round::Up, SizeMeaning::ApparentRounded, SizeUnit::Blocks { size: 1024 })
        }
        ListingFormat::BusyboxDuHuman => (1, Round::Nearest, SizeMeaning::DiskUsage, SizeUnit::Human),
        _ => (1, Round::Up, SizeMeaning::DiskUsage, SizeUnit::Human),
    };
    // Without a GNU-only shape (`12K`) the values could be BusyBox's or
    // another tool's: keep the union of both roundings.
    let round = if format == ListingFormat::DuHuman && !num::gnu_evidence(rows.iter().map(|r| r.size)) {
        Round::UpOrNearest
    } else {
        round
    };
    let exact_blocks = matches!(format, ListingFormat::Du | ListingFormat::DuBsd);
    let human = matches!(format, ListingFormat::DuHuman | ListingFormat::BusyboxDuHuman);
    let mut bounds: Vec<Option<(u64, u64)>> = Vec::with_capacity(rows.len());
    for r in &rows {
        let b = match num::parse_human(r.size) {
            Ok((dec, u)) => {
                let u = if human { u } else { u.saturating_mul(unit_bytes) };
                let b = if exact_blocks && dec.decimals == 0 {
                    dec.digits
                        .checked_mul(u as u128)
                        .and_then(|v| u64::try_from(v).ok())
                        .map(|v| (v, v))
                        .ok_or(num::TOO_LARGE)
                } else {
                    num::bounds(dec, u, if dec.decimals == 0 && u == 1 { Round::Up } else { round })
                };
                b.map_err(|e| (e, r))
            }
            Err(e) => Err((e, r)),
        };
        match b {
            Ok(b) => bounds.push(Some(b)),
            Err((e, r)) => {
                problems.add(r.no, r.path, format!("size `{}`: {e}", String::from_utf8_lossy(r.size)));
                bounds.push(None);
            }
        }
    }
    let values: Vec<u128> = bounds.iter().map(|b| b.map_or(0, |b| u128::from(b.1))).collect();
    let sh = shape(&rows, &values);
    let leaves = if sh.summary {
        Leaves::Unknown
    } else if sh.all {
        Leaves::Files
    } else {
        Leaves::Dirs
    };
    let mut parsed = Parsed::new(Mode::Cumulative(leaves), sizes, unit);
    parsed.hardlinks = HardLinks::FirstNameOnly;
    for (i, r) in rows.iter().enumerate() {
        let Some(b) = bounds[i] else { continue };
        if Some(i) == sh.total_line {
            parsed.reported_total = Some(b);
            continue;
        }
        let kind = if sh.has_children[i] || (leaves == Leaves::Dirs) { Kind::Dir } else { Kind::Unknown };
        parsed.recs.push(Rec::new(r.no, r.path.to_vec(), kind, Some(b)));
    }
    let dotfiles = rows.iter().any(|r| {
        let p = strip_dot(r.path);
        p.starts_with(b".") || p.windows(2).any(|w| w == b"/.")
    });
    match leaves {
        Leaves::Dirs => parsed.notes.push(
            "du without -a lists directories only: the files inside each directory are known only as its remaining bytes, \
             so rules that match files can only be bounded (run `du -ab` for exact per-file sizes)"
                .into(),
        ),
        Leaves::Unknown => {
            parsed.notes.push(
                "a summary (du -s): each line is one entry whose contents are not listed, so rules that match inside it \
                 can only be bounded"
                    .into(),
            );
            if !dotfiles {
                parsed.notes.push(
                    "no dotfiles are listed: a bare `*` skips them (`.git`, `.env`, …), yet a context includes them; \
                     use `du -sb * .[!.]*` or `du -ab`"
                        .into(),
                );
            }
        }
        Leaves::Files => parsed.notes.push(
            "du cannot tell files from empty directories or symlinks: every listed leaf is read as a file".into(),
        ),
    }
    parsed.notes.push(
        "du lists each hard-linked file under one name only (which one depends on traversal order); its other names are missing"
            .into(),
    );
    match format {
        ListingFormat::Du => parsed.notes.push(
            "sizes are 1 KiB disk blocks (disk usage), not the apparent bytes a context carries: sparse files show \
             almost nothing and small files round up to a block; run `du -ab` for apparent bytes \
             (if this came from macOS/BSD du, the blocks are 512 bytes: use --listing-format du-bsd)"
                .into(),
        ),
        ListingFormat::DuBsd => parsed.notes.push(
            "sizes are 512-byte disk blocks (disk usage); on macOS `du -A` still rounds up per file".into(),
        ),
        ListingFormat::DuApparentSize => parsed.notes.push(
            "apparent sizes in 1 KiB units, each line rounded up: sizes are intervals; run `du -ab` for exact bytes".into(),
        ),
        ListingFormat::DuHuman | ListingFormat::BusyboxDuHuman => parsed.notes.push(
            "human sizes of disk usage (rounded): not the apparent bytes a context carries; run `du -ab` for exact apparent bytes"
                .into(),
        ),
        _ => {}
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &[u8]) -> Vec<Line<'_>> {
        s.split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .enumerate()
            .map(|(i, t)| Line { no: i + 1, text: t })
            .collect()
    }

    #[test]
    fn variants_from_numbers() {
        let blocks = b"4\t./a.txt\n0\t./link\n8\t./d/x.go\n12\t./d\n24\t.\n";
        assert_eq!(refine(&lines(blocks)), ListingFormat::Du);
        let bytes = b"1023\t./a.txt\n14\t./link\n321\t./d/x.go\n4417\t./d\n9536\t.\n";
        assert_eq!(refine(&lines(bytes)), ListingFormat::DuBytes);
        let apparent = b"1\t./a\n1\t./b\n1\t./c\n1\t./d\n1\t./e\n4\t.\n";
        assert_eq!(refine(&lines(apparent)), ListingFormat::DuApparentSize);
        assert_eq!(refine(&lines(b"4.0K\t./a\n12K\t.\n")), ListingFormat::DuHuman);
        assert_eq!(refine(&lines(b"4.0K\t./a\n12.0K\t.\n")), ListingFormat::BusyboxDuHuman);
    }

    #[test]
    fn files_or_directories_only() {
        let dirs = b"8\t./colon: dir\n4\t./empty dir\n24\t./caf\xc3\xa9\n7844\t.\n";
        let mut p = Problems::default();
        let parsed = parse(&lines(dirs), ListingFormat::Du, &mut p);
        assert_eq!(parsed.mode, Mode::Cumulative(Leaves::Dirs));
        let all = b"4\t./a.txt\n0\t./link\n8\t./d\n16\t.\n";
        let parsed = parse(&lines(all), ListingFormat::Du, &mut p);
        assert_eq!(parsed.mode, Mode::Cumulative(Leaves::Files));
        let summary = b"4.0K\tDockerfile\n1.2M\taudit-results\n1.3M\ttotal\n";
        let parsed = parse(&lines(summary), ListingFormat::DuHuman, &mut p);
        assert_eq!(parsed.mode, Mode::Cumulative(Leaves::Unknown));
        assert!(parsed.reported_total.is_some());
        assert_eq!(parsed.recs.len(), 2);
        assert_eq!(p.total, 0);
    }

    #[test]
    fn bad_lines_are_problems() {
        let mut p = Problems::default();
        let input =
            b"4\t./a\ndu: cannot read directory './x': Permission denied\n99999999999999999999999\t./big\n8\t.\n";
        let parsed = parse(&lines(input), ListingFormat::Du, &mut p);
        assert_eq!(p.total, 2);
        assert_eq!(p.list[0].line, 2);
        assert_eq!(parsed.recs.len(), 2);
    }
}
