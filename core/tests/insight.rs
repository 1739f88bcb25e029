//! Each lint and suggestion of `ctxlens_core::insight` on small trees.
//! Every run also checks each suggestion's saving against an independent
//! edit of the ignore text (see `insight_support::check_saving`).

mod insight_support;

use ctxlens_core::ignore::{IgnoreFile, RuleSet};
use ctxlens_core::insight::{Action, CODES, Severity, file_lints};
use insight_support::{codes, lint, lints, run, run_with, suggestion, tree};

const K64: u64 = 64 * 1024;

// ---------------------------------------------------------------- root_only

#[test]
fn root_only_pattern_with_nested_matches() {
    let t = tree(&[
        ("node_modules/a/index.js", 50_000),
        ("web/node_modules/b/index.js", 70_000),
        ("api/node_modules/c/index.js", 30_000),
        ("api/node_modules/c/node_modules/d.js", 5_000),
        ("src/main.js", 100),
    ]);
    let r = run(&t, "node_modules\n", None);
    let l = lint(&r.insight, "root_only").expect("root_only");
    assert_eq!(l.line, Some(1));
    assert_eq!(l.severity, Severity::Warning);
    assert_eq!(l.path_count, 2, "the nested chain counts once");
    assert_eq!(l.bytes, 105_000);
    assert!(
        l.message.starts_with(
            "2 nested `node_modules` directories (105.0 kB) are still sent — did you mean `**/node_modules`?"
        ),
        "{}",
        l.message
    );
    assert_eq!(l.paths, ["web/node_modules/", "api/node_modules/"]);
    let fix = l.fix.as_ref().unwrap();
    assert_eq!((fix.action, fix.line, fix.text.as_str()), (Action::Replace, Some(1), "**/node_modules"));
    let s = suggestion(&r.insight, "**/node_modules").expect("fix suggestion");
    assert_eq!(s.saving_bytes, Some(105_000));
    assert_eq!(s.saving_files, Some(3));
}

#[test]
fn root_only_sample_is_biggest_first() {
    let t = tree(&[("web/node_modules/b.js", 70_000), ("api/node_modules/c.js", 30_000), ("x.js", 1)]);
    let r = run(&t, "node_modules\n", None);
    let l = lint(&r.insight, "root_only").unwrap();
    assert_eq!(l.paths, ["web/node_modules/", "api/node_modules/"]);
}

#[test]
fn root_only_file_patterns_of_the_rca() {
    let t = tree(&[
        ("coverage.out", 200_000),
        ("svc/a/coverage.out", 80_000),
        ("svc/b/b.test", 3_000_000),
        ("svc/b/main.go", 500),
    ]);
    let r = run(&t, "coverage*.out\n*.test\n", None);
    let found = lints(&r.insight, "root_only");
    assert_eq!(found.len(), 2, "{:?}", codes(&r.insight));
    assert!(found[0].message.contains("did you mean `**/coverage*.out`"));
    assert!(
        found[1].message.starts_with("1 deeper path matching `*.test` (3.0 MB) is still sent"),
        "{}",
        found[1].message
    );
}

#[test]
fn root_only_stays_quiet_when_meant_or_small() {
    // Anchored, re-included on purpose, tiny, inside other junk, or not junk at all.
    let t = tree(&[
        ("a/node_modules/x.js", K64 * 2),
        ("keep/node_modules/x.js", K64 * 2),
        ("b/dist/x.js", 10),
        ("web/node_modules/pkg/dist/x.js", K64 * 4),
        ("docs/static/big.png", 50_000_000),
    ]);
    let r = run(&t, "/node_modules\n", None);
    assert!(lint(&r.insight, "root_only").is_none(), "{:?}", r.insight.lints);
    let r = run(&t, "*\n!a\n!keep\n!b\n!web\n!docs\nnode_modules\n", None);
    assert!(lint(&r.insight, "root_only").is_none(), "{:?}", r.insight.lints);
    let r = run(&t, "**/node_modules\ndist\nstatic\n", None);
    assert!(lint(&r.insight, "root_only").is_none(), "{:?}", r.insight.lints);
}

