//! End-to-end tests of the traps CATALOG.md lists, one small input each.

use super::*;
use crate::tree::EntryKind;

fn parse(input: &[u8]) -> Listing {
    parse_listing(input, None).unwrap_or_else(|e| panic!("{e}"))
}

fn kind(l: &Listing, path: &str) -> Option<EntryKind> {
    l.tree.lookup(path.as_bytes()).map(|id| l.tree.kind(id))
}

fn size(l: &Listing, path: &str) -> (u64, u64) {
    l.tree.size_bounds(l.tree.lookup(path.as_bytes()).unwrap_or_else(|| panic!("{path} not listed")))
}

fn paths(l: &Listing) -> Vec<String> {
    l.tree.walk().map(|id| String::from_utf8_lossy(&l.tree.path(id)).into_owned()).collect()
}

// ---------------------------------------------------------------- du

#[test]
fn du_raw_paths_split_on_the_first_tab() {
    let l = parse(b"4\t./arrow -> name.txt\n4\t./trailing space \n4\t./a\tb\n16\t.\n");
    assert_eq!(l.format, ListingFormat::Du);
    assert_eq!(kind(&l, "arrow -> name.txt"), Some(EntryKind::File));
    assert_eq!(kind(&l, "trailing space "), Some(EntryKind::File));
    assert_eq!(kind(&l, "a\tb"), Some(EntryKind::File));
    assert_eq!(l.sizes, SizeMeaning::DiskUsage);
    assert_eq!(size(&l, "a\tb"), (4096, 4096));
}

#[test]
fn du_cumulative_sizes_become_own_sizes() {
    // du -ab: post-order, siblings unsorted; a directory's line is its own 4096 plus its contents.
    let l = parse(b"1023\t./d/a.txt\n14\t./d/link\n5133\t./d\n8\t./x.txt\n9237\t.\n");
    assert_eq!(l.format, ListingFormat::DuBytes);
    assert_eq!(l.sizes, SizeMeaning::Apparent);
    assert!(!l.directories_only);
    assert_eq!(kind(&l, "d"), Some(EntryKind::Dir));
    assert_eq!(l.dir_bytes, (8192, 8192));
    assert_eq!(l.bytes(), (9237, 9237));
    assert_eq!(l.file_bytes(), (1045, 1045));
}

#[test]
fn du_without_a_lists_directories_only() {
    let l = parse(b"8\t./colon: dir\n4\t./empty dir\n84\t./deep\n7844\t.\n");
    assert!(l.directories_only);
    assert_eq!(l.counts().files, 0);
    assert_eq!(l.tree.unlisted(l.tree.lookup(b"colon: dir").unwrap()), (8192, 8192));
    // Root-level files survive only as total minus the top-level directories.
    assert_eq!(l.tree.unlisted(crate::tree::ROOT), ((7844 - 96) * 1024, (7844 - 96) * 1024));
    assert_eq!(l.bytes(), (7844 * 1024, 7844 * 1024));
    assert!(l.notes.iter().any(|n| n.contains("directories only")));
}

#[test]
fn du_summary_with_total_line_and_no_dotfiles() {
    let l = parse(b"4.0K\tDockerfile\n1.2M\taudit-results\n0\tlatest\n1.3M\ttotal\n");
    assert_eq!(l.format, ListingFormat::DuHuman);
    assert!(l.directories_only);
    assert!(l.reported_total.is_some());
    assert!(l.tree.lookup(b"total").is_none(), "`total` is not a path");
    // A zero line cannot be a directory: a file (or symlink) of 0 bytes.
    assert_eq!(kind(&l, "latest"), Some(EntryKind::File));
    assert!(l.notes.iter().any(|n| n.contains("dotfiles")));
}

