//! Reading pasted listings (`du`, `find`, `ls -lR`, `tree`, `tar -tv`, ncdu/gdu JSON, git) into a [`crate::tree::ContextTree`].
//!
//! [`parse_listing`] detects the format from the content (or takes it from
//! the caller), decodes each tool's escaping and builds the tree: implied
//! parent directories, duplicates dropped, directories told apart from files,
//! hard links grouped where the format shows them, and `du`-style cumulative
//! directory sizes turned into own sizes. Every listing says what its numbers
//! mean ([`SizeMeaning`]): a Docker context carries apparent bytes, so block
//! counts are labelled as disk usage and rounded sizes keep their interval
//! ([`ContextTree::size_bounds`]).
//!
//! Lines that cannot be read are reported as [`ListingProblem`]s and skipped;
//! input that is not a listing at all (du's usage text, a Dockerfile, binary
//! data) is refused with [`ListingError::NotAListing`].

mod build;
mod detect;
mod du;
mod escape;
mod find;
mod git;
mod json;
mod jsonfmt;
mod long;
mod ls;
mod num;
mod paths;
mod summary;
mod tar;
#[cfg(test)]
mod tests;
mod treecmd;

use serde::Serialize;

use crate::tree::{ContextTree, EntryKind, NodeId, ROOT};

pub use detect::detect;

/// A listing format: the tool (and, where it matters, the options) that printed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ListingFormat {
    /// GNU or BusyBox `du` in 1 KiB blocks (`du`, `-a`, `-k`, `-s`, `-c`, `-d`, `-0`): disk usage.
    Du,
    /// `du -b` (`--apparent-size --block-size=1`): apparent bytes.
    DuBytes,
    /// `du --apparent-size` in 1 KiB units, each line rounded up.
    DuApparentSize,
    /// GNU `du -h`: human sizes rounded up (disk usage unless `--apparent-size`).
    DuHuman,
    /// BusyBox `du -h`: human sizes, always one decimal, rounded to nearest.
    BusyboxDuHuman,
    /// BSD/macOS `du` in 512-byte blocks (never detected: the numbers look like GNU's).
    DuBsd,
    /// `find .` or `find . -type f`: paths only.
    Find,
    /// `find . -printf '%s %p\n'`: apparent bytes and path.
    FindPrintf,
    /// `find . -ls`: inode, blocks, mode, links, owner, group, bytes, date, escaped path.
    FindLs,
    /// GNU or BusyBox `ls -l`, `-la`, `-lR`, `-laR`, `-lahR`, any quoting style.
    Ls,
    /// GNU `tar -tvf`.
    Tar,
    /// BusyBox `tar -tvf`.
    BusyboxTar,
    /// bsdtar (libarchive, macOS) `tar -tvf`.
    Bsdtar,
    /// `tree` with `-s` (or without sizes), `-f` or not, UTF-8 or ASCII art.
    Tree,
    /// `tree --du` (cumulative directory sizes, usually with `-h`).
    TreeDu,
    /// `tree -J`.
    TreeJson,
    /// `ncdu -o` JSON export.
    Ncdu,
    /// `gdu -o` JSON export (ncdu framing).
    Gdu,
    /// `gdu -n -p -c`: top-level summary lines.
    GduTop,
    /// `dust -j`: JSON with cumulative sizes.
    DustJson,
    /// `dust`'s chart (largest entries only).
    DustChart,
    /// `dua` (aggregate of the top-level entries).
    Dua,
    /// `git ls-files` (C-quoted paths), also `-s`.
    GitLsFiles,
    /// `git ls-files --format='%(objectmode) %(objectsize) %(path)'`.
    GitLsFilesFormat,
    /// `git ls-tree -r -l` (or without `-l`).
    GitLsTree,
    /// One path per line; a trailing `/` marks a directory.
    Paths,
    /// NUL-separated paths (`find -print0`, `git ls-files -z`).
    PathsNul,
}