// ------------------------------------------------------- dead and shadowed

#[test]
fn dead_rules_name_typos_but_not_precautions() {
    let t = tree(&[("src/main.go", 10), ("docs/a.md", 10)]);
    let r = run(&t, "src/fronted/dist\n.DS_Store\nnode_modules\n*.log\n!docs/b.md\n", None);
    let dead = lints(&r.insight, "dead_rule");
    assert_eq!(dead.iter().map(|l| l.line.unwrap()).collect::<Vec<_>>(), [1, 5]);
    assert!(dead[0].message.contains("`src/fronted` does not exist here (a typo?)"), "{}", dead[0].message);
    assert!(dead.iter().all(|l| l.severity == Severity::Info));
    assert!(dead[1].message.contains("re-includes nothing"));
    assert_eq!(dead[0].fix.as_ref().unwrap().action, Action::Remove);
}

#[test]
fn shadowed_rules_and_the_keep_idiom() {
    let t = tree(&[("build/out.bin", 1000), ("pkg/build/out.bin", 1000), ("log/.keep", 0), ("src/a.go", 10)]);
    let r = run(&t, "build\n**/build\nlog/*\n!log/.keep\n", None);
    let sh = lints(&r.insight, "shadowed_rule");
    assert_eq!(sh.len(), 1, "{:?}", r.insight.lints);
    assert_eq!(sh[0].line, Some(1));
    assert!(sh[0].message.contains("also excluded by line 2 (`**/build`)"), "{}", sh[0].message);
}

#[test]
fn mutual_duplicates_report_one_of_them() {
    let t = tree(&[("node_modules/x.js", 10), ("a.js", 1)]);
    let r = run(&t, "/node_modules\n**/node_modules\n", None);
    let sh = lints(&r.insight, "shadowed_rule");
    assert_eq!(sh.len(), 1, "{:?}", r.insight.lints);
    assert_eq!(sh[0].line, Some(1), "the narrower, earlier duplicate goes");
}

#[test]
fn needless_exception_after_a_root_only_rule() {
    // thanos: `data/` only matches at the root, so `!website/data` undoes nothing.
    let t = tree(&[("data/x", 10), ("website/data/a.yml", 10)]);
    let r = run(&t, "data/\n!website/data\n", None);
    let l = lints(&r.insight, "shadowed_rule").into_iter().find(|l| l.line == Some(2)).expect("lint");
    assert!(l.message.contains("`data/` on line 1 only matches at the context root"), "{}", l.message);
}

// -------------------------------------------------- exceptions that fail

#[test]
fn exception_pruned_by_the_star_star_quirk() {
    let t = tree(&[("dist/a/app.js", 3000), ("dist/a/lib/x.js", 1000), ("dist/top.js", 5), ("src/m.js", 1)]);
    let r = run(&t, "dist\n!dist/*/**\n", None);
    let l = lint(&r.insight, "exception_pruned").expect("lint");
    assert_eq!(l.line, Some(2));
    assert_eq!((l.path_count, l.bytes), (2, 4000));
    assert!(l.message.contains("reads this one as `dist`"), "{}", l.message);
    assert!(l.message.contains("`dist/a/`"), "{}", l.message);
    let fix = l.fix.as_ref().expect("fix");
    assert_eq!(fix.text, "!dist/*/**/*");
    let s = suggestion(&r.insight, "!dist/*/**/*").unwrap();
    assert_eq!((s.saving_bytes, s.saving_files), (Some(-4000), Some(-2)), "the fix sends them");
}