#[test]
fn du_human_rounding_gnu_up_busybox_nearest() {
    // GNU: 6.43 MiB prints 6.5M (ceiling); BusyBox prints 6.4M (nearest).
    let gnu = parse(b"6.5M\t./sizes\n12K\t./bin\n7.7M\t.\n");
    assert_eq!(gnu.format, ListingFormat::DuHuman);
    let (lo, hi) = gnu.tree.unlisted(gnu.tree.lookup(b"sizes").unwrap());
    assert!(lo <= 6_742_016 && 6_742_016 <= hi);
    let bb = parse(b"6.4M\t./sizes\n12.0K\t./bin\n7.7M\t.\n");
    assert_eq!(bb.format, ListingFormat::BusyboxDuHuman);
    let (lo, hi) = bb.tree.unlisted(bb.tree.lookup(b"sizes").unwrap());
    assert!(lo <= 6_742_016 && 6_742_016 <= hi);
}

#[test]
fn du_apparent_size_rounds_each_line_up() {
    // `./sizes` 108951 while its children sum to 108952: rounded children cannot be summed back.
    let l = parse(b"1\t./sizes/a.txt\n1\t./sizes/b.txt\n1\t./sizes/c.txt\n2\t./sizes\n2\t.\n");
    assert_eq!(l.format, ListingFormat::DuApparentSize);
    assert_eq!(l.sizes, SizeMeaning::ApparentRounded);
    assert_eq!(size(&l, "sizes/a.txt"), (1, 1024));
    assert_eq!(l.problems_total, 0);
}

#[test]
fn du_nul_terminated_records() {
    let l = parse(b"4\t./a\nb\x000\t./link\x008\t.\x00");
    assert_eq!(l.format, ListingFormat::Du);
    assert_eq!(kind(&l, "a\nb"), Some(EntryKind::File));
}

#[test]
fn du_usage_text_is_not_a_listing() {
    let usage =
        b"du: unrecognized option '--help'\nUsage: du [OPTION]... [FILE]...\n  or:  du [OPTION]... --files0-from=F\n";
    assert!(matches!(parse_listing(usage, None), Err(ListingError::NotAListing { .. })));
}

#[test]
fn du_stderr_lines_are_problems_with_line_numbers() {
    let l = parse(b"4\t./a.txt\ndu: cannot read directory './secret': Permission denied\n0\t./b\n12\t.\n");
    assert_eq!(l.problems_total, 1);
    assert_eq!(l.problems[0].line, 2);
    assert!(l.problems[0].message.contains("stderr"));
    assert_eq!(l.counts().files, 2);
}

#[test]
fn du_bsd_blocks_by_override() {
    let l = parse_listing(b"8\t./a\n16\t.\n", Some(ListingFormat::DuBsd)).unwrap();
    assert_eq!(l.unit, SizeUnit::Blocks { size: 512 });
    assert_eq!(l.bytes(), (8192, 8192));
}

// ---------------------------------------------------------------- find

#[test]
fn find_printf_splits_on_the_first_space() {
    let l = parse(b"4096 .\n8 ./ leading space\n11 ./arrow -> name.txt\n4096 ./d\n3 ./d/x y\n");
    assert_eq!(l.format, ListingFormat::FindPrintf);
    assert_eq!(size(&l, " leading space"), (8, 8));
    assert_eq!(size(&l, "d/x y"), (3, 3));
    assert_eq!(l.dir_bytes, (8192, 8192));
}

#[test]
fn find_ls_unescapes_and_groups_hard_links() {
    let input = b"  10      4 drwxr-xr-x   3 root root 4096 Nov 24 08:15 .\n\
  11   1024 -rw-r--r--   2 root root 1048576 Nov 24 08:15 ./hardlink-to-1M\n\
  12      0 lrwxrwxrwx   1 root root 5 Nov 24 08:15 ./dirlink -> caf\\303\\251\n\
  13      4 -rw-r--r--   1 root root 11 Nov 24 08:15 ./arrow\\ ->\\ name.txt\n\
  14      4 drwxr-xr-x   2 root root 4096 Nov 24 08:15 ./caf\\303\\251\n\
  11   1024 -rw-r--r--   2 root root 1048576 Feb 29  2024 ./caf\\303\\251/1048576\n";
    let l = parse(input);
    assert_eq!(l.format, ListingFormat::FindLs);
    assert_eq!(kind(&l, "arrow -> name.txt"), Some(EntryKind::File));
    let link = l.tree.lookup(b"dirlink").unwrap();
    assert_eq!(l.tree.link_target(link).unwrap(), "café".as_bytes());
    let a = l.tree.lookup(b"hardlink-to-1M").unwrap();
    let b = l.tree.lookup("café/1048576".as_bytes()).unwrap();
    assert_ne!(l.tree.link_group(a), 0);
    assert_eq!(l.tree.link_group(a), l.tree.link_group(b));
    assert_eq!(l.file_bytes(), (1_048_576 + 11, 1_048_576 + 11));
    assert_eq!(l.counts().hardlinks, 1);
}

