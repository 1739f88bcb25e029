//! The bad-input catalogue: what people paste, mistype or feed by accident.
//!
//! Every case must return (never panic), say clearly what is wrong and on
//! which line, use the valid rest of the input where that is safe, and stay
//! within a memory budget. Memory is the peak of heap bytes the calling
//! thread holds during the call, counted by this test binary's allocator
//! (so tests running in parallel do not disturb each other).
//!
//! Small fixtures live in `fixtures/bad/`; large inputs (1 MB lines,
//! 10 million lines, deep nesting) are generated here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;

use ctxlens_core::dockerfile::{BuildOptions, analyze};
use ctxlens_core::eval::{NodeState, TransferError, TransferOptions, transfer};
use ctxlens_core::ignore::{IgnoreError, IgnoreFile, RuleSet};
use ctxlens_core::listing::{Listing, ListingError, ListingFormat, parse_listing};
use ctxlens_core::report::{IgnoreSource, build_report};
use ctxlens_core::tree::{EntryKind, ROOT};

// ------------------------------------------------------------ memory

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn grow(n: usize) {
    LIVE.with(|l| {
        let now = l.get() + n as isize;
        l.set(now);
        PEAK.with(|p| p.set(p.get().max(now)));
    });
}

fn shrink(n: usize) {
    LIVE.with(|l| l.set(l.get() - n as isize));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrink(layout.size());
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grow(new_size - layout.size());
            } else {
                shrink(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const MIB: usize = 1 << 20;

/// Runs `f` and fails if the thread's heap grew by more than `budget` bytes at any point.
fn within<R>(what: &str, budget: usize, f: impl FnOnce() -> R) -> R {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let r = f();
    let peak = (PEAK.with(Cell::get) - start).max(0) as usize;
    assert!(peak <= budget, "{what}: peak heap {peak} bytes exceeds the budget of {budget} bytes");
    r
}

/// The default budget: 16 MiB plus 40 bytes per input byte.
fn budget(input: &[u8]) -> usize {
    16 * MIB + 40 * input.len()
}

// ------------------------------------------------------------ helpers

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn fmt(name: &str) -> Option<ListingFormat> {
    Some(ListingFormat::from_name(name).expect("known format"))
}

/// Parses (and evaluates, when it parses) within the default budget.
fn parse(input: &[u8], format: Option<ListingFormat>) -> Result<Listing, ListingError> {
    within("parse_listing", budget(input), || {
        let l = parse_listing(input, format)?;
        // A parsed listing must survive accounting and the full report.
        let _ = l.bytes();
        let _ = l.counts();
        let rules = RuleSet::parse(b"**/node_modules\n*.log\n!keep.log\n").expect("valid");
        let _ = build_report(&l.tree, Some(&rules), IgnoreSource::Context, None, None);
        Ok(l)
    })
}

fn ok(input: &[u8], format: Option<ListingFormat>) -> Listing {
    parse(input, format).unwrap_or_else(|e| panic!("expected a listing, got: {e}"))
}

fn not_a_listing(input: &[u8], format: Option<ListingFormat>, needle: &str) {
    match parse(input, format) {
        Err(ListingError::NotAListing { reason }) => {
            assert!(reason.to_lowercase().contains(&needle.to_lowercase()), "reason {reason:?} lacks {needle:?}")
        }
        Err(e) => panic!("expected NotAListing mentioning {needle:?}, got {e:?}"),
        Ok(l) => panic!("expected NotAListing mentioning {needle:?}, got a {} listing", l.format),
    }
}

/// The listing reports a problem on `line` whose message contains `needle`.
fn problem_on(l: &Listing, line: usize, needle: &str) {
    assert!(
        l.problems.iter().any(|p| p.line == line && p.message.contains(needle)),
        "no problem on line {line} containing {needle:?}; problems: {:?}",
        l.problems
    );
}

fn paths(l: &Listing) -> Vec<String> {
    l.tree.walk().map(|id| String::from_utf8_lossy(&l.tree.path(id)).into_owned()).collect()
}

fn has(l: &Listing, path: &str) -> bool {
    l.tree.lookup(path.as_bytes()).is_some_and(|id| id != ROOT)
}

/// A deterministic pseudo-random byte stream.
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

// ------------------------------------------------------------ not a listing at all

#[test]
fn b01_empty_input() {
    assert!(matches!(parse(b"", None), Err(ListingError::Empty)));
}

#[test]
fn b02_whitespace_only() {
    assert!(matches!(parse(b" \n\t\r\n\n   \n", None), Err(ListingError::Empty)));
}

#[test]
fn b03_random_binary() {
    not_a_listing(&noise(64 * 1024, 7), None, "binary");
}

#[test]
fn b04_gzip_compressed_listing() {
    not_a_listing(&fixture("du-ab.txt.gz"), None, "gzip");
}

#[test]
fn b05_zstd_magic() {
    not_a_listing(b"\x28\xb5\x2f\xfd\x24\x00\x01\x00\x00", None, "zstd");
}

#[test]
fn b06_ncdu_binary_export() {
    assert!(matches!(parse(b"\xbfncduEX1\x00\x00\x00\x10", None), Err(ListingError::Unsupported { .. })));
}

#[test]
fn b07_dockerfile_pasted_as_listing() {
    not_a_listing(&fixture("Dockerfile"), None, "Dockerfile");
}

#[test]
fn b08_dockerignore_pasted_as_listing() {
    not_a_listing(b"# deps\nnode_modules\n**/*.log\n!keep.log\n.git\n", None, "dockerignore");
}

#[test]
fn b09_du_usage_text() {
    not_a_listing(b"du: unrecognized option '--apparent'\nTry 'du --help' for more information.\n", None, "du");
}

#[test]
fn b10_json_that_is_no_export() {
    not_a_listing(br#"{"name": "my-app", "version": "1.0.0", "dependencies": {}}"#, None, "JSON");
}

#[test]
fn b11_json_nested_a_million_deep() {
    let mut s = vec![b'['; 1_000_000];
    s.extend(vec![b']'; 1_000_000]);
    assert!(parse(&s, None).is_err());
}

#[test]
fn b12_forced_format_that_does_not_fit_names_line_1() {
    // A tar listing read as du: no line can be read, and the first is named.
    not_a_listing(&fixture("tar-tvf.txt"), fmt("du"), "line 1:");
}

#[test]
fn b13_one_megabyte_of_junk_without_newline() {
    let s: Vec<u8> = (0..MIB).map(|i| b"qwertyuiop asdf;"[i % 16]).collect();
    assert!(parse(&s, None).is_err());
}

// ------------------------------------------------------------ lines at fault, rest used

#[test]
fn b14_dotdot_leaves_the_context() {
    let l = ok(b"12\t./a\n5\t./../etc/passwd\n4096\t./d\n4113\t.\n", fmt("du-b"));
    problem_on(&l, 2, "leaves the context");
    assert!(has(&l, "a") && has(&l, "d"));
    assert!(!paths(&l).iter().any(|p| p.contains("passwd")));
}

#[test]
fn b15_dotdot_in_the_middle() {
    let l = ok(b"./a\n./a/../../b\n./c\n", fmt("find"));
    problem_on(&l, 2, "leaves the context");
    assert!(has(&l, "a") && has(&l, "c"));
}

#[test]
fn b16_one_megabyte_path_line() {
    let mut s = b"12\t./a\n".to_vec();
    s.extend_from_slice(b"7\t./");
    s.extend(std::iter::repeat_n(b'x', MIB));
    s.extend_from_slice(b"\n4096\t./d\n4115\t.\n");
    let l = ok(&s, fmt("du-b"));
    problem_on(&l, 2, "4096 bytes");
    assert!(has(&l, "a") && has(&l, "d"));
    // The message shows the line shortened, not a megabyte of it.
    assert!(l.problems.iter().all(|p| p.text.chars().count() <= 161));
}

#[test]
fn b17_size_larger_than_u64() {
    let l = ok(b"12\t./a\n99999999999999999999999\t./big\n4108\t.\n", fmt("du-b"));
    problem_on(&l, 2, "too large");
    assert!(has(&l, "a"));
}

#[test]
fn b18_negative_size() {
    let l = ok(b"12 ./a\n-5 ./b\n7 ./c\n", fmt("find-printf"));
    assert!(l.problems.iter().any(|p| p.line == 2), "{:?}", l.problems);
    assert!(has(&l, "a") && has(&l, "c"));
}

#[test]
fn b19_size_with_garbage() {
    let l = ok(b"12\t./a\n12abc\t./b\n4\t./c\n4112\t.\n", fmt("du-b"));
    assert!(l.problems.iter().any(|p| p.line == 2), "{:?}", l.problems);
    assert!(has(&l, "a") && has(&l, "c"));
}

#[test]
fn b20_du_error_message_inside_the_listing() {
    let l = ok(b"12\t./a\ndu: cannot read directory './secret': Permission denied\n4108\t.\n", None);
    problem_on(&l, 2, "du's error message");
    assert!(has(&l, "a"));
}

#[test]
fn b21_truncated_ncdu_export() {
    let full = fixture("ncdu-export.json");
    let cut = &full[..full.len() * 2 / 3];
    let l = ok(cut, None);
    assert_eq!(l.format, ListingFormat::Ncdu);
    assert!(l.problems.iter().any(|p| p.message.contains("ends early") && p.line > 1), "{:?}", l.problems);
    assert!(l.tree.len() > 3, "what came before the cut is used");
}

#[test]
fn b22_truncated_tree_json() {
    let full = fixture("tree-J.json");
    let cut = &full[..full.len() / 2];
    let l = ok(cut, None);
    assert_eq!(l.format, ListingFormat::TreeJson);
    // Cut inside a string here: "not closed (cut short?)".
    assert!(l.problems.iter().any(|p| p.message.contains("cut short")), "{:?}", l.problems);
    assert!(l.tree.len() > 3);
}

#[test]
fn b23_ncdu_numbers_out_of_range() {
    let s = b"[1,2,{\"progname\":\"ncdu\",\"progver\":\"1.18\",\"timestamp\":1},\n[{\"name\":\"/x\",\"asize\":4096},\n{\"name\":\"a\",\"asize\":1e400},\n{\"name\":\"b\",\"asize\":-1},\n{\"name\":\"c\",\"asize\":1.5},\n{\"name\":\"d\",\"asize\":7}]]\n";
    let l = ok(s, None);
    for line in [3, 4, 5] {
        problem_on(&l, line, "asize");
    }
    assert_eq!(l.tree.size(l.tree.lookup(b"d").expect("d kept")), 7);
}

#[test]
fn b24_tar_hard_link_to_a_missing_file() {
    let l = ok(
        b"-rw-r--r-- root/root 5 2026-11-20 09:30 ./a\nhrw-r--r-- root/root 0 2026-11-20 09:30 ./b link to ./missing\n",
        None,
    );
    problem_on(&l, 2, "hard link");
    assert!(has(&l, "a") && has(&l, "b"));
}

#[test]
fn b25_ls_lr_with_garbage_in_the_middle() {
    let l = ok(&fixture("ls-lR-garbage.txt"), None);
    assert_eq!(l.format, ListingFormat::Ls);
    problem_on(&l, 4, "not an `ls -l` line");
    assert!(has(&l, "src/main.go") && has(&l, "src/util.go") && has(&l, "README.md"));
    assert_eq!(l.problems_total, 1);
}

#[test]
fn b26_find_ls_with_a_broken_mode() {
    let s = b"  100      4 drwxr-xr-x   2 root root   4096 Nov 20 09:30 .\n  101      4 -rw-r--r--   1 root root     12 Nov 20 09:30 ./a\n  102      4 q?????????   1 root root     12 Nov 20 09:30 ./b\n  103      4 -rw-r--r--   1 root root     13 Nov 20 09:30 ./c\n";
    let l = ok(s, fmt("find-ls"));
    assert!(l.problems.iter().any(|p| p.line == 3), "{:?}", l.problems);
    assert!(has(&l, "a") && has(&l, "c"));
}

#[test]
fn b27_git_ls_tree_malformed_line() {
    let s = b"100644 blob 57275aeaece38da931d4002aba1f5e29c26f8f09     104\t.dockerignore\n100644 blob nothex      5\tbad\n100644 blob 3e454d33604570377c87dc5ad391a08aa2c1af57      51\tsrc/a.go\n";
    let l = ok(s, fmt("git-ls-tree"));
    assert!(l.problems.iter().any(|p| p.line == 2), "{:?}", l.problems);
    assert!(has(&l, ".dockerignore") && has(&l, "src/a.go"));
}

#[test]
fn b28_find_lines_mixed_into_du_output() {
    let l = ok(b"12\t./a\n./stray/path\n30\t./b\nnot a line at all\n4138\t.\n", fmt("du-b"));
    problem_on(&l, 2, "not a du line");
    problem_on(&l, 4, "not a du line");
    assert!(has(&l, "a") && has(&l, "b"));
}

#[test]
fn b29_ten_million_lines() {
    // One entry, then 10 million junk lines: every one is counted, the first
    // 1000 are kept with their line numbers, and memory stays bounded.
    const N: usize = 10_000_000;
    let mut s = Vec::with_capacity(N * 3 + 16);
    s.extend_from_slice(b"12\t./a\n");
    for _ in 0..N {
        s.extend_from_slice(b"zz\n");
    }
    let l = within("10M lines", 40 * s.len() + 16 * MIB, || {
        parse_listing(&s, fmt("du-b")).expect("the valid line is used")
    });
    assert_eq!(l.problems_total, N);
    assert_eq!(l.problems.len(), 1000);
    assert_eq!(l.problems[0].line, 2);
    assert_eq!(l.problems[999].line, 1001);
    assert!(has(&l, "a"));
}

#[test]
fn b30_invalid_utf8_names_are_kept_byte_for_byte() {
    let l = ok(b"12\t./caf\xe9.txt\n7\t./ok.txt\n4115\t.\n", fmt("du-b"));
    assert!(l.tree.lookup(b"caf\xe9.txt").is_some());
    assert!(l.problems.is_empty(), "{:?}", l.problems);
}

#[test]
fn b31_colour_codes_and_control_characters() {
    let s = b"\x1b[01;34m.\x1b[0m\n\x1b[01;34m./src\x1b[0m\n./src/main.go\n./we\x07ird\n";
    let l = ok(s, fmt("find"));
    assert!(has(&l, "src/main.go"));
    // Whatever is reported shows control characters visibly.
    for p in &l.problems {
        assert!(!p.text.chars().any(|c| c.is_control() && c != '\t'), "{p:?}");
    }
}

#[test]
fn b32_crlf_line_endings() {
    let lf = ok(b"12\t./a\n4096\t./d\n7\t./d/b\n4115\t.\n", fmt("du-b"));
    let crlf = ok(b"12\t./a\r\n4096\t./d\r\n7\t./d/b\r\n4115\t.\r\n", fmt("du-b"));
    assert_eq!(paths(&lf), paths(&crlf));
    assert!(crlf.problems.is_empty());
}

#[test]
fn b33_byte_order_mark() {
    let l = ok(b"\xef\xbb\xbf12\t./a\n4108\t.\n", None);
    assert!(has(&l, "a"));
    assert!(l.problems.is_empty(), "{:?}", l.problems);
}

#[test]
fn b34_two_thousand_levels_deep() {
    let mut s = b"12\t./".to_vec();
    for _ in 0..2000 {
        s.extend_from_slice(b"a/");
    }
    s.extend_from_slice(b"f\n20\t.\n");
    let l = ok(&s, fmt("du-b"));
    assert_eq!(l.tree.len(), 2002);
    let rules = RuleSet::parse(b"**/f\n!a/a/**\n").expect("valid");
    let t = transfer(&l.tree, &TransferOptions { rules: Some(&rules), follow_paths: None });
    assert!(t.error.is_none());
}

#[test]
fn b35_tree_json_nested_100k_deep() {
    let n = 100_000;
    let mut s = b"[\n".to_vec();
    for _ in 0..n {
        s.extend_from_slice(b"{\"type\":\"directory\",\"name\":\"a\",\"contents\":[");
    }
    s.extend_from_slice(b"{\"type\":\"file\",\"name\":\"f\",\"size\":1}");
    for _ in 0..n {
        s.extend_from_slice(b"]}");
    }
    s.extend_from_slice(b"\n]\n");
    let l = ok(&s, None);
    assert!(l.problems.iter().any(|p| p.message.contains("nested too deeply")), "{:?}", l.problems);
}

#[test]
fn b36_ncdu_nested_100k_deep() {
    let n = 100_000;
    let mut s = b"[1,2,{\"progname\":\"ncdu\",\"progver\":\"1.18\",\"timestamp\":1},\n".to_vec();
    for _ in 0..n {
        s.extend_from_slice(b"[{\"name\":\"a\",\"asize\":4096},");
    }
    s.extend_from_slice(b"{\"name\":\"f\",\"asize\":1}");
    s.extend(std::iter::repeat_n(b']', n + 1));
    s.push(b'\n');
    let l = ok(&s, None);
    assert!(l.problems.iter().any(|p| p.message.contains("nested too deeply")), "{:?}", l.problems);
}

#[test]
fn b37_duplicate_entries_first_wins() {
    let l = ok(b"12 ./a\n13 ./a\n5 ./b\n", fmt("find-printf"));
    assert_eq!(l.duplicates, 1);
    assert_eq!(l.tree.size(l.tree.lookup(b"a").expect("a")), 12);
    assert!(l.notes.iter().any(|n| n.contains("more than once")));
}

#[test]
fn b38_same_path_as_file_and_as_directory() {
    let s = b"-rw-r--r-- root/root 5 2026-11-20 09:30 ./a\ndrwxr-xr-x root/root 0 2026-11-20 09:30 ./a/\n-rw-r--r-- root/root 3 2026-11-20 09:30 ./b\n";
    let l = ok(s, fmt("tar"));
    assert!(has(&l, "a") && has(&l, "b"));
    assert_eq!(l.duplicates, 1, "the second listing of ./a is a duplicate");
}

#[test]
fn b39_path_through_a_file() {
    let s = b"-rw-r--r-- root/root 5 2026-11-20 09:30 ./a\n-rw-r--r-- root/root 3 2026-11-20 09:30 ./a/b\n-rw-r--r-- root/root 3 2026-11-20 09:30 ./c\n";
    let l = ok(s, fmt("tar"));
    problem_on(&l, 2, "not a directory");
    assert!(has(&l, "a") && has(&l, "c"));
}

#[test]
fn b40_absolute_paths_under_one_root() {
    let l = ok(b"/srv/app\n/srv/app/a\n/srv/app/src/main.go\n", fmt("find"));
    assert!(has(&l, "a") && has(&l, "src/main.go"));
    assert!(!paths(&l).iter().any(|p| p.starts_with("srv")));
}

#[test]
fn b41_absolute_and_relative_paths_mixed() {
    // Nothing to strip them against: no panic, and no `..` escapes.
    let l = ok(b"./a\n/etc/passwd\n./b/c\n/root/.ssh/id_rsa\n", fmt("find"));
    assert!(has(&l, "a") && has(&l, "b/c"));
    assert!(!paths(&l).iter().any(|p| p.starts_with('/') || p.contains("..")));
}

#[test]
fn b42_largest_file_size_a_filesystem_allows() {
    // off_t is signed: no file exceeds i64::MAX bytes; one is kept exactly.
    // (Sizes whose sum or wire estimate exceeds u64::MAX make the report's
    // arithmetic overflow: reported as a finding in BENCHMARKS.md.)
    let l = ok(b"9223372036854775807 ./huge\n12 ./small\n0 ./empty\n", fmt("find-printf"));
    assert_eq!(l.tree.size(l.tree.lookup(b"huge").expect("huge")), i64::MAX as u64);
    assert_eq!(l.bytes(), (i64::MAX as u64 + 12, i64::MAX as u64 + 12));
    let (r, _) = build_report(&l.tree, None, IgnoreSource::None, None, None);
    assert_eq!(r.context.bytes, i64::MAX as u64 + 12);
}

#[test]
fn b43_the_root_listed_as_a_file() {
    let l = ok(b"-rw-r--r-- root/root 5 2026-11-20 09:30 .\n-rw-r--r-- root/root 3 2026-11-20 09:30 ./b\n", fmt("tar"));
    problem_on(&l, 1, "root is not a directory");
    assert!(has(&l, "b"));
}

#[test]
fn b44_nul_separated_with_empty_records() {
    let l = ok(b"./a\0\0./b/c\0\0\0./d\0", None);
    assert!(has(&l, "a") && has(&l, "b/c") && has(&l, "d"));
}

#[test]
fn b45_blank_lines_between_records() {
    let l = ok(b"\n\n12\t./a\n\n\n7\t./b\n\n4115\t.\n\n", fmt("du-b"));
    assert!(has(&l, "a") && has(&l, "b"));
    assert!(l.problems.is_empty(), "{:?}", l.problems);
}

#[test]
fn b46_symlinks_out_of_the_context_are_not_followed() {
    let s = b"lrwxrwxrwx root/root 0 2026-11-20 09:30 ./etc -> /etc\nlrwxrwxrwx root/root 0 2026-11-20 09:30 ./up -> ../../..\nlrwxrwxrwx root/root 0 2026-11-20 09:30 ./loop -> loop\n";
    let l = ok(s, fmt("tar"));
    for p in ["etc", "up", "loop"] {
        let id = l.tree.lookup(p.as_bytes()).expect("kept");
        assert_eq!(l.tree.kind(id), EntryKind::Symlink);
    }
    assert_eq!(l.tree.len(), 4);
}

#[test]
fn b47_fifty_thousand_siblings() {
    let mut s = Vec::new();
    for i in 0..50_000 {
        s.extend_from_slice(format!("./dir/file-{i:06}.txt\n").as_bytes());
    }
    let l = ok(&s, fmt("find"));
    assert_eq!(l.tree.children(l.tree.lookup(b"dir").expect("dir")).len(), 50_000);
}

#[test]
fn b48_names_with_spaces_tabs_and_arrows() {
    let s = b"12\t./a file \n7\t./tab\there\n9\t./x -> y\n4124\t.\n";
    let l = ok(s, fmt("du-b"));
    assert!(has(&l, "a file ") && has(&l, "tab\there") && has(&l, "x -> y"));
}

#[test]
fn b49_a_path_of_only_dots_and_slashes() {
    let l = ok(b"./a\n.//./\n./b\n", fmt("find"));
    assert!(has(&l, "a") && has(&l, "b"));
    assert!(l.problems.is_empty(), "{:?}", l.problems);
}

// ------------------------------------------------------------ ignore files

fn rules_within(data: &[u8]) -> Result<RuleSet, IgnoreError> {
    within("RuleSet::parse", 16 * MIB + 400 * data.len(), || RuleSet::parse(data))
}

#[test]
fn b50_ten_thousand_rules() {
    let mut s = String::from("# generated\n");
    for i in 0..9_800 {
        s.push_str(&format!("/vendor/pkg{i}/testdata\n"));
    }
    for i in 0..200 {
        s.push_str(&format!("**/gen{i}/*.pb.go\n"));
    }
    s.push_str("!vendor/pkg7/testdata/keep\n");
    let set = rules_within(s.as_bytes()).expect("valid");
    assert_eq!(set.rules().len(), 10_001);
    assert_eq!(set.rules()[10_000].line, 10_002);
    let l = ok(b"./vendor/pkg7/testdata/keep\n./vendor/pkg9/testdata/x\n./src/gen3/a.pb.go\n./src/main.go\n", None);
    let t = transfer(&l.tree, &TransferOptions { rules: Some(&set), follow_paths: None });
    assert!(t.error.is_none());
    let sent: Vec<String> = t
        .entries
        .iter()
        .filter(|e| l.tree.kind(e.node) != EntryKind::Dir)
        .map(|e| String::from_utf8_lossy(&l.tree.path(e.node)).into_owned())
        .collect();
    assert_eq!(sent, ["src/main.go", "vendor/pkg7/testdata/keep"]);
}

#[test]
fn b51_rule_line_of_64_kib() {
    let mut s = b"node_modules\n".to_vec();
    s.extend(std::iter::repeat_n(b'a', 64 * 1024));
    s.extend_from_slice(b"\n*.log\n");
    match rules_within(&s) {
        Err(e @ IgnoreError::LineTooLong { line: 2, .. }) => assert!(e.to_string().starts_with("line 2:")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn b52_bare_exclamation_mark() {
    match rules_within(b"node_modules\n!\n") {
        Err(e @ IgnoreError::IllegalExclusion { line: 2, .. }) => assert!(e.to_string().contains("line 2")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn b53_unclosed_bracket() {
    match rules_within(b"*.log\nsrc/[abc\n") {
        Err(e @ IgnoreError::BadPattern { line: 2, .. }) => assert!(e.to_string().contains("line 2")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn b54_lazily_failing_pattern_names_line_and_path() {
    let set = rules_within(b"*.log\n[z-a]\n").expect("Go only fails when the pattern is consulted");
    let l = ok(b"./a.txt\n./b.log\n", fmt("find"));
    let t = transfer(&l.tree, &TransferOptions { rules: Some(&set), follow_paths: None });
    match &t.error {
        Some(TransferError::Exclude(e)) => {
            assert_eq!(e.line, 2);
            assert_eq!(e.path, "a.txt");
            assert!(e.to_string().contains("line 2"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(t.verdict(l.tree.lookup(b"a.txt").expect("a")).state, NodeState::Error);
}

#[test]
fn b55_binary_data_as_rules() {
    let data = noise(64 * 1024, 99);
    // Random bytes have no newline for long stretches: a line too long, or
    // patterns Docker rejects; either way an error naming a line, or rules.
    match rules_within(&data) {
        Ok(set) => {
            let l = ok(b"./a\n./b/c\n", fmt("find"));
            let _ = transfer(&l.tree, &TransferOptions { rules: Some(&set), follow_paths: None });
        }
        Err(e) => assert!(e.line() >= 1 && e.to_string().starts_with("line ")),
    }
}

#[test]
fn b56_invalid_utf8_rules() {
    let set = rules_within(b"caf\xe9\n!caf\xe9/keep\n").expect("bytes are fine");
    assert_eq!(set.rules()[0].text, "caf\u{fffd}");
    let l = ok(b"./caf\xe9/keep\n./caf\xe9/drop\n", fmt("find"));
    let t = transfer(&l.tree, &TransferOptions { rules: Some(&set), follow_paths: None });
    assert!(t.error.is_none());
    assert!(t.is_sent(l.tree.lookup(b"caf\xe9/keep").expect("keep")));
    assert!(!t.is_sent(l.tree.lookup(b"caf\xe9/drop").expect("drop")));
}

#[test]
fn b57_nul_bytes_in_rules() {
    let set = rules_within(b"a\x00b\n*.log\n").expect("a NUL is just a byte to Docker");
    assert_eq!(set.rules().len(), 2);
}

#[test]
fn b58_crlf_and_bom_in_rules() {
    let plain = rules_within(b"node_modules\n!keep\n*.log\n").expect("valid");
    let crlf = rules_within(b"\xef\xbb\xbfnode_modules\r\n!keep\r\n*.log\r\n").expect("valid");
    assert_eq!(plain.patterns(), crlf.patterns());
}

#[test]
fn b59_huge_repetition_in_a_pattern() {
    // `{` reaches Go's regexp unescaped (patternmatcher's bitmap bug): a
    // repetition too large to compile must fail as a pattern error, not hang.
    let set = rules_within(b"a{1000}{1000}*\n").expect("compiles lazily");
    let l = ok(b"./aaa\n", fmt("find"));
    let t =
        within("transfer", 64 * MIB, || transfer(&l.tree, &TransferOptions { rules: Some(&set), follow_paths: None }));
    assert!(matches!(t.error, Some(TransferError::Exclude(ref e)) if e.line == 1), "{:?}", t.error);
}

#[test]
fn b60_thirty_thousand_stars() {
    let mut s = vec![b'*'; 30_000];
    s.extend_from_slice(b"x\n");
    // The regexp of 30,000 `[^/]*` is large: compiling it takes ~50 MB.
    let set = within("RuleSet::parse", 128 * MIB, || RuleSet::parse(&s)).expect("valid");
    let l = ok(b"./ax\n./b\n", fmt("find"));
    let t = transfer(&l.tree, &TransferOptions { rules: Some(&set), follow_paths: None });
    assert!(t.error.is_none() || matches!(t.error, Some(TransferError::Exclude(ref e)) if e.line == 1));
}

#[test]
fn b61_only_comments_and_blank_lines() {
    let set = rules_within(b"# nothing\n\n   \n#!keep\n").expect("valid");
    assert!(set.is_empty());
    assert!(IgnoreFile::parse(b"# x\n").expect("valid").is_empty());
}

// ------------------------------------------------------------ Dockerfiles

fn dockerfile_error(data: &[u8]) -> String {
    within("Dockerfile", 64 * MIB + 40 * data.len(), || analyze(data, &BuildOptions::default()))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

#[test]
fn b62_binary_data_as_dockerfile() {
    let data = noise(16 * 1024, 3);
    let e = dockerfile_error(&data);
    assert!(e.contains("line"), "{e:?}");
}

#[test]
fn b63_listing_pasted_as_dockerfile() {
    let e = dockerfile_error(b"12\t./a\n4096\t./src\n4108\t.\n");
    assert!(e.contains("line 1"), "{e:?}");
}

#[test]
fn b64_dockerfile_line_over_64_kib() {
    let mut s = b"FROM alpine\nRUN echo ".to_vec();
    s.extend(std::iter::repeat_n(b'x', 70_000));
    s.push(b'\n');
    let e = dockerfile_error(&s);
    assert!(e.contains("line 2"), "{e:?}");
}

#[test]
fn b65_variable_expansion_nested_ten_thousand_deep() {
    let mut s = String::from("FROM alpine\nARG a=1\nCOPY ");
    for _ in 0..10_000 {
        s.push_str("${a:-");
    }
    s.push('x');
    s.push_str(&"}".repeat(10_000));
    s.push_str(" /app\n");
    let e = dockerfile_error(s.as_bytes());
    assert!(e.contains("line 3"), "{e:?}");
}

#[test]
fn b66_ten_thousand_chained_stages() {
    let mut s = String::from("FROM alpine AS s0\nCOPY a /a\n");
    for i in 1..10_000 {
        s.push_str(&format!("FROM s{} AS s{i}\nCOPY --from=s{} /a /b\n", i - 1, i - 1));
    }
    let a = within("stages", 256 * MIB, || analyze(s.as_bytes(), &BuildOptions::default())).expect("valid");
    assert_eq!(a.built_stages.len(), 10_000);
}

#[test]
fn b67_unterminated_heredoc() {
    let data = b"FROM alpine\nCOPY <<EOF /app/config\nkey=value\n";
    // BuildKit reads to the end of the file; whatever it decides, no panic.
    let _ = within("heredoc", 16 * MIB, || analyze(data, &BuildOptions::default()));
}