#[test]
fn exception_before_the_rule_it_should_undo() {
    let t = tree(&[("README.md", 700), ("CHANGES.md", 300), ("main.go", 10)]);
    let r = run(&t, "!README.md\n*.md\n", None);
    let l = lint(&r.insight, "exception_before_rule").expect("lint");
    assert_eq!(l.line, Some(1));
    assert!(l.message.contains("comes before line 2 (`*.md`)"), "{}", l.message);
    let fix = l.fix.as_ref().unwrap();
    assert_eq!((fix.action, fix.line, fix.after), (Action::MoveAfter, Some(1), Some(2)));
    let s = r.insight.suggestions.iter().find(|s| s.kind == "exception_fix").unwrap();
    assert_eq!(s.saving_bytes, Some(-700));
    // In the right order nothing is said.
    let r = run(&t, "*.md\n!README.md\n", None);
    assert!(lint(&r.insight, "exception_before_rule").is_none());
}

#[test]
fn exception_never_consulted_below_a_parent() {
    // `a/b` + `!a`: the walk keeps a/b excluded (SEMANTICS §4).
    let t = tree(&[("a/b/x", 100), ("a/c", 1)]);
    let r = run(&t, "a/b\n!a\n", None);
    let l = lint(&r.insight, "exception_unreachable").expect("lint");
    assert_eq!(l.line, Some(2));
    assert_eq!(l.paths, ["a/b/"]);
    assert_eq!(l.bytes, 100);
}

#[test]
fn repeated_rule_does_not_exclude_again() {
    // `a` + `!a/b` + `a`: a/b is sent (SEMANTICS §4).
    let t = tree(&[("a/b/x", 100), ("a/c", 1)]);
    let r = run(&t, "a\n!a/b\na\n", None);
    let l = lint(&r.insight, "reexclude_ignored").expect("lint");
    assert_eq!(l.line, Some(3));
    assert_eq!(l.bytes, 100);
}

// ----------------------------------------------------------------- habits

#[test]
fn brace_alternatives_are_not_expanded() {
    let t = tree(&[("a.js", 100), ("b.ts", 200), ("c.go", 1)]);
    let r = run(&t, "*.{js,ts}\n", None);
    let l = lint(&r.insight, "brace_expansion").expect("lint");
    assert!(l.message.contains("not `*.js` or `*.ts`"), "{}", l.message);
    assert!(l.message.contains("here it matches nothing"), "{}", l.message);
    assert!(l.message.contains("the fix sends 300 B less (2 files fewer)"), "{}", l.message);
    assert_eq!(l.fix.as_ref().unwrap().text, "*.js\n*.ts");
    assert!(suggestion(&r.insight, "*.js\n*.ts").is_some());
}

#[test]
fn braces_are_literal_unless_they_are_a_repetition() {
    // In Docker `*.{js,ts}` is a regexp whose `{js,ts}` Go reads literally.
    let t = tree(&[("x.{js,ts}", 10), ("a.js", 100), ("f1.txt", 1), ("f11.txt", 1)]);
    let r = run(&t, "*.{js,ts}\nf*{1,2}.txt\n", None);
    let l = lint(&r.insight, "brace_expansion").unwrap();
    assert!(l.message.contains("here it matches 1 path (10 B)"), "{}", l.message);
    let l = lint(&r.insight, "regexp_syntax").unwrap();
    assert_eq!(l.line, Some(2));
    assert!(l.message.contains("repetition"), "{}", l.message);
}

#[test]
fn without_an_ignore_file() {
    use ctxlens_core::eval::{TransferOptions, transfer};
    use ctxlens_core::insight::{Input, insight};
    let t = tree(&[(".git/HEAD", 100), ("node_modules/x.js", 5_000), (".env", 10), ("src/a.js", 1)]);
    let base = transfer(&t, &TransferOptions::default());
    let i = insight(&Input::new(&t, None, &base));
    assert_eq!(codes(&i), ["secret"]);
    assert_eq!(i.suggestions[0].kind, "bundle");
    assert_eq!(i.suggestions[0].saving_bytes, Some(5_110));
}