#[test]
fn find_type_f_is_paths_only() {
    let l = parse(b"./a.txt\n./d/b.txt\n./#hash.txt\n./!bang.log\n");
    assert_eq!(l.format, ListingFormat::Find);
    assert_eq!(l.sizes, SizeMeaning::None);
    assert_eq!(kind(&l, "d"), Some(EntryKind::Dir));
    assert_eq!(kind(&l, "!bang.log"), Some(EntryKind::File));
}

// ---------------------------------------------------------------- ls

#[test]
fn ls_headers_that_look_like_names_and_names_that_look_like_links() {
    let input = b".:\ntotal 12\n\
-rw-r--r-- 1 root root   11 Nov 24 08:15 arrow -> name.txt\n\
drwxr-xr-x 2 cloudsdk cloudsdk 4096 Feb 29  2024 colon: dir\n\
lrwxrwxrwx 1 root root   14 Nov 24 08:15 dangling-link -> does/not/exist\n\
-rw-r--r-- 1 root root    7 Nov 24 08:15 trailing space \n\
prw-r--r-- 1 root root    0 Nov 24 08:15 named-pipe\n\
\n./colon: dir:\ntotal 4\n-rw-r--r-- 1 1000 1000 12 Nov  8 22:31 inside.txt\n";
    let l = parse(input);
    assert_eq!(l.format, ListingFormat::Ls);
    assert_eq!(l.problems_total, 0, "{:?}", l.problems);
    assert_eq!(kind(&l, "arrow -> name.txt"), Some(EntryKind::File));
    assert_eq!(kind(&l, "trailing space "), Some(EntryKind::File));
    assert_eq!(kind(&l, "named-pipe"), Some(EntryKind::Other));
    assert_eq!(size(&l, "colon: dir/inside.txt"), (12, 12));
    let link = l.tree.lookup(b"dangling-link").unwrap();
    assert_eq!(l.tree.link_target(link).unwrap(), b"does/not/exist");
    assert!(l.opaque_dirs.is_empty());
}

#[test]
fn ls_symlink_arrow_chosen_by_target_length() {
    let l = parse(b"lrwxrwxrwx 1 root root 6 Nov 24 08:15 a -> b -> target\n-rw-r--r-- 1 root root 1 Nov 24 08:15 x\n");
    let link = l.tree.lookup(b"a -> b").unwrap();
    assert_eq!(l.tree.link_target(link).unwrap(), b"target");
}

#[test]
fn ls_la_without_recursion_marks_directories_opaque() {
    let input = b"total 8\ndrwxr-xr-x 3 root root 4096 Nov 24 08:15 .\ndrwxr-xr-x 9 root root 4096 Nov 24 08:15 ..\n\
drwxr-xr-x 2 root root 4096 Nov 24 08:15 src\n-rw-r--r-- 1 root root 10 Nov 24 08:15 .env\n";
    let l = parse(input);
    assert_eq!(l.opaque_dirs.len(), 1);
    assert_eq!(l.dir_bytes, (8192, 8192), "the root's `.` and `src`");
    assert!(l.tree.lookup(b"..").is_none());
}