impl ListingFormat {
    /// Every format, in the order `--listing-format` documents them.
    pub const ALL: [ListingFormat; 27] = [
        ListingFormat::Du,
        ListingFormat::DuBytes,
        ListingFormat::DuApparentSize,
        ListingFormat::DuHuman,
        ListingFormat::BusyboxDuHuman,
        ListingFormat::DuBsd,
        ListingFormat::Find,
        ListingFormat::FindPrintf,
        ListingFormat::FindLs,
        ListingFormat::Ls,
        ListingFormat::Tar,
        ListingFormat::BusyboxTar,
        ListingFormat::Bsdtar,
        ListingFormat::Tree,
        ListingFormat::TreeDu,
        ListingFormat::TreeJson,
        ListingFormat::Ncdu,
        ListingFormat::Gdu,
        ListingFormat::GduTop,
        ListingFormat::DustJson,
        ListingFormat::DustChart,
        ListingFormat::Dua,
        ListingFormat::GitLsFiles,
        ListingFormat::GitLsFilesFormat,
        ListingFormat::GitLsTree,
        ListingFormat::Paths,
        ListingFormat::PathsNul,
    ];

    /// The output of `du` (any size flavour): read by `du::parse_input`.
    pub(crate) fn is_du(self) -> bool {
        matches!(
            self,
            ListingFormat::Du
                | ListingFormat::DuBytes
                | ListingFormat::DuApparentSize
                | ListingFormat::DuHuman
                | ListingFormat::BusyboxDuHuman
                | ListingFormat::DuBsd
        )
    }

    /// The format's name for `--listing-format`.
    pub fn name(self) -> &'static str {
        match self {
            ListingFormat::Du => "du",
            ListingFormat::DuBytes => "du-b",
            ListingFormat::DuApparentSize => "du-apparent-size",
            ListingFormat::DuHuman => "du-h",
            ListingFormat::BusyboxDuHuman => "busybox-du-h",
            ListingFormat::DuBsd => "du-bsd",
            ListingFormat::Find => "find",
            ListingFormat::FindPrintf => "find-printf",
            ListingFormat::FindLs => "find-ls",
            ListingFormat::Ls => "ls",
            ListingFormat::Tar => "tar",
            ListingFormat::BusyboxTar => "busybox-tar",
            ListingFormat::Bsdtar => "bsdtar",
            ListingFormat::Tree => "tree",
            ListingFormat::TreeDu => "tree-du",
            ListingFormat::TreeJson => "tree-json",
            ListingFormat::Ncdu => "ncdu",
            ListingFormat::Gdu => "gdu",
            ListingFormat::GduTop => "gdu-n",
            ListingFormat::DustJson => "dust-json",
            ListingFormat::DustChart => "dust",
            ListingFormat::Dua => "dua",
            ListingFormat::GitLsFiles => "git-ls-files",
            ListingFormat::GitLsFilesFormat => "git-ls-files-format",
            ListingFormat::GitLsTree => "git-ls-tree",
            ListingFormat::Paths => "paths",
            ListingFormat::PathsNul => "paths0",
        }
    }

    /// What produced it, for people.
    pub fn description(self) -> &'static str {
        match self {
            ListingFormat::Du => "du (GNU or BusyBox) in 1 KiB disk blocks",
            ListingFormat::DuBytes => "du -b (apparent bytes)",
            ListingFormat::DuApparentSize => "du --apparent-size (1 KiB units, rounded up)",
            ListingFormat::DuHuman => "GNU du -h (human sizes, rounded up)",
            ListingFormat::BusyboxDuHuman => "BusyBox du -h (human sizes, rounded to nearest)",
            ListingFormat::DuBsd => "BSD/macOS du (512-byte blocks)",
            ListingFormat::Find => "find (paths only)",
            ListingFormat::FindPrintf => "find -printf '%s %p\\n' (apparent bytes)",
            ListingFormat::FindLs => "find -ls",
            ListingFormat::Ls => "ls -l / -lR (GNU or BusyBox)",
            ListingFormat::Tar => "GNU tar -tv",
            ListingFormat::BusyboxTar => "BusyBox tar -tv",
            ListingFormat::Bsdtar => "bsdtar -tv (libarchive, macOS)",
            ListingFormat::Tree => "tree",
            ListingFormat::TreeDu => "tree --du (cumulative sizes)",
            ListingFormat::TreeJson => "tree -J",
            ListingFormat::Ncdu => "ncdu JSON export",
            ListingFormat::Gdu => "gdu JSON export",
            ListingFormat::GduTop => "gdu -n (top-level summary)",
            ListingFormat::DustJson => "dust -j",
            ListingFormat::DustChart => "dust chart (largest entries only)",
            ListingFormat::Dua => "dua (top-level summary)",
            ListingFormat::GitLsFiles => "git ls-files (tracked files only)",
            ListingFormat::GitLsFilesFormat => "git ls-files --format with object sizes (tracked files only)",
            ListingFormat::GitLsTree => "git ls-tree -r (committed files only)",
            ListingFormat::Paths => "path list, one per line",
            ListingFormat::PathsNul => "NUL-separated path list",
        }
    }

    /// Looks a format up by [`name`](Self::name) or a common alias
    /// (`du-a`, `du-ab`, `ls-lR`, `tree-J`, …), case-insensitively.
    pub fn from_name(name: &str) -> Option<ListingFormat> {
        let n = name.trim().to_ascii_lowercase().replace('_', "-");
        if let Some(f) = ListingFormat::ALL.iter().find(|f| f.name() == n) {
            return Some(*f);
        }
        Some(match n.as_str() {
            "du-a" | "du-k" | "du-ak" | "du-s" | "du-blocks" | "busybox-du" | "du-0" | "du-a0" => ListingFormat::Du,
            "du-ab" | "du-sb" | "du-bytes" => ListingFormat::DuBytes,
            "du-apparent" | "du-apparent-k" => ListingFormat::DuApparentSize,
            "du-ah" | "du-sh" | "du-human" => ListingFormat::DuHuman,
            "du-512" | "du-macos" | "macos-du" | "bsd-du" => ListingFormat::DuBsd,
            "find-type-f" | "find-paths" => ListingFormat::Find,
            "find-printf-size-path" => ListingFormat::FindPrintf,
            "ls-l" | "ls-la" | "ls-lr" | "ls-lar" | "ls-lahr" | "busybox-ls" => ListingFormat::Ls,
            "gnu-tar" | "tar-tv" | "tar-tvf" => ListingFormat::Tar,
            "tree-s" | "tree-f" => ListingFormat::Tree,
            "tree-j" => ListingFormat::TreeJson,
            "ncdu-json" | "ncdu-export" => ListingFormat::Ncdu,
            "gdu-json" | "gdu-export" => ListingFormat::Gdu,
            "gdu-top" => ListingFormat::GduTop,
            "dust-j" => ListingFormat::DustJson,
            "dust-chart" => ListingFormat::DustChart,
            "git" | "git-ls-files-quoted" => ListingFormat::GitLsFiles,
            "git-ls-files-size" => ListingFormat::GitLsFilesFormat,
            "git-ls-tree-r" | "git-ls-tree-r-l" => ListingFormat::GitLsTree,
            "path" | "text" | "lines" => ListingFormat::Paths,
            "paths-nul" | "nul" | "null" | "print0" | "z" => ListingFormat::PathsNul,
            _ => return None,
        })
    }
}