#[test]
fn regexp_syntax_leaks_through() {
    let t = tree(&[("aa.txt", 1), ("x.js", 1), ("deep/y.ts", 1)]);
    let r = run(&t, "a{2}*\n*.js|*.ts\n", None);
    let found = lints(&r.insight, "regexp_syntax");
    assert_eq!(found.len(), 2);
    assert!(found[0].message.contains("repetition"));
    assert!(found[1].message.contains("alternation"));
    // `*.js|*.ts` really matches deep/y.ts in Docker: the lint says so with numbers.
    assert!(found[1].message.contains("matches 2 paths"), "{}", found[1].message);
}

#[test]
fn bang_class_is_not_negation() {
    let t = tree(&[("!x", 1), ("a", 10), ("b", 20)]);
    let r = run(&t, "[!a]\n", None);
    let l = lint(&r.insight, "bang_class").expect("lint");
    assert_eq!(l.fix.as_ref().unwrap().text, "[^a]");
    assert!(l.message.contains("here it matches 1 path (10 B)"), "{}", l.message);
    assert!(l.message.contains("the fix sends 10 B less (as many files)"), "{}", l.message);
}

#[test]
fn hash_is_a_comment_only_in_column_zero() {
    let t = tree(&[("node_modules/x", 5000), ("# note", 1)]);
    let r = run(&t, "  # note\nnode_modules # deps\n", None);
    let found = lints(&r.insight, "inline_comment");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].fix.as_ref().unwrap().text, "# note");
    assert_eq!(found[1].fix.as_ref().unwrap().text, "node_modules");
    assert!(found[1].message.contains("the fix sends 5.0 kB less (1 file fewer)"), "{}", found[1].message);
}

#[test]
fn paths_outside_or_absolute_or_with_backslashes() {
    let t = tree(&[("dir/sub/x", 10), ("node_modules/y", 1)]);
    let r = run(&t, "../secret\n/home/me/app/node_modules\ndir\\sub\n/\n", None);
    assert_eq!(lint(&r.insight, "outside_context").unwrap().line, Some(1));
    assert_eq!(lint(&r.insight, "absolute_path").unwrap().line, Some(2));
    let b = lint(&r.insight, "backslash_separator").unwrap();
    assert_eq!(b.fix.as_ref().unwrap().text, "dir/sub");
    assert!(b.message.contains("`\\s` here"), "{}", b.message);
    assert_eq!(lint(&r.insight, "never_matches").unwrap().line, Some(4));
}

#[test]
fn caret_after_a_literal_never_matches() {
    let t = tree(&[("a^b", 1)]);
    let r = run(&t, "a^b*\n", None);
    assert!(lint(&r.insight, "never_matches").is_some());
}

#[test]
fn escaped_trailing_space_rejects_the_file() {
    let text = b"build\nfoo\\ \n";
    assert!(RuleSet::parse(text).is_err(), "Docker rejects it");
    let l = file_lints(&IgnoreFile::parse(text).unwrap());
    assert_eq!(l.len(), 1);
    assert_eq!((l[0].code, l[0].severity, l[0].line), ("escaped_space", Severity::Error, Some(2)));
    let fixed = l[0].fix.as_ref().unwrap().text.clone();
    assert_eq!(fixed, "foo[ ]");
    let set = RuleSet::parse(format!("build\n{fixed}\n").as_bytes()).unwrap();
    assert!(set.verdict(b"foo ", None).unwrap().excluded);
}

#[test]
fn bad_patterns_name_their_line() {
    let l = file_lints(&IgnoreFile::parse(b"ok\n[\n").unwrap());
    assert_eq!((l[0].code, l[0].line), ("bad_pattern", Some(2)));
}

// ------------------------------------------------------------- lazy errors

