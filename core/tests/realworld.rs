//! The 33 real repositories of `fixtures/realworld/` (golden results from
//! BuildKit's own client walk): for each, the tracked listing alone and the
//! listing plus its synthetic untracked overlay, evaluated with the repo's
//! own `.dockerignore`. The files and symlinks sent, the directories sent and
//! the file bytes must equal the golden results exactly.

use std::io::Read;
use std::path::{Path, PathBuf};

use ctxlens_core::eval::{SentKind, TransferOptions, transfer};
use ctxlens_core::ignore::RuleSet;
use ctxlens_core::tree::{ContextTree, Entry};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realworld")
}

fn gunzip(path: &Path) -> Vec<u8> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file).read_to_end(&mut out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    out
}

fn lines(data: &[u8]) -> Vec<Vec<u8>> {
    data.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(<[u8]>::to_vec).collect()
}

/// Adds the rows of a `#mode/type<TAB>size<TAB>path` listing to `tree`.
/// `100644/blob`/`100755/blob` are files, `120000/blob` symlinks (their
/// targets are not in the listing: a placeholder of the listed length stands
/// in, which is all the walk needs), `160000/commit` submodules, which are
/// empty directories in a checkout.
fn add_listing(tree: &mut ContextTree, data: &[u8], what: &str) {
    for (i, row) in data.split(|&b| b == b'\n').enumerate() {
        if row.is_empty() || row.starts_with(b"#") {
            continue;
        }
        let cols: Vec<&[u8]> = row.splitn(3, |&b| b == b'\t').collect();
        assert_eq!(cols.len(), 3, "{what} line {}: expected 3 columns", i + 1);
        let size: u64 = std::str::from_utf8(cols[1]).unwrap().parse().unwrap();
        let entry = match cols[0] {
            b"100644/blob" => Entry::file(size).with_mode(0o644),
            b"100755/blob" => Entry::file(size).with_mode(0o755),
            b"120000/blob" => Entry::symlink(vec![b'x'; size as usize]),
            b"160000/commit" => Entry::dir(),
            other => panic!("{what} line {}: unknown mode/type {}", i + 1, String::from_utf8_lossy(other)),
        };
        tree.insert(cols[2], entry).unwrap_or_else(|e| panic!("{what} line {}: {e}", i + 1));
    }
}

struct Outcome {
    included: Vec<Vec<u8>>,
    dirs: Vec<Vec<u8>>,
    file_bytes: u64,
    error: Option<String>,
}

fn run(tree: &ContextTree, rules: &RuleSet) -> Outcome {
    let t = transfer(tree, &TransferOptions { rules: Some(rules), follow_paths: None });
    let mut included = Vec::new();
    let mut dirs = Vec::new();
    for e in &t.entries {
        match e.kind {
            SentKind::Dir => dirs.push(tree.path(e.node)),
            SentKind::File | SentKind::Symlink | SentKind::Hardlink { .. } | SentKind::Other => {
                included.push(tree.path(e.node));
            }
        }
    }
    included.sort();
    dirs.sort();
    Outcome { included, dirs, file_bytes: t.totals.file_bytes, error: t.error.map(|e| e.to_string()) }
}

fn diff(expected: &[Vec<u8>], got: &[Vec<u8>]) -> String {
    let e: std::collections::BTreeSet<&Vec<u8>> = expected.iter().collect();
    let g: std::collections::BTreeSet<&Vec<u8>> = got.iter().collect();
    let missing: Vec<String> = e.difference(&g).take(5).map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    let extra: Vec<String> = g.difference(&e).take(5).map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    format!(
        "expected {}, got {}; missing {:?}{}; extra {:?}{}",
        expected.len(),
        got.len(),
        missing,
        if e.difference(&g).count() > 5 { " …" } else { "" },
        extra,
        if g.difference(&e).count() > 5 { " …" } else { "" }
    )
}

#[test]
fn realworld_repositories_match_buildkit() {
    let mut repos: Vec<PathBuf> = std::fs::read_dir(root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("listing.tsv.gz").exists())
        .collect();
    repos.sort();
    assert_eq!(repos.len(), 33, "the corpus holds 33 repositories");

    let mut failures: Vec<String> = Vec::new();
    let mut checks = 0usize;
    for repo in &repos {
        let name = repo.file_name().unwrap().to_string_lossy().into_owned();
        let ignore = std::fs::read(repo.join(".dockerignore")).unwrap();
        let rules = match RuleSet::parse(&ignore) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: .dockerignore rejected: {e}"));
                continue;
            }
        };
        let listing = gunzip(&repo.join("listing.tsv.gz"));
        for overlay in [false, true] {
            let suffix = if overlay { "_with_overlay" } else { "" };
            let id = format!("{name}{}", if overlay { " (+overlay)" } else { "" });
            let mut tree = ContextTree::new();
            add_listing(&mut tree, &listing, &format!("{name}/listing.tsv"));
            if overlay {
                add_listing(&mut tree, &gunzip(&repo.join("overlay_untracked.tsv.gz")), &format!("{name}/overlay"));
            }
            tree.finish();
            let expected: Value =
                serde_json::from_slice(&std::fs::read(repo.join(format!("expected{suffix}.json"))).unwrap()).unwrap();
            let want_included = lines(&gunzip(&repo.join(format!("expected_included{suffix}.txt.gz"))));
            let want_dirs = lines(&gunzip(&repo.join(format!("expected_dirs{suffix}.txt.gz"))));
            let got = run(&tree, &rules);
            checks += 4;
            if got.error.is_some() == expected["error"].is_null() {
                failures.push(format!("{id}: error {:?}, expected {}", got.error, expected["error"]));
            }
            if got.included != want_included {
                failures.push(format!("{id}: files and symlinks sent: {}", diff(&want_included, &got.included)));
            }
            if got.dirs != want_dirs {
                failures.push(format!("{id}: directories sent: {}", diff(&want_dirs, &got.dirs)));
            }
            let want_bytes = expected["included_file_bytes"].as_u64().unwrap();
            if got.file_bytes != want_bytes {
                failures.push(format!("{id}: file bytes {}, expected {want_bytes}", got.file_bytes));
            }
            let want_total = expected["included_total"].as_u64().unwrap();
            if got.included.len() as u64 != want_total {
                failures.push(format!("{id}: {} files+symlinks, expected.json says {want_total}", got.included.len()));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checks} checks failed:\n{}", failures.len(), failures.join("\n"));
}
