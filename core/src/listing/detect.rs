//! Format detection from the content, and recognising inputs that are not
//! listings at all (du's usage text, a Dockerfile, a `.dockerignore`,
//! compressed or binary data).

use super::escape::c_unquote;
use super::{ListingError, ListingFormat, du, find, git, is_nul_separated, long, ls, records, summary, tar, treecmd};

/// The format of `input`, or `None` when it is not a listing.
pub fn detect(input: &[u8]) -> Option<ListingFormat> {
    detect_or_explain(input).ok()
}

fn not(reason: impl Into<String>) -> ListingError {
    ListingError::NotAListing { reason: reason.into() }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    long::find(hay, needle).is_some()
}

/// A JSON export's format from its first bytes.
fn json_kind(t: &[u8]) -> Option<ListingFormat> {
    let head = &t[..t.len().min(600)];
    match t.first()? {
        b'[' => {
            let after = t[1..].trim_ascii_start();
            if after.starts_with(b"1") && contains(head, b"\"progname\"") {
                let gdu = contains(head, b"\"progname\":\"gdu\"") || contains(head, b"\"progname\": \"gdu\"");
                return Some(if gdu { ListingFormat::Gdu } else { ListingFormat::Ncdu });
            }
            if after.starts_with(b"{") && contains(head, b"\"type\"") {
                return Some(ListingFormat::TreeJson);
            }
            None
        }
        b'{' => {
            let after = t[1..].trim_ascii_start();
            (after.starts_with(b"\"")
                && contains(head, b"\"name\"")
                && (contains(head, b"\"children\"") || contains(head, b"\"size\"")))
            .then_some(ListingFormat::DustJson)
        }
        _ => None,
    }
}

/// Whether the bytes look like binary data rather than text.
fn binary_reason(input: &[u8], nul: bool) -> Option<&'static str> {
    let sample = &input[..input.len().min(64 * 1024)];
    let control = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x1b) && !(nul && b == 0)) || b == 0x7f)
        .count();
    if control * 50 > sample.len() {
        return Some("binary data (control bytes), not text");
    }
    let mut invalid = 0usize;
    for chunk in sample.utf8_chunks() {
        invalid += chunk.invalid().len();
    }
    if invalid * 3 > sample.len() {
        return Some("binary data (mostly not UTF-8), not text");
    }
    None
}

const DOCKERFILE_WORDS: [&str; 18] = [
    "FROM",
    "RUN",
    "COPY",
    "ADD",
    "CMD",
    "ENTRYPOINT",
    "ENV",
    "ARG",
    "WORKDIR",
    "EXPOSE",
    "LABEL",
    "USER",
    "VOLUME",
    "HEALTHCHECK",
    "SHELL",
    "ONBUILD",
    "STOPSIGNAL",
    "MAINTAINER",
];

fn instruction(line: &[u8]) -> bool {
    let word: Vec<u8> = line.iter().take_while(|b| b.is_ascii_alphabetic()).copied().collect();
    line.get(word.len()).is_some_and(|b| *b == b' ' || *b == b'\t')
        && DOCKERFILE_WORDS.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(&word))
}

fn whole_input_negatives(lines: &[&[u8]]) -> Result<(), ListingError> {
    for l in lines.iter().take(8) {
        let s = String::from_utf8_lossy(l);
        if s.starts_with("Usage: du ") || s.contains("Try 'du --help'") || s.contains("Try `du --help'") {
            return Err(not(
                "this is du's usage text, printed when du is given an option it does not know — usually a file named like \
                 an option (such as `--help`) matched by `*`; run `du -sh -- *` or `du -ab` instead",
            ));
        }
        if s.starts_with("Usage: ") || s.starts_with("usage: ") {
            return Err(not("this is a command's usage text, not its output"));
        }
    }
    let code: Vec<&[u8]> =
        lines.iter().map(|l| l.trim_ascii()).filter(|l| !l.is_empty() && !l.starts_with(b"#")).collect();
    if let Some(first) = code.first() {
        let first_is_from = instruction(first)
            && (first.len() >= 4
                && (first[..4].eq_ignore_ascii_case(b"FROM") || first[..3].eq_ignore_ascii_case(b"ARG")));
        let instr = code.iter().filter(|l| instruction(l)).count();
        if first_is_from && instr * 5 >= code.len() * 2 {
            return Err(not(
                "this is a Dockerfile, not a listing of the build context: paste the output of `du -ab` or \
                 `find . -printf '%s %p\\n'` run in the context directory",
            ));
        }
    }
    Ok(())
}

fn looks_like_ignore_file(lines: &[&[u8]]) -> bool {
    let n = lines.len();
    let patternish = lines
        .iter()
        .filter(|l| l.starts_with(b"#") || l.starts_with(b"!") || contains(l, b"*") || contains(l, b"**"))
        .count();
    n >= 2 && patternish * 10 >= n * 4
}