#[test]
fn lazy_regexp_errors() {
    let t = tree(&[("a", 1), ("b", 1)]);
    // A normal rule is consulted at once: the build fails.
    let r = run(&t, "[z-a]\n", None);
    let l = lint(&r.insight, "lazy_error").unwrap();
    assert_eq!(l.severity, Severity::Error);
    assert_eq!(l.paths, ["a"]);
    assert!(r.insight.suggestions.is_empty(), "no savings against a failing transfer");
    // An exception is only consulted for excluded paths: nothing reaches it here.
    let r = run(&t, "zzz\n![z-a]\n", None);
    let l = lint(&r.insight, "lazy_error").unwrap();
    assert_eq!(l.severity, Severity::Warning);
    assert!(l.message.contains("no path in this input reaches it yet"));
}

// ---------------------------------------------------------- the Dockerfile

#[test]
fn copy_source_excluded_or_partial_with_exceptions_counted() {
    let t = tree(&[
        ("config.json", 100),
        ("src/a.go", 1000),
        ("src/a.test", 5000),
        ("assets/logo.png", 300),
        ("keep.json", 7),
    ]);
    let df = "FROM scratch\nCOPY config.json /etc/\nCOPY src/ /src/\nCOPY assets /assets\nCOPY keep.json /\n";
    let r = run(&t, "*.json\n!keep.json\nsrc/*.test\nassets\n", Some(df));
    let ex = lints(&r.insight, "copy_source_excluded");
    assert_eq!(ex.len(), 2, "{:?}", r.insight.lints);
    assert_eq!((ex[0].line, ex[0].dockerfile_line), (Some(1), Some(2)));
    assert!(ex[0].message.contains("source not found"), "{}", ex[0].message);
    assert_eq!((ex[1].line, ex[1].dockerfile_line), (Some(4), Some(4)));
    let part = lint(&r.insight, "copy_source_partial").unwrap();
    assert_eq!((part.line, part.dockerfile_line, part.bytes), (Some(3), Some(3), 5000));
    assert_eq!(part.severity, Severity::Info);
    // keep.json is re-included: no lint for line 5.
    assert!(r.insight.lints.iter().all(|l| l.dockerfile_line != Some(5)));
}

#[test]
fn secrets_in_the_context() {
    let t = tree(&[
        (".env", 60),
        (".env.example", 50),
        ("app/.env.local", 40),
        ("deploy/id_rsa", 1600),
        ("home/.aws/credentials", 100),
        ("test/fixtures/server.key", 900),
        (".npmrc", 30),
        ("kept/.env", 10),
        ("main.go", 1),
    ]);
    let r = run(&t, "kept/*\n!kept/.env\n", None);
    let s = lints(&r.insight, "secret");
    let msgs: Vec<&str> = s.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(s.len(), 5, "{msgs:#?}");
    let env = s.iter().find(|l| l.message.starts_with("1 env file is")).unwrap();
    assert_eq!(env.paths, [".env"], "templates, test keys and re-included files are left alone");
    let npm = s.iter().find(|l| l.paths == [".npmrc"]).unwrap_or_else(|| panic!("{msgs:#?}"));
    assert_eq!(npm.severity, Severity::Info);
    assert!(suggestion(&r.insight, "**/.env").is_some());
    assert!(suggestion(&r.insight, "**/id_rsa").is_some());
}

#[test]
fn secrets_the_dockerfile_copies_by_name_are_not_flagged() {
    let t = tree(&[("certs/server.key", 900), ("a.go", 1)]);
    let r = run(&t, "", Some("FROM scratch\nCOPY certs/server.key /etc/\n"));
    assert!(lint(&r.insight, "secret").is_none());
}

// ------------------------------------------------------------- suggestions

