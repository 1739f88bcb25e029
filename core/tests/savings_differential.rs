//! `report::build_report`'s per-rule savings take shortcuts (no walk for a
//! rule that hit nothing, only the hit subtrees walked again). They must
//! equal the definition: the transfer without the rule minus the transfer
//! with it, evaluated in full. Checked on every conformance tree and rule
//! file, and on the real repositories.

mod support;

use std::io::Read;
use std::path::PathBuf;

use ctxlens_core::eval::{TransferOptions, transfer};
use ctxlens_core::fs::read_context;
use ctxlens_core::ignore::RuleSet;
use ctxlens_core::report::{IgnoreSource, RuleSavings, TransferReport, bounds, build_report};
use ctxlens_core::tree::{ContextTree, Entry};
use support::{Failures, jsonl, materialise};

/// Each rule's (bytes, files) saving by the definition.
fn naive(tree: &ContextTree, set: &RuleSet, follow: Option<&[String]>) -> Vec<(i64, i64)> {
    let with = |s: &RuleSet| {
        let t = transfer(tree, &TransferOptions { rules: Some(s), follow_paths: follow });
        let bytes = if tree.has_uncertainty() { bounds(tree, Some(s), &t).estimate } else { t.totals.file_bytes };
        (bytes as i64, t.totals.files as i64)
    };
    let base = with(set);
    (0..set.rules().len())
        .map(|i| {
            let mut file = set.file().clone();
            file.rules.remove(i);
            let s = RuleSet::new(file).expect("a subset of a valid set is valid");
            let w = with(&s);
            (w.0 - base.0, w.1 - base.1)
        })
        .collect()
}

fn check(f: &mut Failures, id: &str, tree: &ContextTree, set: &RuleSet, follow: Option<Vec<String>>) {
    let info = follow.as_ref().map(|p| TransferReport {
        context_used: true,
        follow_paths: Some(p.clone()),
        applied: true,
        ..TransferReport::default()
    });
    let (report, _) = build_report(tree, Some(set), IgnoreSource::Explicit, None, info);
    f.check(id, "every saving computed", report.ignore.savings_not_computed.is_empty(), || {
        format!("{:?}", report.ignore.savings_not_computed)
    });
    let want = naive(tree, set, follow.as_deref());
    for (r, w) in report.ignore.rules.iter().zip(&want) {
        f.check(id, &format!("saving of line {} `{}`", r.line, r.text), (r.saving_bytes, r.saving_files) == *w, || {
            format!("got {:?}, want {w:?}", (r.saving_bytes, r.saving_files))
        });
    }
    // One rule at a time, as the web page asks.
    let one = RuleSavings::new(tree, set, follow.as_deref());
    for (i, w) in want.iter().enumerate() {
        let got = one.saving(i);
        f.check(id, &format!("RuleSavings::saving({i})"), got == Some(*w), || format!("got {got:?}, want {w:?}"));
    }
    f.check(id, "RuleSavings::saving out of range", one.saving(want.len()).is_none(), String::new);
}

/// The path sets of `patterns.jsonl` and `random.jsonl` (sizes vary so that
/// bytes tell files apart).
#[test]
fn savings_equal_the_definition_on_pattern_corpora() {
    let mut f = Failures::default();
    let mut n = 0;
    for name in ["patterns.jsonl", "random.jsonl"] {
        for case in jsonl(name) {
            if !case["error"].is_null() {
                continue;
            }
            let id = case["id"].as_str().unwrap();
            let Ok(set) = RuleSet::parse(case["dockerignore"].as_str().unwrap().as_bytes()) else { continue };
            let mut tree = ContextTree::new();
            for (k, r) in case["results"].as_array().unwrap().iter().enumerate() {
                let p = r["path"].as_str().unwrap();
                let e = if r["dir"].as_bool().unwrap() { Entry::dir() } else { Entry::file(1 + 7 * k as u64) };
                // Probes may conflict (a file under a file): those are skipped.
                let _ = tree.insert(p.as_bytes(), e);
            }
            tree.finish();
            check(&mut f, id, &tree, &set, None);
            n += 1;
        }
    }
    assert!(n > 2000, "only {n} cases");
    f.assert_none(n);
}

/// `trees.jsonl`: real trees on disk (hard links, symlinks, FollowPaths).
#[test]
fn savings_equal_the_definition_on_conformance_trees() {
    let mut f = Failures::default();
    let cases = jsonl("trees.jsonl");
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        materialise(dir.path(), case["tree"].as_array().unwrap());
        let ctx = read_context(dir.path()).unwrap();
        let Ok(data) = std::fs::read(dir.path().join(".dockerignore")) else { continue };
        let Ok(set) = RuleSet::parse(&data) else { continue };
        let follow: Option<Vec<String>> =
            case["follow_paths"].as_array().map(|a| a.iter().map(|p| p.as_str().unwrap().to_string()).collect());
        check(&mut f, id, &ctx.tree, &set, None);
        if follow.is_some() {
            check(&mut f, &format!("{id} (follow)"), &ctx.tree, &set, follow);
        }
    }
    f.assert_none(cases.len());
}