#[test]
fn ls_human_sizes_are_rounded_up_intervals() {
    let l = parse(b".:\ntotal 2.8M\n-rw-r--r-- 1 root root 1.1K Nov 24 08:15 a\n-rw-r--r-- 1 root root 1023 Nov 24 08:15 b\n-rw-r--r-- 1 root root 8.3M Nov 24 08:15 c\n-rw-r--r-- 1 root root 977K Feb 29  2024 d\n");
    assert_eq!(l.sizes, SizeMeaning::ApparentRounded);
    assert_eq!(size(&l, "a"), (1025, 1126));
    assert_eq!(size(&l, "b"), (1023, 1023));
    let (lo, hi) = size(&l, "c");
    assert!(lo <= 8_680_937 && 8_680_937 <= hi);
    // Without a GNU-only value (`977K`), BusyBox's nearest rounding is allowed too.
    let l = parse(b"-rw-r--r-- 1 root root 1.1K Nov 24 08:15 a\n");
    assert_eq!(size(&l, "a"), (1025, 1178));
}

#[test]
fn ls_busybox_question_marks_match_their_section() {
    let input = ".:\ntotal 4\ndrwxr-xr-x    2 root     root          4096 Nov 24 08:15 ???\n\n./日本語:\ntotal 4\n\
-rw-r--r--    1 root     root            12 Nov 24 08:15 a\n";
    let l = parse(input.as_bytes());
    assert_eq!(kind(&l, "日本語"), Some(EntryKind::Dir));
    assert!(l.tree.lookup(b"???").is_none());
    assert!(l.opaque_dirs.is_empty());
}

// ---------------------------------------------------------------- tar

#[test]
fn gnu_tar_hard_links_symlinks_and_escapes() {
    let input = b"drwxr-xr-x root/root         0 2026-11-24 08:15 ./\n\
-rw-r--r-- root/root   1048576 2026-11-24 08:15 ./hardlink-to-1M\n\
lrwxrwxrwx root/root         0 2026-11-24 08:15 ./link to abc -> a b c.txt\n\
-rw-r--r-- root/root        11 2026-11-24 08:15 ./arrow -> name.txt\n\
-rw-r--r-- root/root         4 2026-11-24 08:15 ./back\\\\slash.txt\n\
drwxr-xr-x cloudsdk/cloudsdk 0 2026-11-24 08:15 ./sizes/\n\
hrw-r--r-- root/root         0 2026-11-24 08:15 ./sizes/1048576 link to ./hardlink-to-1M\n\
prw-r--r-- root/root         0 2026-11-24 08:15 ./named-pipe\n";
    let l = parse(input);
    assert_eq!(l.format, ListingFormat::Tar);
    assert_eq!(kind(&l, "back\\slash.txt"), Some(EntryKind::File));
    assert_eq!(kind(&l, "arrow -> name.txt"), Some(EntryKind::File));
    assert_eq!(size(&l, "link to abc"), (9, 9));
    assert_eq!(size(&l, "sizes/1048576"), (1_048_576, 1_048_576));
    assert_eq!(l.counts().hardlinks, 1);
    assert_eq!(l.file_bytes(), (1_048_576 + 11 + 4, 1_048_576 + 11 + 4));
    assert_eq!(kind(&l, "named-pipe"), Some(EntryKind::Other));
}

#[test]
fn busybox_tar_hard_link_looks_like_a_symlink() {
    let input = b"drwxr-xr-x root/root         0 2026-11-24 08:15:00 ./\n\
-rw-r--r-- root/root   1048576 2026-11-24 08:15:00 ./hardlink-to-1M\n\
-rw-r--r-- root/root        11 2026-11-24 08:15:00 ./arrow -> name.txt\n\
-rw-r--r-- root/root         4 2026-11-24 08:15:00 ./back\\slash.txt\n\
-rw-r--r-- root/root         0 2026-11-24 08:15:00 ./sizes/1048576 -> ./hardlink-to-1M\n";
    let l = parse(input);
    assert_eq!(l.format, ListingFormat::BusyboxTar);
    assert_eq!(kind(&l, "back\\slash.txt"), Some(EntryKind::File));
    assert_eq!(kind(&l, "arrow -> name.txt"), Some(EntryKind::File));
    assert_eq!(size(&l, "sizes/1048576"), (1_048_576, 1_048_576));
    assert_eq!(l.counts().hardlinks, 1);
}