impl std::fmt::Display for ListingFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for ListingFormat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// What the sizes of a listing measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SizeMeaning {
    /// Exact apparent bytes (file lengths): what a Docker context carries.
    Apparent,
    /// Apparent bytes known only as intervals (human units such as `1.5K`): see [`ContextTree::size_bounds`].
    ApparentRounded,
    /// Allocated disk space (blocks), converted to bytes: sparse files show
    /// almost nothing and small files round up to a block. Not what a context carries.
    DiskUsage,
    /// No sizes at all (path lists): every size is 0.
    None,
}

impl SizeMeaning {
    /// The serialized name: `apparent`, `apparent-rounded`, `disk-usage`, `none`.
    pub fn name(self) -> &'static str {
        match self {
            SizeMeaning::Apparent => "apparent",
            SizeMeaning::ApparentRounded => "apparent-rounded",
            SizeMeaning::DiskUsage => "disk-usage",
            SizeMeaning::None => "none",
        }
    }
}

/// How the tool printed its numbers (before conversion to bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum SizeUnit {
    /// Plain byte counts.
    Bytes,
    /// Counts of blocks of `size` bytes (multiplied out in the tree).
    Blocks {
        /// Bytes per block.
        size: u64,
    },
    /// Human units (`4.0K`, `26.3 MiB`): sizes in the tree are intervals.
    Human,
    /// No numbers.
    None,
}

