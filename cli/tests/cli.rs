//! End-to-end behaviour of the binary on real temporary trees and listings.

use std::path::Path;
use std::process::{Command, Output};

fn ctxlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ctxlens")).args(args).env("NO_COLOR", "1").output().expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(root: &Path, path: &str, data: &[u8]) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
}

const IGNORE: &[u8] = b"# artefacts\naudit-results/\n*.test\ncoverage*.out\n";
const DOCKERFILE: &[u8] = b"FROM golang:1.22\nCOPY go.mod go.sum ./\nCOPY services ./services\n";

/// A small Go monorepo like the one in the motivating RCA.
fn monorepo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(r, ".dockerignore", IGNORE);
    write(r, "Dockerfile", DOCKERFILE);
    write(r, "go.mod", b"module x\n");
    write(r, "go.sum", b"");
    write(r, "app.test", &[0; 5000]);
    write(r, "coverage.out", &[0; 300]);
    write(r, "audit-results/report.json", &[0; 20000]);
    write(r, "services/auth/main.go", &[0; 100]);
    write(r, "services/auth/auth.test", &[0; 9000]);
    d
}

#[test]
fn summary_json_has_totals_rules_and_transfer() {
    let d = monorepo();
    let o = ctxlens(&[d.path().to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // Sent: .dockerignore, Dockerfile, go.mod (9), go.sum (0), main.go (100), auth.test (9000).
    assert_eq!(v["context"]["bytes"], IGNORE.len() + DOCKERFILE.len() + 9 + 100 + 9000);
    assert_eq!(v["context"]["files"], 6);
    assert_eq!(v["excluded"]["bytes"], 5000 + 300 + 20000);
    assert_eq!(v["ignore"]["source"], "context");
    let rules = v["ignore"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 3);
    assert_eq!(rules[0]["line"], 2);
    assert_eq!(rules[0]["saving_bytes"], 20000);
    assert_eq!(rules[1]["saving_bytes"], 5000);
    assert_eq!(v["transfer"]["context_used"], true);
}

#[test]
fn explain_says_why_a_nested_test_binary_is_still_sent() {
    let d = monorepo();
    let o = ctxlens(&[
        "explain",
        "-C",
        d.path().to_str().unwrap(),
        "services/auth/auth.test",
        "app.test",
        "audit-results/report.json",
        "nope",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("services/auth/auth.test  sent"), "{out}");
    assert!(out.contains("`*.test` (line 3) matches `auth.test` only at the context root"), "{out}");
    assert!(out.contains("`**/*.test` would exclude this path"), "{out}");
    assert!(out.contains("app.test  excluded") && out.contains("excluded by `*.test` (line 3)"), "{out}");
    assert!(
        out.contains(
            "its directory `audit-results` is excluded by `audit-results/` (line 2) and Docker does not enter it"
        ),
        "{out}"
    );
    assert!(out.contains("`nope` is not in the context"), "{out}");
}

#[test]
fn ls_excluded_lists_what_is_left_out() {
    let d = monorepo();
    let o = ctxlens(&["ls", "--excluded", d.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "app.test\naudit-results/\ncoverage.out\n");
}

#[test]
fn copy_only_restricts_to_the_dockerfile_sources() {
    let d = monorepo();
    let o = ctxlens(&["ls", "--copy-only", d.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "go.mod\ngo.sum\nservices/\nservices/auth/\nservices/auth/auth.test\nservices/auth/main.go\n"
    );
}

#[test]
fn max_size_gates_ci_with_exit_1_and_names_contributors() {
    let d = monorepo();
    let o = ctxlens(&[d.path().to_str().unwrap(), "--max-size", "5kB"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("over the budget of 5.0 kB"), "{}", stderr(&o));
    assert!(stderr(&o).contains("services/"), "{}", stderr(&o));
    let o = ctxlens(&[d.path().to_str().unwrap(), "--max-size", "1MiB"]);
    assert_eq!(o.status.code(), Some(0));
    let o = ctxlens(&[d.path().to_str().unwrap(), "--max-size", "12 parsecs"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let o = ctxlens(&["/definitely/not/here"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));

    let d = tempfile::tempdir().unwrap();
    write(d.path(), ".dockerignore", b"ok\n  [\n");
    write(d.path(), "a", b"x");
    let o = ctxlens(&["ls", d.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 2: syntax error in pattern `[`"), "{}", stderr(&o));

    write(d.path(), ".dockerignore", b"*\n!\n");
    let o = ctxlens(&["ls", d.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 2: illegal exclusion pattern"), "{}", stderr(&o));

    // A lazily failing pattern fails only when the walk reaches it.
    write(d.path(), ".dockerignore", b"a\n!\\1\n");
    let o = ctxlens(&["ls", d.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 2: syntax error in pattern `\\1`"), "{}", stderr(&o));

    let o = ctxlens(&["ls", "--listing", "/no/such/listing"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read listing"), "{}", stderr(&o));

    let o = ctxlens(&["--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn unreadable_file_fails_unless_excluded() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "secret/key", b"x");
    write(d.path(), "a", b"x");
    let secret = d.path().join("secret");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root can read anything; the check only means something for other users.
    let readable_anyway = std::fs::read_dir(&secret).is_ok();
    let o = ctxlens(&["ls", d.path().to_str().unwrap()]);
    if !readable_anyway {
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("cannot read secret"), "{}", stderr(&o));
        write(d.path(), ".dockerignore", b"secret\n");
        let o = ctxlens(&["ls", d.path().to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    } else {
        assert!(o.status.success());
    }
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn classic_builder_prints_tar_names_and_stream_size() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), ".dockerignore", b"docs\n!docs/keep.md\n");
    write(d.path(), "Dockerfile", b"FROM scratch\n");
    write(d.path(), "docs/keep.md", &[0; 100]);
    write(d.path(), "docs/other.md", &[0; 100]);
    let o = ctxlens(&["ls", "--builder", "classic", d.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), ".dockerignore\nDockerfile\ndocs/keep.md\n");
    let o = ctxlens(&["--builder", "classic", "--json", d.path().to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["context"]["tar_bytes"], 3 * 1024 + 1024);
    assert_eq!(v["builder"], "classic");
}

#[test]
fn diff_shows_what_a_rule_edit_moves() {
    let d = monorepo();
    let elsewhere = tempfile::tempdir().unwrap();
    let new = elsewhere.path().join("new.dockerignore");
    std::fs::write(&new, "audit-results/\n**/*.test\ncoverage*.out\n").unwrap();
    let o = ctxlens(&["diff", d.path().to_str().unwrap(), "--ignore-file", new.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let removed: Vec<&str> = v["removed"].as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap()).collect();
    assert!(removed.contains(&"services/auth/auth.test"), "{removed:?}");
    assert_eq!(v["bytes_delta"].as_i64().unwrap(), -9000);
    let o = ctxlens(&["diff", d.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn completions_and_man_page_come_from_the_clap_definition() {
    let o = ctxlens(&["completions", "bash"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("ctxlens"));
    let o = ctxlens(&["man"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains(".TH ctxlens"));
}

#[test]
fn compose_shows_each_service_context_and_flags_the_rca_context() {
    let d = monorepo();
    let r = d.path();
    write(r, "services/auth/Dockerfile", b"FROM golang:1.22\nCOPY services/auth /src\n");
    write(r, "test/e2e/compose/docker-compose.yml", b"services:\n  auth:\n    build:\n      context: ../../..\n      dockerfile: services/auth/Dockerfile\n  gateway:\n    build:\n      context: ${ROOT:-../../..}\n      dockerfile: Dockerfile\n  db:\n    image: postgres\n");
    let file = r.join("test/e2e/compose/docker-compose.yml");
    let o = ctxlens(&["compose", "-f", file.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let services = v["services"].as_array().unwrap();
    assert_eq!(services.len(), 2, "db has no build section");
    let auth = &services[0];
    assert_eq!(auth["service"], "auth");
    assert_eq!(auth["levels_up"], 3);
    assert_eq!(auth["follow_paths"], serde_json::json!(["services/auth"]));
    assert_eq!(auth["transfer_bytes"], 100 + 9000 + 41);
    assert_eq!(auth["shared_with"], serde_json::json!(["gateway"]));
    assert!(auth["warnings"][0].as_str().unwrap().contains("3 levels above the Compose file"));
    let o = ctxlens(&["compose", "-f", file.to_str().unwrap()]);
    assert!(stdout(&o).contains("shared by   1 other service(s): gateway"), "{}", stdout(&o));
}

fn monorepo_du_ab() -> String {
    format!("{}/../core/tests/fixtures/inputs/monorepo/du-ab.txt", env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn monorepo_du_ab_with_and_without_its_dockerignore() {
    let json = |extra: &[&str]| -> serde_json::Value {
        let listing = monorepo_du_ab();
        let mut args = vec!["--listing", listing.as_str(), "--json"];
        args.extend_from_slice(extra);
        let o = ctxlens(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    // TRUTH: 591,152,200 bytes of unique file data, plus 82 bytes of symlink
    // targets and four empty directories (4096 each) that `du -ab` cannot
    // tell from files.
    let all = 591_152_200u64 + 82 + 4 * 4096;
    let none = json(&["--no-ignore"]);
    assert_eq!(none["context"]["bytes"], all);
    assert_eq!(none["input"]["format"], "du-b");
    assert_eq!(none["input"]["sizes"], "apparent");

    let own = fixture("monorepo.dockerignore");
    let v = json(&["--ignore-file", own.as_str()]);
    let sent = v["context"]["bytes"].as_u64().unwrap();
    assert_eq!(sent + v["excluded"]["bytes"].as_u64().unwrap(), all);
    assert_eq!(v["context"]["bytes_min"], sent);
    assert_eq!(v["context"]["bytes_max"], sent);
    let rules = v["ignore"]["rules"].as_array().unwrap();
    let saving = |pat: &str| rules.iter().find(|r| r["pattern"] == pat).unwrap()["saving_bytes"].as_i64().unwrap();
    assert_eq!(saving("**/node_modules"), 26_566_222);
    assert_eq!(saving("!README.md"), -3358, "the exception re-includes README.md");
    assert!(saving("coverage*.out") > 11_000_000);

    // Suggestions reach the RCA's own fix, with the bytes each saves.
    let suggestions = v["suggestions"].as_array().unwrap();
    for rule in ["audit-results/", "**/*.test", "**/*.out"] {
        let s = suggestions.iter().find(|s| s["rule"] == rule).unwrap_or_else(|| panic!("no suggestion {rule}"));
        assert!(s["saving_bytes"].as_i64().unwrap() > 100_000_000, "{s}");
        assert!(s["reason"].as_str().unwrap().len() > 10);
    }
    let lint = v["lints"].as_array().unwrap().iter().find(|l| l["code"] == "root_only").expect("root_only lint");
    assert_eq!(lint["line"], 6);
    assert!(lint["bytes"].as_u64().unwrap() > 0 && !lint["paths"].as_array().unwrap().is_empty());

    // The RCA's fix: audit-results/, **/*.test, **/*.out.
    let fixed = fixture("monorepo-fixed.dockerignore");
    let v = json(&["--ignore-file", fixed.as_str()]);
    let after = v["context"]["bytes"].as_u64().unwrap();
    assert!(after * 4 < sent, "{after} vs {sent}");
}

#[test]
fn directory_only_listing_gives_bounds_and_names_undecided_rules() {
    let listing = format!("{}/../core/tests/fixtures/inputs/monorepo/du-h-d1-sort-h.txt", env!("CARGO_MANIFEST_DIR"));
    let own = fixture("monorepo.dockerignore");
    let o = ctxlens(&["--listing", &listing, "--ignore-file", &own, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["input"]["sizes"], "disk-usage");
    let (min, max) = (v["context"]["bytes_min"].as_u64().unwrap(), v["context"]["bytes_max"].as_u64().unwrap());
    assert!(min < max);
    assert_eq!(v["context"]["undecided_rules"], serde_json::json!([3]), "only **/node_modules can reach inside");
    let o = ctxlens(&["--listing", &listing, "--ignore-file", &own]);
    assert!(stdout(&o).contains("disk usage (blocks), not bytes"), "{}", stdout(&o));
}

#[test]
fn broken_listing_lines_are_reported_and_the_rest_is_used() {
    let d = tempfile::tempdir().unwrap();
    let listing = d.path().join("l.txt");
    std::fs::write(&listing, b"4096\t./a\n12\t./a/b.txt\nthis is not du\n7\t./c\n").unwrap();
    let o = ctxlens(&["--listing", listing.to_str().unwrap(), "--no-ignore", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["input"]["problems"][0].as_str().unwrap().contains("line 3"), "{v}");
    assert_eq!(v["context"]["bytes"], 19);

    std::fs::write(&listing, b"FROM alpine\nRUN apk add curl\nCOPY . /app\n").unwrap();
    let o = ctxlens(&["--listing", listing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a listing") || stderr(&o).contains("Dockerfile"), "{}", stderr(&o));
}

#[test]
fn explain_on_the_rca_rules_names_the_root_only_trap() {
    let listing = monorepo_du_ab();
    let rules = fixture("rca-option3.dockerignore");
    let o = ctxlens(&["explain", "--listing", &listing, "--ignore-file", &rules, "services/auth/auth.test", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["sent"], true);
    assert_eq!(v[0]["reason"], "no_rule");
    assert!(
        v[0]["hints"][0].as_str().unwrap().contains("`*.test` (line 3) matches `auth.test` only at the context root")
    );
    // One screen shows what dominates and what to change.
    let o = ctxlens(&["--listing", &listing, "--ignore-file", &rules]);
    let out = stdout(&o);
    assert!(out.contains("audit-results/  saves 285.1 MB"), "{out}");
    assert!(out.contains("did you mean `**/*.test`?"), "{out}");
    let suggested = out.lines().filter(|l| l.trim_start().starts_with("**/*.test ") && !l.contains("(+")).count();
    assert_eq!(suggested, 1, "each suggested rule once: {out}");
}