#[test]
fn bsdtar_is_told_from_ls() {
    let input = b"drwxr-xr-x  0 root   root        0 Nov 24 08:15 ./\n\
-rw-r--r--  0 root   root     1023 Nov 24 08:15 ./#hash.txt\n\
-rw-r--r--  0 root   root  104857600 Feb 29  2024 ./sizes/sparse-100M\n\
hrw-r--r--  0 root   root         0 Nov 24 08:15 ./sizes/b link to ./#hash.txt\n";
    let l = parse(input);
    assert_eq!(l.format, ListingFormat::Bsdtar);
    assert_eq!(size(&l, "sizes/sparse-100M"), (104_857_600, 104_857_600));
    assert_eq!(l.counts().hardlinks, 1);
}

// ---------------------------------------------------------------- tree

#[test]
fn tree_full_paths_nbsp_indent_and_symlink_sizes() {
    let input = "[       4096]  .\n├── [         11]  ./arrow -> name.txt\n├── [       4096]  ./d\n\
│\u{a0}\u{a0} └── [         14]  ./d/dangling -> does/not/exist\n└── [       4096]  ./empty\n";
    let l = parse(input.as_bytes());
    assert_eq!(l.format, ListingFormat::Tree);
    assert_eq!(kind(&l, "arrow -> name.txt"), Some(EntryKind::File));
    assert_eq!(kind(&l, "d/dangling"), Some(EntryKind::Symlink));
    // An empty directory cannot be told from a 4096-byte file.
    assert_eq!(kind(&l, "empty"), Some(EntryKind::File));
}

#[test]
fn tree_c_locale_escapes_and_report_line() {
    let input = b"[       4096]  .\n|-- [          8]  \\ leading\\ space\n|-- [       4096]  caf\\303\\251\n\
|   `-- [       4095]  menu\\ du\\ jour.txt\n`-- [          4]  back\\\\slash.txt\n\n1 directory, 3 files\n";
    let l = parse(input);
    assert_eq!(l.format, ListingFormat::Tree);
    assert_eq!(l.problems_total, 0, "{:?}", l.problems);
    assert_eq!(size(&l, " leading space"), (8, 8));
    assert_eq!(size(&l, "café/menu du jour.txt"), (4095, 4095));
    assert_eq!(kind(&l, "back\\slash.txt"), Some(EntryKind::File));
}

#[test]
fn tree_du_is_cumulative_and_rounded_to_nearest() {
    let input = "[ 20K]  .\n├── [ 12K]  d\n│   └── [8.0K]  f\n└── [4.1K]  g\n\n1.8G used in 2 directories, 2 files\n";
    let l = parse(input.as_bytes());
    assert_eq!(l.format, ListingFormat::TreeDu);
    assert!(l.cumulative);
    let (lo, hi) = size(&l, "g");
    assert!((lo..=hi).contains(&4198) && hi < 4300);
}

#[test]
fn tree_json_kinds() {
    let input = br#"[
  {"type":"directory","name":".","size":4096,"contents":[
    {"type":"link","name":"dirlink","target":"caf\u00e9","size":5},
    {"type":"fifo","name":"named-pipe","size":0},
    {"type":"directory","name":"empty dir","size":4096}
  ]}
,
  {"type":"report","directories":2,"files":2}
]"#;
    let l = parse(input);
    assert_eq!(l.format, ListingFormat::TreeJson);
    assert_eq!(kind(&l, "empty dir"), Some(EntryKind::Dir));
    assert_eq!(kind(&l, "named-pipe"), Some(EntryKind::Other));
    assert_eq!(l.tree.link_target(l.tree.lookup(b"dirlink").unwrap()).unwrap(), "café".as_bytes());
}

// ---------------------------------------------------------------- ncdu / gdu / dust / dua