#[test]
fn junk_catalogue_with_measured_savings() {
    let t = tree(&[
        (".git/objects/pack/p.pack", 9_000_000),
        ("web/node_modules/react/index.js", 400_000),
        ("target/debug/app", 20_000_000),
        ("py/__pycache__/m.pyc", 3_000),
        ("svc/svc.test", 7_000_000),
        ("test-results/run.xml", 50_000),
        ("src/main.rs", 1_000),
    ]);
    let r = run(&t, "", None);
    for (rule, bytes) in [
        (".git/", 9_000_000),
        ("**/node_modules", 400_000),
        ("target/", 20_000_000),
        ("**/__pycache__", 3_000),
        ("**/*.test", 7_000_000),
        ("test-results/", 50_000),
    ] {
        let s = suggestion(&r.insight, rule).unwrap_or_else(|| panic!("{rule}: {:#?}", r.insight.suggestions));
        assert_eq!(s.kind, "junk");
        assert_eq!(s.saving_bytes, Some(bytes), "{rule}");
    }
    let b = r.insight.suggestions.first().unwrap();
    assert_eq!(b.kind, "bundle");
    assert_eq!(b.saving_bytes, Some(36_453_000));
}

#[test]
fn junk_the_dockerfile_needs_is_not_proposed() {
    let t = tree(&[("dist/index.html", 5_000), ("dist/app.js", 90_000), ("src/app.ts", 100)]);
    let r = run(&t, "", Some("FROM nginx\nCOPY dist/ /usr/share/nginx/html/\n"));
    assert!(suggestion(&r.insight, "dist/").is_none(), "{:#?}", r.insight.suggestions);
}

#[test]
fn biggest_things_the_dockerfile_never_copies() {
    let t = tree(&[
        ("data/dump.sql", 80_000_000),
        ("media/video.mp4", 30_000_000),
        ("app/main.py", 2_000),
        ("app/big.bin", 10_000_000),
    ]);
    let r = run(&t, "", Some("FROM python\nCOPY app/ /app/\n"));
    let big: Vec<_> = r.insight.suggestions.iter().filter(|s| s.kind == "biggest").collect();
    let rules: Vec<&str> = big.iter().map(|s| s.rule.as_str()).collect();
    assert!(rules.contains(&"data/") && rules.contains(&"media/"), "{rules:?}");
    assert!(!rules.iter().any(|r| r.starts_with("app")), "the Dockerfile copies app/: {rules:?}");
    assert!(big[0].reason.contains("the Dockerfile never copies it"));
}

#[test]
fn allow_list_from_the_dockerfile_is_verified() {
    let t = tree(&[
        ("go.mod", 100),
        ("go.sum", 200),
        ("cmd/api/main.go", 1_000),
        ("current -> releases/v2", 0),
        ("releases/v2/conf.yaml", 50),
        ("releases/v1/conf.yaml", 50),
        ("docs/big.pdf", 5_000_000),
        ("cmd/api/api.test", 3_000_000),
    ]);
    let df =
        "FROM golang\nCOPY go.mod go.sum ./\nCOPY cmd/api ./cmd/api\nCOPY current/ /etc/app/\nRUN go build ./cmd/api\n";
    let r = run(&t, "**/*.test\n", Some(df));
    let s = r.insight.suggestions.iter().find(|s| s.kind == "allow_list").expect("allow-list");
    assert_eq!(s.edit.action, Action::ReplaceFile);
    let lines: Vec<&str> = s.rule.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines, ["*", "!cmd/api", "!current", "!go.mod", "!go.sum", "!releases/v2", "**/*.test"]);
    // Independently: every file the COPYs read is still sent, v1 and docs are not.
    let set = RuleSet::parse(s.rule.as_bytes()).unwrap();
    let after = ctxlens_core::eval::transfer(
        &t,
        &ctxlens_core::eval::TransferOptions { rules: Some(&set), follow_paths: None },
    );
    let sent: Vec<String> = after
        .entries
        .iter()
        .filter(|e| t.kind(e.node) != ctxlens_core::tree::EntryKind::Dir)
        .map(|e| String::from_utf8(t.path(e.node)).unwrap())
        .collect();
    assert_eq!(sent, ["cmd/api/main.go", "current", "go.mod", "go.sum", "releases/v2/conf.yaml"]);
    assert_eq!(s.projected_bytes, Some(1_350));
}