fn pathish(line: &[u8]) -> bool {
    line.len() <= super::paths::MAX_PATH
        && !line.iter().any(|&b| b < 0x20 && b != b'\t')
        && (line.contains(&b'/') || line.iter().filter(|&&b| b == b' ').count() <= 3)
}

/// Whether paths are sorted bytewise and unique (git's order).
fn git_sorted(lines: &[&[u8]]) -> bool {
    let decoded: Vec<Vec<u8>> = lines.iter().map(|l| c_unquote(l).unwrap_or_else(|| l.to_vec())).collect();
    decoded.windows(2).all(|w| w[0] < w[1])
}

/// Records read to detect a format.
const SAMPLE: usize = 3000;

/// Detects the format, or explains why the input is not a listing.
pub(crate) fn detect_or_explain(input: &[u8]) -> Result<ListingFormat, ListingError> {
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let t = input.trim_ascii_start();
    if t.is_empty() {
        return Err(ListingError::Empty);
    }
    if t.starts_with(b"\xbfncduEX") {
        return Err(ListingError::Unsupported {
            format: "ncdu".into(),
            reason: "this is ncdu's binary export (`ncdu -O`); export JSON with `ncdu -o FILE` instead".into(),
        });
    }
    if t.starts_with(b"\x1f\x8b") {
        return Err(not("gzip-compressed data: decompress it (`zcat`) first"));
    }
    if t.starts_with(b"\x28\xb5\x2f\xfd") {
        return Err(not("zstd-compressed data (a compressed ncdu export?): decompress it (`zstdcat`) first"));
    }
    if let Some(f) = json_kind(t) {
        return Ok(f);
    }
    let nul = is_nul_separated(input);
    if let Some(why) = binary_reason(input, nul) {
        return Err(not(why));
    }
    // Only the head of the input is read (and, for du, its last line): enough
    // to tell formats apart, and cheap on huge listings.
    let sep = if nul { 0 } else { b'\n' };
    let head_end =
        input.iter().enumerate().filter(|&(_, &b)| b == sep).nth(SAMPLE - 1).map_or(input.len(), |(i, _)| i + 1);
    let whole = head_end == input.len();
    let recs = records(&input[..head_end], nul);
    let all: Vec<super::Line<'_>> = recs.iter().map(|(no, t)| super::Line { no: *no, text: t }).collect();
    let nonempty: Vec<&[u8]> = all.iter().map(|l| l.text).filter(|t| !t.is_empty()).collect();
    if nonempty.is_empty() {
        return Err(ListingError::Empty);
    }
    if (t.starts_with(b"[") || t.starts_with(b"{")) && super::json::parse(input).1.is_none() {
        return Err(not("JSON, but not an ncdu/gdu export, `tree -J` or `dust -j` output"));
    }
    whole_input_negatives(&nonempty)?;

    let sample_lines: Vec<super::Line<'_>> = all.iter().take(SAMPLE).copied().collect();
    let sample: Vec<&[u8]> = sample_lines.iter().map(|l| l.text).filter(|t| !t.is_empty()).collect();
    let n = sample.len();

    let mut counts: Vec<(ListingFormat, usize)> = Vec::new();
    let count = |f: &dyn Fn(&[u8]) -> bool| sample.iter().filter(|l| f(l)).count();
    counts.push((ListingFormat::GitLsTree, count(&|l| git::split_ls_tree(l).is_some())));
    counts.push((
        ListingFormat::FindLs,
        count(&|l| long::parse(l).is_some_and(|x| x.leading.len() == 2 && x.nlink.is_some() && x.owner.len() == 2)),
    ));
    counts.push((ListingFormat::Tar, count(&|l| tar::is_tar_line(l) == Some(false))));
    counts.push((ListingFormat::BusyboxTar, count(&|l| tar::is_tar_line(l) == Some(true))));
    counts.push((ListingFormat::Ls, ls::score(&sample_lines)));
    counts.push((ListingFormat::DustChart, count(&|l| summary::split_dust(l).is_some())));
    let tree_lines = treecmd::score(&sample_lines);
    counts.push((ListingFormat::Tree, if tree_lines > 0 { tree_lines + 1 } else { 0 }));
    counts.push((ListingFormat::GitLsFilesFormat, count(&|l| git::split_format(l).is_some())));
    counts.push((ListingFormat::Du, count(&|l| du::split(l).is_some())));
    counts.push((ListingFormat::Dua, count(&|l| summary::split_dua(l).is_some())));
    counts.push((ListingFormat::GduTop, count(&|l| summary::split_gdu(l).is_some())));
    counts.push((ListingFormat::FindPrintf, count(&|l| find::split_printf(l).is_some())));
    // The highest count wins; ties go to the earlier (more specific) format.
    let (best, best_count) =
        counts.iter().fold((ListingFormat::Paths, 0usize), |acc, &(f, c)| if c > acc.1 { (f, c) } else { acc });
    if best_count * 2 > n || (best_count * 2 == n && n >= 2) {
        // Every line, for the formats whose variants show late in the input.
        let full = || if whole { recs.clone() } else { records(input, nul) };
        fn lines<'a>(recs: &'a [(usize, std::borrow::Cow<'_, [u8]>)]) -> Vec<super::Line<'a>> {
            recs.iter().map(|(no, t)| super::Line { no: *no, text: t }).collect()
        }
        return Ok(match best {
            ListingFormat::Du => {
                // du's `.` total comes last.
                let mut sample = all.clone();
                if !whole {
                    let body = input.strip_suffix(&[sep]).unwrap_or(input);
                    let last = body.rsplit(|&b| b == sep).next().unwrap_or(b"");
                    let last = last.strip_suffix(b"\r").unwrap_or(last);
                    sample.push(super::Line { no: 0, text: last });
                }
                du::refine(&sample)
            }
            ListingFormat::Ls if ls::looks_like_bsdtar(&lines(&full())) => ListingFormat::Bsdtar,
            ListingFormat::Tree => treecmd::refine(&lines(&full())),
            f => f,
        });
    }

    // Path lists.
    if nul {
        return Ok(ListingFormat::PathsNul);
    }
    if looks_like_ignore_file(&sample) {
        return Err(not(
            "this looks like a .dockerignore (patterns, `!` exceptions, comments), not a listing of files",
        ));
    }
    let pathish_count = sample.iter().filter(|l| pathish(l)).count();
    if pathish_count * 2 < n {
        let hint = if best_count > 0 {
            format!(" (at best {best_count} of {n} lines look like {})", best.description())
        } else {
            String::new()
        };
        return Err(not(format!("the text is not a listing format ctxlens knows{hint}")));
    }
    let dot = sample.iter().filter(|l| l.starts_with(b"./") || **l == b"." || l.starts_with(b"/")).count();
    if dot * 10 >= n * 9 {
        return Ok(ListingFormat::Find);
    }
    let quoted = sample.iter().filter(|l| l.first() == Some(&b'"') && c_unquote(l).is_some()).count();
    let staged = sample.iter().filter(|l| git::split_stage(l).is_some()).count();
    let no_dirs = sample.iter().all(|l| !l.ends_with(b"/"));
    if no_dirs
        && (quoted > 0 || staged * 2 > n || (n >= 2 && git_sorted(&sample) && sample.iter().any(|l| l.contains(&b'/'))))
    {
        return Ok(ListingFormat::GitLsFiles);
    }
    Ok(ListingFormat::Paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negatives() {
        assert!(matches!(
            detect_or_explain(b"FROM alpine:3.20\nRUN apk add curl\nCOPY . /app\n"),
            Err(ListingError::NotAListing { reason }) if reason.contains("Dockerfile")
        ));
        assert!(matches!(
            detect_or_explain(b"du: unrecognized option '--help'\nUsage: du [OPTION]... [FILE]...\n"),
            Err(ListingError::NotAListing { reason }) if reason.contains("usage")
        ));
        assert!(matches!(
            detect_or_explain(b"\x00\x01\x02\x03\x04binary\x05\x06\x07"),
            Err(ListingError::NotAListing { .. })
        ));
        assert!(matches!(detect_or_explain(b"  \n\t\n"), Err(ListingError::Empty)));
        assert!(matches!(
            detect_or_explain(b"node_modules\n*.md\n!README.md\n# comment\n"),
            Err(ListingError::NotAListing { reason }) if reason.contains("dockerignore")
        ));
        assert!(matches!(detect_or_explain(b"{\"a\": 1}"), Err(ListingError::NotAListing { .. })));
        assert!(matches!(detect_or_explain(b"\xbfncduEX1\x00\x00"), Err(ListingError::Unsupported { .. })));
    }

    #[test]
    fn path_lists() {
        assert_eq!(detect(b"./a\n./b/c\n"), Some(ListingFormat::Find));
        assert_eq!(detect(b"a/b\n\"caf\\303\\251\"\n"), Some(ListingFormat::GitLsFiles));
        assert_eq!(detect(b"src/\nsrc/main.rs\nREADME\n"), Some(ListingFormat::Paths));
        assert_eq!(detect(b"a\0b/c\0"), Some(ListingFormat::PathsNul));
        assert_eq!(detect(b"4\t./a\x008\t.\x00"), Some(ListingFormat::Du));
    }
}
