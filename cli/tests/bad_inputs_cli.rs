//! The bad-input catalogue as the user meets it: the binary must exit 0 with
//! warnings naming each unreadable line when the rest can be used, or exit 2
//! with one clear `ctxlens: …` message (naming the file and line) when it
//! cannot; never show a panic, a backtrace or a Rust debug dump.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ctxlens"));
    c.args(args).current_dir(dir).env("NO_COLOR", "1").stdout(Stdio::piped()).stderr(Stdio::piped());
    c.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = c.spawn().expect("binary runs");
    if let Some(data) = stdin {
        // The binary may exit before reading everything: ignore EPIPE.
        let _ = child.stdin.take().expect("piped").write_all(data);
    }
    child.wait_with_output().expect("binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// No Rust internals reach the user, whatever the outcome.
fn clean_output(o: &Output) {
    let e = stderr(o);
    for bad in ["RUST_BACKTRACE", "stack backtrace", "thread 'main'", "Os {", "Custom {"] {
        assert!(!e.contains(bad), "stderr shows {bad:?}: {e}");
    }
}

/// Exit status 2 with a single `ctxlens:` message containing every needle.
fn fails(o: &Output, needles: &[&str]) {
    clean_output(o);
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {e}");
    assert!(e.starts_with("ctxlens: "), "{e}");
    assert!(!e.contains("internal error"), "{e}");
    for n in needles {
        assert!(e.contains(n), "stderr lacks {n:?}: {e}");
    }
}

/// Exit status 0 with a warning naming each of `lines`.
fn warns(o: &Output, lines: &[usize]) {
    clean_output(o);
    let e = stderr(o);
    assert_eq!(o.status.code(), Some(0), "stderr: {e}");
    for l in lines {
        assert!(e.contains(&format!("listing line {l}:")), "no warning for line {l}: {e}");
    }
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn write(dir: &Path, name: &str, data: &[u8]) {
    std::fs::write(dir.join(name), data).expect("write");
}

fn sent_files(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stdout).lines().filter(|l| !l.ends_with('/')).map(String::from).collect()
}

#[test]
fn c01_binary_listing() {
    let d = tmp();
    let data: Vec<u8> = (0..65536u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    write(d.path(), "l.bin", &data);
    fails(&run(d.path(), &["--listing", "l.bin", "--no-ignore"], None), &["l.bin", "not a listing", "binary"]);
}

#[test]
fn c02_dockerfile_as_listing() {
    let d = tmp();
    write(d.path(), "Dockerfile.txt", b"FROM alpine:3.20\nRUN apk add curl\nCOPY . /app\n");
    fails(&run(d.path(), &["--listing", "Dockerfile.txt", "--no-ignore"], None), &["Dockerfile"]);
}

#[test]
fn c03_bad_lines_are_warnings_and_the_rest_is_used() {
    let d = tmp();
    let listing = b"12\t./a.txt\n5\t./../etc/passwd\nzz\n7\t./b.txt\n4115\t.\n";
    write(d.path(), "l.txt", listing);
    let o = run(d.path(), &["ls", "--listing", "l.txt", "--listing-format", "du-b", "--no-ignore"], None);
    warns(&o, &[2, 3]);
    assert_eq!(sent_files(&o), ["a.txt", "b.txt"]);
}

#[test]
fn c04_empty_listing_on_stdin() {
    let d = tmp();
    fails(&run(d.path(), &["--listing", "-", "--no-ignore"], Some(b"\n \n")), &["stdin", "empty"]);
}

#[test]
fn c05_missing_listing_file() {
    let d = tmp();
    fails(&run(d.path(), &["--listing", "nope.txt", "--no-ignore"], None), &["nope.txt"]);
}

#[test]
fn c06_listing_is_a_directory() {
    let d = tmp();
    std::fs::create_dir(d.path().join("adir")).expect("mkdir");
    fails(&run(d.path(), &["--listing", "adir", "--no-ignore"], None), &["adir"]);
}

#[test]
fn c07_unknown_listing_format() {
    let d = tmp();
    write(d.path(), "l.txt", b"./a\n");
    fails(&run(d.path(), &["--listing", "l.txt", "--listing-format", "dir /s"], None), &["dir /s", "du-b"]);
}

#[test]
fn c08_bare_exclamation_rule() {
    let d = tmp();
    write(d.path(), "l.txt", b"./a\n");
    write(d.path(), "rules", b"node_modules\n!\n");
    fails(&run(d.path(), &["--listing", "l.txt", "--ignore-file", "rules"], None), &["rules", "line 2"]);
}

#[test]
fn c09_rule_line_of_64_kib() {
    let d = tmp();
    write(d.path(), "l.txt", b"./a\n");
    let mut rules = b"# x\n*.log\n".to_vec();
    rules.extend(std::iter::repeat_n(b'x', 70_000));
    write(d.path(), "rules", &rules);
    fails(&run(d.path(), &["--listing", "l.txt", "--ignore-file", "rules"], None), &["rules", "line 3", "65536"]);
}

#[test]
fn c10_lazily_failing_pattern_names_line_and_path() {
    let d = tmp();
    write(d.path(), "l.txt", b"./a.txt\n./b.log\n");
    write(d.path(), ".dockerignore", b"*.log\n[z-a]\n");
    let o = run(d.path(), &["ls", "--listing", "l.txt"], None);
    fails(&o, &["docker build would fail", "line 2", "a.txt"]);
}

#[test]
fn c11_unreadable_ignore_file() {
    let d = tmp();
    write(d.path(), "l.txt", b"./a\n");
    std::fs::create_dir(d.path().join("rules")).expect("mkdir");
    fails(&run(d.path(), &["--listing", "l.txt", "--ignore-file", "rules"], None), &["rules"]);
}

#[test]
fn c12_binary_dockerfile() {
    let d = tmp();
    write(d.path(), "l.txt", b"./a\n");
    let data: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(40503) >> 7) as u8).collect();
    write(d.path(), "Dockerfile", &data);
    fails(&run(d.path(), &["--listing", "l.txt", "--no-ignore", "--copy-only"], None), &["Dockerfile", "line"]);
}