#[test]
fn ncdu_arrays_hard_links_and_omitted_zeros() {
    let input = br#"[1,2,{"progname":"ncdu","progver":"1.18","timestamp":1795688340},
[{"name":"/home/dev/src/tricky","asize":4096,"dsize":4096,"dev":65024},
{"name":"hardlink-to-1M","asize":1048576,"dsize":1048576,"ino":5448149,"hlnkc":true,"nlink":2},
{"name":"link to abc","asize":9,"notreg":true},
{"name":"named-pipe","notreg":true},
{"name":"zero"},
[{"name":"sizes","asize":4096,"dsize":4096},
{"name":"1048576","asize":1048576,"dsize":1048576,"ino":5448149,"hlnkc":true,"nlink":2}]]]"#;
    let l = parse(input);
    assert_eq!(l.format, ListingFormat::Ncdu);
    assert_eq!(kind(&l, "link to abc"), Some(EntryKind::Symlink));
    assert_eq!(size(&l, "link to abc"), (9, 9));
    assert_eq!(kind(&l, "named-pipe"), Some(EntryKind::Other));
    assert_eq!(size(&l, "zero"), (0, 0));
    assert_eq!(l.counts().hardlinks, 1);
    assert_eq!(l.bytes(), (1_048_576 + 9 + 8192, 1_048_576 + 9 + 8192));
    assert!(l.tree.lookup(b"home").is_none(), "the absolute root name is not a path");
}

#[test]
fn gdu_escapes_and_unmarked_hard_links() {
    let input = br#"[1,2,{"progname":"gdu","progver":"5.22.0-1+b1","timestamp":1795688340},
[{"name":"/home/dev/src/tricky","mtime":1795508100},
{"name":"arrow -\u003e name.txt","asize":11,"dsize":4096,"mtime":1},
{"name":"a","asize":5,"dsize":4096,"ino":7,"hlnkc":true},
{"name":"b","asize":5,"dsize":4096}]]"#;
    let l = parse(input);
    assert_eq!(l.format, ListingFormat::Gdu);
    assert_eq!(kind(&l, "arrow -> name.txt"), Some(EntryKind::File));
    assert_eq!(l.hardlinks, HardLinks::Ungrouped);
    assert_eq!(l.counts().hardlinks, 0);
}

#[test]
fn truncated_ncdu_export_keeps_what_was_read() {
    let input = b"[1,2,{\"progname\":\"ncdu\"},\n[{\"name\":\"/r\",\"asize\":4096},\n{\"name\":\"a\",\"asize\":3},\n{\"name\":\"b\",\"as";
    let l = parse(input);
    assert_eq!(l.problems_total, 1);
    assert_eq!(l.problems[0].line, 4);
    assert_eq!(size(&l, "a"), (3, 3));
}

#[test]
fn dust_json_sizes_with_units() {
    let input = br#"{"size":"8192B","name":".","children":[{"size":"4096B","name":"./d","children":[]},{"size":"0B","name":"./z","children":[]}]}"#;
    let l = parse(input);
    assert_eq!(l.format, ListingFormat::DustJson);
    assert_eq!(l.sizes, SizeMeaning::DiskUsage);
    assert_eq!(l.bytes(), (8192, 8192));
    assert_eq!(size(&l, "d"), (4096, 4096));
}

#[test]
fn dua_total_and_gdu_flags() {
    let l = parse(b"      0   B named-pipe\n   4.00 KiB  leading space\n   6.43 MiB sizes\n   6.44 MiB total\n");
    assert_eq!(l.format, ListingFormat::Dua);
    assert!(l.reported_total.is_some());
    assert!(l.tree.lookup(b" leading space").is_some());
    let g = parse(b"    6.4 MiB /sizes\ne   4.0 KiB /empty dir\n@       0 B link to abc\n    4.0 KiB a b c.txt\n");
    assert_eq!(g.format, ListingFormat::GduTop);
    assert_eq!(kind(&g, "sizes"), Some(EntryKind::Dir));
    assert_eq!(kind(&g, "link to abc"), Some(EntryKind::Symlink));
    assert_eq!(kind(&g, "a b c.txt"), Some(EntryKind::File));
}

// ---------------------------------------------------------------- git and paths