/// Hand-made trees for the cases the shortcuts must get right: an exception
/// that hits nothing but whose removal lets the walk prune more, the `|`
/// quirk that makes a literal-looking exception match elsewhere, hard links,
/// sizes known only as bounds, and lazily failing patterns.
#[test]
fn savings_equal_the_definition_on_edge_cases() {
    let mut tree = ContextTree::new();
    for (p, size) in [
        ("a/keep/x.txt", 3u64),
        ("a/keep/y.md", 5),
        ("a/drop/z.txt", 7),
        ("b/c/d.txt", 11),
        ("b/c/e.log", 13),
        ("b/f.log", 17),
        ("docs/README.md", 19),
        ("docs/img/p.png", 23),
        ("x|y/q", 29),
        ("xq/r", 31),
        ("top.log", 37),
        ("m/y/q", 41),
    ] {
        tree.insert(p.as_bytes(), Entry::file(size)).unwrap();
    }
    tree.finish();
    let mut linked = ContextTree::new();
    for (p, g) in [("a/one", 1u64), ("b/two", 1), ("b/three", 0), ("c/four", 1)] {
        let id = linked.insert(p.as_bytes(), Entry::file(40)).unwrap();
        if g != 0 {
            linked.set_link_group(id, g);
        }
    }
    linked.finish();
    let mut rough = ContextTree::new();
    for p in ["a/keep/x", "b/c/d.txt", "docs/r.md"] {
        rough.insert(p.as_bytes(), Entry::file(10)).unwrap();
    }
    for (p, lo, hi) in [("a/keep", 100u64, 200u64), ("b", 1000, 1000), ("docs", 5, 50)] {
        let id = rough.insert(p.as_bytes(), Entry::dir()).unwrap();
        rough.set_unlisted(id, lo, hi);
    }
    rough.finish();
    let files = [
        "a\n!a/keep\n",
        "a\n!a/keep/*.md\n!nothing/here\n",
        "a\n!a/keep\n!zz*\n",
        "a\n!zz*\n",
        "a\nb\n!b/c/*.txt\n!x|y/*\n",
        "*\n!x|y/*\n!docs\n",
        "*\n!x|y/*\n!zz*\n",
        "**/*.log\n!b/*.log\nb\n!b/c\n",
        "docs\n!docs/README.md\n**/*.md\n",
        "**\n!**/*.txt\n",
        "b\n[z-a]\n!b/c\n",
        "b/c\n!b/c/[z-a]\n",
        "a\n!a/*\na/drop\n",
        "**/*.log\n!top.log\n!top.log\n",
    ];
    let mut f = Failures::default();
    for (k, text) in files.iter().enumerate() {
        let set = RuleSet::parse(text.as_bytes()).unwrap();
        check(&mut f, &format!("file {k}"), &tree, &set, None);
        check(&mut f, &format!("file {k} (follow)"), &tree, &set, Some(vec!["b".into(), "docs/img".into()]));
        check(&mut f, &format!("file {k} (links)"), &linked, &set, None);
        check(&mut f, &format!("file {k} (bounds)"), &rough, &set, None);
    }
    f.assert_none(files.len() * 4);
}

fn gunzip(path: &std::path::Path) -> Vec<u8> {
    let file = std::fs::File::open(path).unwrap();
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(file).read_to_end(&mut out).unwrap();
    out
}

/// The real repositories of `fixtures/realworld/`, with their untracked overlay.
#[test]
fn savings_equal_the_definition_on_real_repositories() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realworld");
    let mut repos: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("listing.tsv.gz").exists())
        .collect();
    repos.sort();
    let mut f = Failures::default();
    for repo in &repos {
        let id = repo.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(set) = RuleSet::parse(&std::fs::read(repo.join(".dockerignore")).unwrap()) else { continue };
        let mut tree = ContextTree::new();
        for name in ["listing.tsv.gz", "overlay_untracked.tsv.gz"] {
            for row in gunzip(&repo.join(name)).split(|&b| b == b'\n') {
                let cols: Vec<&[u8]> = row.splitn(3, |&b| b == b'\t').collect();
                if row.starts_with(b"#") || cols.len() != 3 {
                    continue;
                }
                let size: u64 = std::str::from_utf8(cols[1]).unwrap().parse().unwrap();
                let e = match cols[0] {
                    b"120000/blob" => Entry::symlink(b"x".to_vec()),
                    b"160000/commit" => Entry::dir(),
                    _ => Entry::file(size),
                };
                let _ = tree.insert(cols[2], e);
            }
        }
        tree.finish();
        check(&mut f, &id, &tree, &set, None);
    }
    f.assert_none(repos.len());
}