#[test]
fn buildkit_follow_paths_and_a_narrower_context() {
    let t = tree(&[
        ("services/api/main.go", 1_000),
        ("services/api/go.mod", 100),
        ("services/web/big.js", 4_000_000),
        ("fixtures/dump.sql", 9_000_000),
    ]);
    let df = "FROM golang\nWORKDIR /src\nCOPY services/api/go.mod ./\nRUN go mod download\nCOPY services/api/ ./\nRUN go build -o /app .\n";
    let r = run(&t, "", Some(df));
    let f = r.insight.suggestions.iter().find(|s| s.kind == "follow_paths").expect("follow_paths");
    assert_eq!(f.saving_bytes, Some(13_000_000));
    let n = r.insight.suggestions.iter().find(|s| s.kind == "narrower_context").expect("narrower");
    assert_eq!(n.rule, "docker build services/api");
    assert_eq!((n.saving_bytes, n.projected_bytes), (Some(13_000_000), Some(1_100)));
    let c: Vec<_> = r.insight.suggestions.iter().filter(|s| s.kind == "cache_mount").collect();
    assert_eq!(c.len(), 2);
    assert_eq!(c.iter().map(|s| s.dockerfile_line).collect::<Vec<_>>(), [Some(4), Some(6)]);
    assert_eq!(c[0].rule, "RUN --mount=type=cache,target=/go/pkg/mod go mod download");
    assert!(c[1].rule.contains("--mount=type=cache,target=/root/.cache/go-build"));
    assert_eq!(c[0].saving_bytes, None);
    // With FollowPaths applied (`--copy-only`) there is nothing left to save that way.
    let r = run_with(&t, "", Some(df), true);
    assert!(r.insight.suggestions.iter().all(|s| s.kind != "follow_paths"));
}

#[test]
fn cache_mounts_already_there_are_not_proposed_again() {
    let t = tree(&[("package.json", 100), ("node_modules/x/i.js", 2_000_000)]);
    let df = "FROM node\nCOPY package.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci\n";
    let r = run(&t, "", Some(df));
    assert!(r.insight.suggestions.iter().all(|s| s.kind != "cache_mount"), "{:#?}", r.insight.suggestions);
    let df = "FROM node\nCOPY package.json ./\nRUN npm ci\nRUN yarn\nRUN yarn build\n";
    let r = run(&t, "", Some(df));
    let c: Vec<_> = r.insight.suggestions.iter().filter(|s| s.kind == "cache_mount").collect();
    assert_eq!(c.len(), 2, "npm ci and a bare yarn install, not yarn build: {c:#?}");
    assert!(c[0].reason.contains("node_modules directory holds 2.0 MB"), "{}", c[0].reason);
    assert_eq!(c[1].rule, "RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn");
}

// ------------------------------------------------------------------ shape

#[test]
fn every_code_is_documented_and_json_has_the_issue_fields() {
    let t = tree(&[("node_modules/x", 1), ("a/node_modules/y", K64 * 2), (".env", 1)]);
    let r = run(&t, "node_modules\n*.{a,b}\n", None);
    for l in &r.insight.lints {
        assert!(CODES.iter().any(|(c, _)| *c == l.code), "{} undocumented", l.code);
    }
    let v = serde_json::to_value(&r.insight).unwrap();
    for key in ["line", "code", "message", "paths", "bytes"] {
        assert!(v["lints"][0].get(key).is_some(), "lints[].{key}");
    }
    for key in ["rule", "saving_bytes", "saving_files", "reason"] {
        assert!(v["suggestions"][0].get(key).is_some(), "suggestions[].{key}");
    }
}