#[test]
fn git_c_quoted_paths_and_leading_spaces() {
    let input = b" leading space\n\"back\\\\slash.txt\"\n\"caf\\303\\251/menu du jour.txt\"\nsay hi.txt\n";
    let l = parse(input);
    assert_eq!(l.format, ListingFormat::GitLsFiles);
    let p = paths(&l);
    assert!(p.contains(&" leading space".to_string()));
    assert!(p.contains(&"back\\slash.txt".to_string()));
    assert!(p.contains(&"café/menu du jour.txt".to_string()));
    assert!(l.notes.iter().any(|n| n.contains("tracked files only")));
}

#[test]
fn git_ls_tree_and_format_sizes_and_modes() {
    let tree = b"100644 blob 6da806d7a782261675473a6e20281973e26ff57b       4\t\"back\\\\slash.txt\"\n\
120000 blob 9c7dda19853d53693e83a08cb54b9cd73bca44cd      14\tdangling-link\n\
100755 blob 7aa69a30fa405a2b1a2690b31df59bfe2b379bf8      18\tbin/run.sh\n";
    let l = parse(tree);
    assert_eq!(l.format, ListingFormat::GitLsTree);
    assert_eq!(kind(&l, "dangling-link"), Some(EntryKind::Symlink));
    assert_eq!(size(&l, "dangling-link"), (14, 14));
    assert_eq!(l.tree.mode(l.tree.lookup(b"bin/run.sh").unwrap()), Some(0o755));
    let f = parse(b"100644 8  leading space\n120000 5 dirlink\n160000 - sub\n");
    assert_eq!(f.format, ListingFormat::GitLsFilesFormat);
    assert_eq!(size(&f, " leading space"), (8, 8));
    assert_eq!(kind(&f, "sub"), Some(EntryKind::Dir));
}

#[test]
fn plain_paths_trailing_slash_is_a_directory() {
    let l = parse(b"src/\nREADME\nbuild/out.o\n");
    assert_eq!(l.format, ListingFormat::Paths);
    assert_eq!(kind(&l, "src"), Some(EntryKind::Dir));
    assert_eq!(kind(&l, "README"), Some(EntryKind::File));
    assert_eq!(kind(&l, "build"), Some(EntryKind::Dir));
    let z = parse_listing(b"a b\0c\nd\0", Some(ListingFormat::PathsNul)).unwrap();
    assert_eq!(kind(&z, "c\nd"), Some(EntryKind::File));
}

#[test]
fn crlf_and_colours_from_terminal_pastes() {
    let l = parse(b"4\t./a.txt\r\n8\t.\r\n");
    assert_eq!(kind(&l, "a.txt"), Some(EntryKind::File));
    let l = parse(b"\x1b[01;34m./src\x1b[0m/main.rs\n./README\n");
    assert_eq!(kind(&l, "src/main.rs"), Some(EntryKind::File));
}

// ---------------------------------------------------------------- API

#[test]
fn format_names_round_trip() {
    for f in ListingFormat::ALL {
        assert_eq!(ListingFormat::from_name(f.name()), Some(f));
        assert!(!f.description().is_empty());
    }
    assert_eq!(ListingFormat::from_name("du-ab"), Some(ListingFormat::DuBytes));
    assert_eq!(ListingFormat::from_name("LS-LAR"), Some(ListingFormat::Ls));
    assert_eq!(ListingFormat::from_name("nope"), None);
}

#[test]
fn size_meaning_serializes_as_documented() {
    for m in [SizeMeaning::Apparent, SizeMeaning::ApparentRounded, SizeMeaning::DiskUsage, SizeMeaning::None] {
        assert_eq!(serde_json::to_string(&m).unwrap(), format!("\"{}\"", m.name()));
    }
    assert_eq!(serde_json::to_string(&ListingFormat::DuBytes).unwrap(), "\"du-b\"");
    assert_eq!(serde_json::to_string(&SizeUnit::Blocks { size: 1024 }).unwrap(), r#"{"kind":"blocks","size":1024}"#);
}