#[test]
fn c13_max_size_that_is_not_a_size() {
    let d = tmp();
    write(d.path(), "l.txt", b"./a\n");
    let o = run(d.path(), &["--listing", "l.txt", "--max-size", "lots"], None);
    clean_output(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("lots"));
}

#[test]
fn c14_ten_thousand_rules_with_ls() {
    let d = tmp();
    let mut rules = String::new();
    for i in 0..10_000 {
        rules.push_str(&format!("/vendor/pkg{i}/testdata\n"));
    }
    write(d.path(), ".dockerignore", rules.as_bytes());
    write(d.path(), "l.txt", b"./vendor/pkg7/testdata/x\n./src/main.go\n");
    let o = run(d.path(), &["ls", "--listing", "l.txt"], None);
    clean_output(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(sent_files(&o), ["src/main.go"]);
}

#[test]
fn c15_ten_thousand_unreadable_lines_warn_with_their_numbers() {
    let d = tmp();
    let mut s = b"12\t./a.txt\n".to_vec();
    for _ in 0..10_000 {
        s.extend_from_slice(b"garbage\n");
    }
    s.extend_from_slice(b"4108\t.\n");
    write(d.path(), "l.txt", &s);
    let o = run(d.path(), &["ls", "--listing", "l.txt", "--listing-format", "du-b", "--no-ignore"], None);
    warns(&o, &[2, 1001]);
    assert_eq!(sent_files(&o), ["a.txt"]);
}

#[test]
fn c16_invalid_utf8_names_on_stdin() {
    let d = tmp();
    let o = run(d.path(), &["ls", "--listing", "-", "--no-ignore"], Some(b"./caf\xe9\n./ok\n"));
    clean_output(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.windows(4).any(|w| w == b"caf\xe9"), "names are printed byte for byte");
}

#[test]
fn c17_truncated_ncdu_export_warns_and_uses_the_rest() {
    let d = tmp();
    let s = b"[1,2,{\"progname\":\"ncdu\",\"progver\":\"1.18\",\"timestamp\":1},\n[{\"name\":\"/x\",\"asize\":4096},\n{\"name\":\"a\",\"asize\":12},\n{\"name\":\"b\",\"asi";
    write(d.path(), "n.json", s);
    let o = run(d.path(), &["ls", "--listing", "n.json", "--no-ignore"], None);
    clean_output(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("listing line 4:") && stderr(&o).contains("cut short"), "{}", stderr(&o));
    assert!(sent_files(&o).contains(&"a".to_string()));
}

#[test]
fn c18_sizes_that_overflow_never_show_a_panic() {
    // Two files of the largest size: the totals overflow u64. The binary may
    // report a saturated total or refuse the input, but never panic at the
    // user; a bug here must surface as `ctxlens: internal error` and exit 2.
    let d = tmp();
    write(d.path(), "l.txt", b"18446744073709551615 ./a\n18446744073709551615 ./b\n");
    let o = run(d.path(), &["--listing", "l.txt", "--no-ignore", "--json"], None);
    let e = stderr(&o);
    assert!(!e.contains("stack backtrace") && !e.contains("RUST_BACKTRACE"), "{e}");
    assert!(o.status.code() == Some(0) || (o.status.code() == Some(2) && e.starts_with("ctxlens: ")), "{e}");
}

#[test]
fn c19_deeply_nested_listing() {
    let d = tmp();
    let mut s = b"./".to_vec();
    for _ in 0..2000 {
        s.extend_from_slice(b"a/");
    }
    s.extend_from_slice(b"f\n");
    write(d.path(), "l.txt", &s);
    write(d.path(), ".dockerignore", b"**/f\n!a/**\n");
    let o = run(d.path(), &["ls", "--listing", "l.txt"], None);
    clean_output(&o);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn c20_closed_pipe_is_not_an_error() {
    let d = tmp();
    let mut s = Vec::new();
    for i in 0..50_000 {
        s.extend_from_slice(format!("./f{i}\n").as_bytes());
    }
    write(d.path(), "l.txt", &s);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ctxlens"))
        .args(["ls", "--listing", "l.txt", "--no-ignore"])
        .current_dir(d.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("runs");
    clean_output(&o);
    assert!(o.status.success(), "{}", stderr(&o));
}