/// What the listing shows of hard links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HardLinks {
    /// Names of one inode are grouped (inode numbers, link counts or tar's
    /// `link to`): their data is counted once.
    Grouped,
    /// The tool lists one name per inode and leaves the others out (`du`, `dust`).
    FirstNameOnly,
    /// Every name is listed, but nothing says which belong together: each is counted.
    Ungrouped,
    /// The format cannot have hard links or does not show them.
    NotShown,
}

/// A line of the input that could not be read (it is skipped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListingProblem {
    /// 1-based line (or record, for NUL-separated input) number.
    pub line: usize,
    /// The line, lossily decoded and shortened for display.
    pub text: String,
    /// What is wrong with it.
    pub message: String,
}

/// Whole-input failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListingError {
    /// The input is not a listing (du's usage text, a Dockerfile, binary data…).
    #[error("not a listing: {reason}")]
    NotAListing {
        /// What the input looks like instead, and what to paste.
        reason: String,
    },
    /// Nothing but whitespace.
    #[error("the listing is empty")]
    Empty,
    /// A recognised format that cannot describe a context (a binary or compressed export).
    #[error("{format} input cannot be read: {reason}")]
    Unsupported {
        /// The format recognised.
        format: String,
        /// Why, and what to use instead.
        reason: String,
    },
}

/// A parsed listing.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The context as the listing describes it (finished).
    pub tree: ContextTree,
    /// The format read.
    pub format: ListingFormat,
    /// What the sizes in [`tree`](Self::tree) measure.
    pub sizes: SizeMeaning,
    /// How the tool printed them.
    pub unit: SizeUnit,
    /// Lines that could not be read (the first 1000; see [`problems_total`](Self::problems_total)).
    pub problems: Vec<ListingProblem>,
    /// How many problems there were in all.
    pub problems_total: usize,
    /// Only directories (or summary lines) are listed, e.g. `du` without
    /// `-a`: files are known only as the bytes of their directory
    /// ([`ContextTree::unlisted`]).
    pub directories_only: bool,
    /// The input's directory sizes were cumulative (`du`, `tree --du`, `dust`)
    /// and have been turned into own sizes.
    pub cumulative: bool,
    /// Bytes the listing attributes to directories themselves (their own
    /// inode sizes, e.g. 4096 each), as an interval. They are not in the tree
    /// (directories have size 0 there) and a context does not carry them.
    pub dir_bytes: (u64, u64),
    /// The grand total the tool printed (`du -c`'s `total`, dua's `total`), if any.
    pub reported_total: Option<(u64, u64)>,
    /// Listed directories whose contents the listing does not show at all
    /// (`ls -la` without `-R`, unreadable directories): their size is unknown.
    pub opaque_dirs: Vec<NodeId>,
    /// What the listing shows of hard links.
    pub hardlinks: HardLinks,
    /// Caveats for the user: what the format leaves out and how to get a better listing.
    pub notes: Vec<String>,
    /// Records (lines) read.
    pub records: usize,
    /// Paths listed more than once (the first listing was kept).
    pub duplicates: usize,
}

/// Entry counts of a listing's tree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Directories, the root excluded.
    pub dirs: u64,
    /// Regular files, every name of a hard-linked file included.
    pub files: u64,
    /// Later names of hard-linked files (already counted in `files`).
    pub hardlinks: u64,
    /// Symbolic links.
    pub symlinks: u64,
    /// Devices, FIFOs, sockets.
    pub other: u64,
}

impl Listing {
    /// Everything the listing accounts for, in the listing's [`sizes`](Self::sizes):
    /// files (hard-linked data once per group), symlinks, others, bytes
    /// unlisted inside directories and the directories' own bytes.
    pub fn bytes(&self) -> (u64, u64) {
        let (mut lo, mut hi) = self.dir_bytes;
        let mut groups = std::collections::HashSet::new();
        let mut add = |(a, b): (u64, u64)| {
            lo = lo.saturating_add(a);
            hi = hi.saturating_add(b);
        };
        add(self.tree.unlisted(ROOT));
        for id in self.tree.walk() {
            match self.tree.kind(id) {
                EntryKind::Dir => add(self.tree.unlisted(id)),
                EntryKind::File => {
                    let g = self.tree.link_group(id);
                    if g == 0 || groups.insert(g) {
                        add(self.tree.size_bounds(id));
                    }
                }
                EntryKind::Symlink | EntryKind::Other => add(self.tree.size_bounds(id)),
            }
        }
        (lo, hi)
    }

