//! GNU, BusyBox and BSD `du`: `<size><TAB><path>`, post-order, cumulative.
//!
//! The same line shape carries 1 KiB disk blocks (the default), apparent
//! bytes (`-b`), apparent 1 KiB units rounded up (`--apparent-size`) or human
//! sizes (`-h`, rounded up by GNU and to nearest by BusyBox). Without `-a`
//! only directories are listed; with `-s` and operands (`du -sh *`) each line
//! is an operand of unknown kind; `-c` appends a `total` line.

use super::build::{Kind, Leaves, Mode, NeedsRecords, Parsed, Problems, Rec, Stream, looks_like_file};
use std::convert::Infallible;

use super::num::{self, Round};
use super::{HardLinks, Line, ListingFormat, SizeMeaning, SizeUnit};

/// One `du` line, split.
pub(crate) struct DuLine<'a> {
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

/// The shape of a du listing: which lines are directories with listed
/// children, and whether files are listed at all.
struct Shape {
    /// Index of each line's nearest listed ancestor.
    parent: Vec<Option<usize>>,
    has_children: Vec<bool>,
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
    Shape { parent, has_children, all }
}

/// Picks the du variant from the numbers themselves.
pub(crate) fn refine(lines: &[Line<'_>]) -> ListingFormat {
    let parsed: Vec<DuLine<'_>> =
        lines.iter().filter_map(|l| split(l.text).map(|(size, path)| DuLine { size, path })).collect();
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

/// The notes that depend on how the builder read the leaves.
fn leaf_notes(leaves: Leaves, dotfiles: bool) -> Vec<String> {
    let mut notes = Vec::new();
    match leaves {
        Leaves::Dirs => notes.push(
            "du without -a lists directories only: the files inside each directory are known only as its remaining bytes, \
             so rules that match files can only be bounded (run `du -ab` for exact per-file sizes)"
                .into(),
        ),
        Leaves::Unknown => {
            notes.push(
                "a summary (du -s): each line is one entry whose contents are not listed, so rules that match inside it \
                 can only be bounded"
                    .into(),
            );
            if !dotfiles {
                notes.push(
                    "no dotfiles are listed: a bare `*` skips them (`.git`, `.env`, …), yet a context includes them; \
                     use `du -sb * .[!.]*` or `du -ab`"
                        .into(),
                );
            }
        }
        Leaves::Files => notes.push(
            "du cannot tell files from empty directories or symlinks: every listed leaf is read as a file".into(),
        ),
    }
    notes
}

/// A size token of plain digits read without the general number parser.
fn quick_size(tok: &[u8]) -> Option<(num::Dec, u64)> {
    if tok.is_empty() || tok.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for &b in tok {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some((num::Dec { digits: u128::from(v), decimals: 0 }, 1))
}

/// Splits a line at its first TAB and reads the size (`None`: not a du line).
fn split_parsed(line: &[u8]) -> Option<(&[u8], usize, (num::Dec, u64))> {
    // Plain digits up to the TAB, read in the same pass.
    let mut v: u64 = 0;
    let mut i = 0;
    while i < line.len().min(19) {
        let d = line[i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        v = v * 10 + u64::from(d);
        i += 1;
    }
    if i > 0 && line.get(i) == Some(&b'\t') && i + 1 < line.len() {
        return Some((&line[..i], i + 1, (num::Dec { digits: u128::from(v), decimals: 0 }, 1)));
    }
    let tab = line.iter().position(|&b| b == b'\t')?;
    if tab + 1 >= line.len() {
        return None;
    }
    let raw = &line[..tab];
    if let Some(q) = quick_size(raw) {
        return Some((raw, tab + 1, q));
    }
    let size = raw.trim_ascii();
    if size.is_empty() || !size[0].is_ascii_digit() {
        return None;
    }
    Some((size, tab + 1, num::parse_human(size).ok()?))
}

/// What [`parse_input`] read: a listing already built, or records for [`super::build::build`].
pub(crate) enum Read {
    Built(Box<Result<super::Listing, super::ListingError>>),
    Records(Parsed, usize),
}

/// Reads a du listing as `format`, straight from the input. Plain input
/// (no CRLF, no colour codes, no NUL records) goes into the tree line by
/// line; other input, or a listing with absolute paths, becomes records
/// that borrow their paths where they can. Returns the records read
/// (non-empty lines) with them.
pub(crate) fn parse_input(
    input: &[u8],
    nul: bool,
    format: ListingFormat,
    problems: &mut Problems,
    line_text: &dyn Fn(usize) -> Vec<u8>,
) -> Read {
    read(input, nul, format, problems, line_text, true)
}

/// [`parse_input`]; `try_stream: false` always makes records (tests compare both ways).
fn read(
    input: &[u8],
    nul: bool,
    format: ListingFormat,
    problems: &mut Problems,
    line_text: &dyn Fn(usize) -> Vec<u8>,
    try_stream: bool,
) -> Read {
    let first = input.split(|&b| b == b'\n').find(|l| !l.is_empty());
    let plain = !nul && !first.is_some_and(|l| l.ends_with(b"\r")) && memchr::memchr(0x1b, input).is_none();
    if !plain {
        let recs = super::records(input, nul);
        let mut out = Vec::with_capacity(recs.len());
        let Ok((parsed, n)) = parse_lines(
            recs.iter().map(|(no, t)| (*no, &t[..], None)),
            format,
            problems,
            |r| -> Result<(), Infallible> {
                out.push(Rec::new(r.no, r.path.to_vec(), Kind::Unknown, Some(r.size)));
                Ok(())
            },
        );
        return Read::Records(Parsed { recs: out, ..parsed }, n);
    }
    // The lines of `records` without its copies: no CRLF, no colour codes.
    let lines = || {
        let mut pos = 0usize;
        let mut no = 0usize;
        std::iter::from_fn(move || {
            if pos >= input.len() {
                return None;
            }
            let start = pos;
            let end = memchr::memchr(b'\n', &input[start..]).map_or(input.len(), |i| start + i);
            pos = end + 1;
            no += 1;
            Some((no, &input[start..end], Some(start)))
        })
    };
    // Room for every entry at once (growing would copy), within a few bytes
    // per input byte whatever the line lengths.
    let capacity = (memchr::memchr_iter(b'\n', input).count() + 1).min(input.len() / 16);
    let mut stream = Stream::new(if try_stream { capacity } else { 0 });
    let mut emitted = 0usize;
    let mut streamed_problems = Problems::default();
    let streamed = if !try_stream {
        Err(NeedsRecords)
    } else {
        parse_lines(lines(), format, &mut streamed_problems, |r| -> Result<(), NeedsRecords> {
            emitted += 1;
            stream.add(r.no, r.text, r.path, r.size)
        })
    };
    if let Ok((parsed, n)) = streamed {
        if emitted == 0 && streamed_problems.total > 0 {
            return Read::Built(Box::new(Err(super::not_a_listing(format, &streamed_problems))));
        }
        return Read::Built(Box::new(Ok(stream.finish(parsed, format, streamed_problems, n, line_text))));
    }
    drop(stream);
    let mut recs = Vec::with_capacity(capacity);
    let Ok((parsed, n)) = parse_lines(lines(), format, problems, |r| -> Result<(), Infallible> {
        let at = r.offset.unwrap_or_default();
        recs.push(Rec::borrowed(r.no, at + r.path_at, at + r.text.len(), Kind::Unknown, Some(r.size)));
        Ok(())
    });
    Read::Records(Parsed { recs, ..parsed }, n)
}

/// A du line read: its number, text, where the path starts in it, where the
/// text starts in the input (when it is the input's own bytes) and the size.
struct Row<'a> {
    no: usize,
    text: &'a [u8],
    path: &'a [u8],
    path_at: usize,
    offset: Option<usize>,
    size: (u64, u64),
}

/// `lines`: number, text and, when the text is the input's own bytes, its
/// offset. Every entry goes to `emit`, in order, except `du -c`'s total,
/// which is held back until a later line shows it is an entry.
fn parse_lines<'a, E>(
    lines: impl Iterator<Item = (usize, &'a [u8], Option<usize>)> + Clone,
    format: ListingFormat,
    problems: &mut Problems,
    mut emit: impl FnMut(&Row<'a>) -> Result<(), E>,
) -> Result<(Parsed, usize), E> {
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
    let round = if format == ListingFormat::DuHuman
        && !num::gnu_evidence(lines.clone().filter_map(|(_, t, _)| split_parsed(t).map(|(size, _, _)| size)))
    {
        Round::UpOrNearest
    } else {
        round
    };
    let exact_blocks = matches!(format, ListingFormat::Du | ListingFormat::DuBsd);
    let human = matches!(format, ListingFormat::DuHuman | ListingFormat::BusyboxDuHuman);
    let mut parsed = Parsed::new(Mode::Cumulative(Leaves::Files), sizes, unit);
    parsed.hardlinks = HardLinks::FirstNameOnly;
    parsed.auto_leaves = Some(leaf_notes);
    let mut nonempty = 0usize;
    // `du -c`'s `total`: the last line, named `total`, not below any other value.
    let mut rows = 0usize;
    let mut max_before_last: u128 = 0;
    let mut last: Option<(u128, bool, bool)> = None;
    let mut held: Option<Row<'a>> = None;
    for (no, text, offset) in lines {
        if text.is_empty() {
            continue;
        }
        nonempty += 1;
        let Some((size, path_at, (dec, u))) = split_parsed(text) else {
            let msg = if text.starts_with(b"du: ") {
                "du's error message (stderr), not an entry"
            } else if !text.contains(&b'\t') {
                "not a du line (expected a size, a TAB and a path)"
            } else {
                "the size before the TAB cannot be read"
            };
            problems.add(no, text, msg);
            continue;
        };
        let path = &text[path_at..];
        let u = if human { u } else { u.saturating_mul(unit_bytes) };
        let b = if exact_blocks && dec.decimals == 0 {
            dec.digits.checked_mul(u as u128).and_then(|v| u64::try_from(v).ok()).map(|v| (v, v)).ok_or(num::TOO_LARGE)
        } else {
            num::bounds(dec, u, if dec.decimals == 0 && u == 1 { Round::Up } else { round })
        };
        rows += 1;
        if let Some((v, _, _)) = last {
            max_before_last = max_before_last.max(v);
        }
        let value = b.map_or(0, |b| u128::from(b.1));
        last = Some((value, b.is_ok(), path == b"total"));
        if let Some(r) = held.take() {
            emit(&r)?;
        }
        match b {
            Ok(b) => {
                let row = Row { no, text, path, path_at, offset, size: b };
                if path == b"total" {
                    held = Some(row);
                } else {
                    emit(&row)?;
                }
            }
            Err(e) => problems.add(no, path, format!("size `{}`: {e}", String::from_utf8_lossy(size))),
        }
    }
    if let Some(r) = held {
        if let Some((value, true, true)) = last
            && rows >= 2
            && max_before_last <= value
        {
            parsed.reported_total = Some(r.size);
        } else {
            emit(&r)?;
        }
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
    Ok((parsed, nonempty))
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
        let read = |input: &[u8], f| super::super::parse_listing(input, Some(f)).unwrap();
        let dirs = b"8\t./colon: dir\n4\t./empty dir\n24\t./caf\xc3\xa9\n7844\t.\n";
        assert!(read(dirs, ListingFormat::Du).directories_only);
        let all = read(b"4\t./a.txt\n0\t./link\n8\t./d\n16\t.\n", ListingFormat::Du);
        assert!(!all.directories_only && all.cumulative);
        let summary = read(b"4.0K\tDockerfile\n1.2M\taudit-results\n1.3M\ttotal\n", ListingFormat::DuHuman);
        assert!(summary.directories_only);
        assert!(summary.reported_total.is_some());
        assert_eq!(summary.tree.len(), 3);
        assert_eq!(summary.problems_total, 0);
        // A last line named `total` that is smaller than another is an entry.
        let entry = read(b"40\t./a\n8\ttotal\n", ListingFormat::DuBytes);
        assert!(entry.reported_total.is_none() && entry.tree.lookup(b"total").is_some());
    }

    #[test]
    fn bad_lines_are_problems() {
        let input =
            b"4\t./a\ndu: cannot read directory './x': Permission denied\n99999999999999999999999\t./big\n8\t.\n";
        let l = super::super::parse_listing(input, Some(ListingFormat::Du)).unwrap();
        assert_eq!(l.problems_total, 2);
        assert_eq!(l.problems[0].line, 2);
        assert_eq!(l.problems[1].line, 3);
        assert_eq!(l.tree.len(), 2);
    }

    /// Everything a listing says, as text.
    fn render(l: &Result<super::super::Listing, super::super::ListingError>) -> String {
        let l = match l {
            Ok(l) => l,
            Err(e) => return format!("error: {e:?}"),
        };
        let t = &l.tree;
        let mut out = format!(
            "{:?} {:?} {:?} {:?} {} {} {} {:?} {:?} {:?} {:?} {:?} {} {} len {} root {:?}\n",
            l.format,
            l.sizes,
            l.unit,
            l.problems,
            l.problems_total,
            l.directories_only,
            l.cumulative,
            l.dir_bytes,
            l.reported_total,
            l.opaque_dirs,
            l.hardlinks,
            l.notes,
            l.records,
            l.duplicates,
            t.len(),
            t.unlisted(crate::tree::ROOT),
        );
        for id in t.walk() {
            out += &format!(
                "{id} {:?} {:?} {:?} {:?} {:?} {} {:?}\n",
                String::from_utf8_lossy(&t.path(id)),
                t.kind(id),
                t.size_bounds(id),
                t.unlisted(id),
                t.mode(id),
                t.link_group(id),
                t.link_target(id),
            );
        }
        out
    }

    fn both_ways(input: &[u8], format: ListingFormat) -> (String, String) {
        let no_text = |_: usize| Vec::new();
        let line_text = |no: usize| input.split(|&b| b == b'\n').nth(no - 1).unwrap_or_default().to_vec();
        let mut problems = Problems::default();
        let records = match read(input, false, format, &mut problems, &no_text, false) {
            Read::Records(parsed, n) => {
                if parsed.recs.is_empty() && problems.total > 0 {
                    Err(super::super::not_a_listing(format, &problems))
                } else {
                    Ok(super::super::build::build(parsed, format, problems, n, input, &line_text))
                }
            }
            Read::Built(_) => panic!("records were asked for"),
        };
        (render(&super::super::parse_listing(input, Some(format))), render(&records))
    }

    /// Small deterministic generator (xorshift).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// Lines that exercise every branch of the builder: duplicates, roots,
    /// `..`, files used as directories, totals, bad sizes, long paths.
    fn mutate(lines: &[&[u8]], rng: &mut Rng) -> Vec<u8> {
        let long = format!("1\t./{}", "x/".repeat(2100));
        let extra: [&[u8]; 16] = [
            b"5\t./a/../b",
            b"7\t.",
            b"3\t./",
            b"999999\ttotal",
            b"1\ttotal",
            b"abc\t./bad",
            b"du: cannot read directory './x': Permission denied",
            b"99999999999999999999999\t./big",
            b"0\t./d/",
            b"4\t.//d//e",
            b"2\t./f",
            b"2\t./f/g",
            b"6\t./.hidden",
            b"",
            b"1.5K\t./h",
            long.as_bytes(),
        ];
        let mut out: Vec<&[u8]> = lines.to_vec();
        for _ in 0..rng.below(6) {
            let at = rng.below(out.len() + 1);
            if rng.below(2) == 0 && !lines.is_empty() {
                out.insert(at, lines[rng.below(lines.len())]);
            } else {
                out.insert(at, extra[rng.below(extra.len())]);
            }
        }
        if rng.below(3) == 0 && !out.is_empty() {
            out.remove(rng.below(out.len()));
        }
        out.join(&b'\n')
    }

    #[test]
    fn streaming_matches_records() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inputs");
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for set in std::fs::read_dir(&dir).expect("fixtures") {
            let set = set.expect("entry").path();
            if !set.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(&set).expect("fixture set") {
                let f = f.expect("entry").path();
                let name = f.file_name().unwrap_or_default().to_string_lossy().into_owned();
                if name.starts_with("du-") || name.starts_with("du.") || name.starts_with("busybox-du") {
                    inputs.push(std::fs::read(&f).expect("readable"));
                }
            }
        }
        assert!(inputs.len() >= 10, "du fixtures found: {}", inputs.len());
        inputs.push(b"4\t./a.txt\n0\t./link\n8\t./d/x.go\n12\t./d\n24\t.\n".to_vec());
        inputs.push(b"4.0K\tDockerfile\n1.2M\taudit-results\n1.3M\ttotal\n".to_vec());
        inputs.push(b"40\t./a\n8\ttotal\n".to_vec());
        inputs.push(b"7\t.\n".to_vec());
        inputs.push(b"0\t./a\n0\t.\n".to_vec());
        inputs.push(b"4\t./f\n2\t./f/g\n1\t./f\n".to_vec());
        let formats: Vec<ListingFormat> = ListingFormat::ALL.into_iter().filter(|f| f.is_du()).collect();
        assert_eq!(formats.len(), 6);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut compared = 0usize;
        for input in &inputs {
            let lines: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
            // Small inputs make the corner cases meet more often.
            let rounds = if lines.len() > 200 { 6 } else { 60 };
            for round in 0..rounds {
                let data = if round == 0 { input.clone() } else { mutate(&lines, &mut rng) };
                // Not what the stream reads (or refused before reading).
                if data.contains(&0) || data.contains(&b'\r') || data.contains(&0x1b) || data.trim_ascii().is_empty() {
                    continue;
                }
                let format = formats[rng.below(formats.len())];
                let (streamed, records) = both_ways(&data, format);
                assert_eq!(streamed, records, "{format:?} on\n{}", String::from_utf8_lossy(&data));
                compared += 1;
            }
        }
        assert!(compared > 300, "compared {compared}");
    }
}