    /// File data only (regular files, hard-linked data once), as an interval.
    pub fn file_bytes(&self) -> (u64, u64) {
        let mut groups = std::collections::HashSet::new();
        let (mut lo, mut hi) = (0u64, 0u64);
        for id in self.tree.walk() {
            if self.tree.kind(id) == EntryKind::File {
                let g = self.tree.link_group(id);
                if g == 0 || groups.insert(g) {
                    let (a, b) = self.tree.size_bounds(id);
                    lo = lo.saturating_add(a);
                    hi = hi.saturating_add(b);
                }
            }
        }
        (lo, hi)
    }

    /// Entry counts.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        let mut groups = std::collections::HashSet::new();
        for id in self.tree.walk() {
            match self.tree.kind(id) {
                EntryKind::Dir => c.dirs += 1,
                EntryKind::File => {
                    c.files += 1;
                    let g = self.tree.link_group(id);
                    if g != 0 && !groups.insert(g) {
                        c.hardlinks += 1;
                    }
                }
                EntryKind::Symlink => c.symlinks += 1,
                EntryKind::Other => c.other += 1,
            }
        }
        c
    }

    /// Whether every size is exact and every byte is attributed to a listed entry.
    pub fn is_exact(&self) -> bool {
        !self.tree.has_uncertainty() && self.opaque_dirs.is_empty() && self.dir_bytes.0 == self.dir_bytes.1
    }
}

/// One record of the input (a line, or a NUL-terminated record).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    /// 1-based.
    pub no: usize,
    pub text: &'a [u8],
}

/// Whether the input's records are NUL-terminated rather than lines.
pub(crate) fn is_nul_separated(input: &[u8]) -> bool {
    if memchr::memchr(0, input).is_none() {
        return false;
    }
    let nuls = memchr::memchr_iter(0, input).count();
    let newlines = memchr::memchr_iter(b'\n', input).count();
    newlines == 0 || nuls >= newlines
}

/// Removes ANSI colour sequences (`ESC [ … m`) that terminal pastes carry.
fn strip_ansi(line: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if !line.contains(&0x1b) {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = Vec::with_capacity(line.len());
    let mut i = 0;
    while i < line.len() {
        if line[i] == 0x1b && line.get(i + 1) == Some(&b'[') {
            let mut j = i + 2;
            while j < line.len() && (line[j].is_ascii_digit() || line[j] == b';' || line[j] == b'?') {
                j += 1;
            }
            if j < line.len() && line[j].is_ascii_alphabetic() {
                i = j + 1;
                continue;
            }
        }
        out.push(line[i]);
        i += 1;
    }
    std::borrow::Cow::Owned(out)
}

/// The input's records: lines (a final CR removed when the input uses CRLF,
/// colour codes removed) or NUL-terminated records. Empty trailing record dropped.
pub(crate) fn records(input: &[u8], nul: bool) -> Vec<(usize, std::borrow::Cow<'_, [u8]>)> {
    let sep = if nul { 0u8 } else { b'\n' };
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    for end in memchr::memchr_iter(sep, input) {
        parts.push(&input[start..end]);
        start = end + 1;
    }
    parts.push(&input[start..]);
    if parts.last().is_some_and(|p| p.is_empty() || (nul && *p == b"\n")) {
        parts.pop();
    }
    let crlf = !nul && {
        let ended: Vec<&&[u8]> = parts.iter().filter(|p| !p.is_empty()).collect();
        !ended.is_empty() && ended.iter().all(|p| p.ends_with(b"\r"))
    };
    parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let p = if crlf { p.strip_suffix(b"\r").unwrap_or(p) } else { p };
            (i + 1, if nul { std::borrow::Cow::Borrowed(p) } else { strip_ansi(p) })
        })
        .collect()
}

/// The error for an input none of whose lines could be read as `format`.
fn not_a_listing(format: ListingFormat, problems: &build::Problems) -> ListingError {
    let first = problems.list.first().map(|p| format!(" (line {}: {})", p.line, p.message)).unwrap_or_default();
    ListingError::NotAListing { reason: format!("no line could be read as {}{first}", format.description()) }
}

/// Parses `input` as `format`, or as the format [`detect`]ed from its content.
pub fn parse_listing(input: &[u8], format: Option<ListingFormat>) -> Result<Listing, ListingError> {
    let input = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    if input.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ListingError::Empty);
    }
    let format = match format {
        Some(f) => f,
        None => detect::detect_or_explain(input)?,
    };
    let mut problems = build::Problems::default();
    let nul = match format {
        ListingFormat::TreeJson | ListingFormat::Ncdu | ListingFormat::Gdu | ListingFormat::DustJson => false,
        ListingFormat::PathsNul => true,
        ListingFormat::Paths => false,
        _ => is_nul_separated(input),
    };
    let sep = if nul { 0 } else { b'\n' };
    // Problems are few: their lines are found by scanning, resuming from the
    // last one asked for (they come mostly in order).
    let cursor = std::cell::Cell::new((1usize, 0usize));
    let line_text = |no: usize| -> Vec<u8> {
        if no == 0 {
            return Vec::new();
        }
        let (mut at, mut start) = cursor.get();
        if no < at {
            (at, start) = (1, 0);
        }
        while at < no {
            match input[start..].iter().position(|&b| b == sep) {
                Some(i) => {
                    start += i + 1;
                    at += 1;
                }
                None => return Vec::new(),
            }
        }
        cursor.set((at, start));
        let end = input[start..].iter().position(|&b| b == sep).map_or(input.len(), |i| start + i);
        input[start..end].to_vec()
    };
    let (parsed, records) = match format {
        ListingFormat::TreeJson | ListingFormat::Ncdu | ListingFormat::Gdu | ListingFormat::DustJson => {
            jsonfmt::parse(input, format, &mut problems)?
        }
        _ => {
            if format.is_du() {
                match du::parse_input(input, nul, format, &mut problems, &line_text) {
                    du::Read::Built(listing) => return *listing,
                    du::Read::Records(parsed, n) => (parsed, n),
                }
            } else {
                let recs = records(input, nul);
                let lines: Vec<Line<'_>> = recs.iter().map(|(no, t)| Line { no: *no, text: t }).collect();
                let n = lines.iter().filter(|l| !l.text.is_empty()).count();
                let parsed = match format {
                    ListingFormat::Du
                    | ListingFormat::DuBytes
                    | ListingFormat::DuApparentSize
                    | ListingFormat::DuHuman
                    | ListingFormat::BusyboxDuHuman
                    | ListingFormat::DuBsd => unreachable!("du is read above"),
                    ListingFormat::Find | ListingFormat::Paths | ListingFormat::PathsNul => {
                        paths::parse(&lines, format, &mut problems)
                    }
                    ListingFormat::FindPrintf | ListingFormat::FindLs => find::parse(&lines, format, &mut problems),
                    ListingFormat::Ls => ls::parse(&lines, &mut problems),
                    ListingFormat::Tar | ListingFormat::BusyboxTar | ListingFormat::Bsdtar => {
                        tar::parse(&lines, format, &mut problems)
                    }
                    ListingFormat::Tree | ListingFormat::TreeDu => treecmd::parse(&lines, format, &mut problems),
                    ListingFormat::GduTop | ListingFormat::Dua | ListingFormat::DustChart => {
                        summary::parse(&lines, format, &mut problems)
                    }
                    ListingFormat::GitLsFiles | ListingFormat::GitLsFilesFormat | ListingFormat::GitLsTree => {
                        git::parse(&lines, format, &mut problems)
                    }
                    ListingFormat::TreeJson | ListingFormat::Ncdu | ListingFormat::Gdu | ListingFormat::DustJson => {
                        unreachable!("JSON formats are handled above")
                    }
                };
                (parsed, n)
            }
        }
    };
    if parsed.recs.is_empty() && problems.total > 0 {
        return Err(not_a_listing(format, &problems));
    }
    Ok(build::build(parsed, format, problems, records, input, &line_text))
}
