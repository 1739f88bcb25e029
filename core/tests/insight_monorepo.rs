//! The motivating monorepo (`fixtures/inputs/monorepo`, modelled on the
//! audit-results RCA): the suggestions must reach the RCA's own fix
//! (`**/*.out`, `**/*.test`, `audit-results/`) and show the bytes it saves.
//!
//! The tree comes from the capture's ground truth (`TRUTH.tsv`: every entry,
//! apparent sizes, the hard link) and, as a user would paste it, from
//! `du -ab` through the listing parser. The `.dockerignore` holds the rules
//! `inputs/CATALOG.md` §1.1 lists; the Dockerfile is the RCA's gateway image
//! built from the repository root (`context: ../../..`), with `COPY . .`
//! (`fixtures/insight/`).

mod insight_support;

use ctxlens_core::eval::{TransferOptions, transfer};
use ctxlens_core::ignore::RuleSet;
use ctxlens_core::insight::Severity;
use ctxlens_core::tree::{ContextTree, Entry, EntryKind};
use insight_support::{lint, run, suggestion};

fn fixture(path: &str) -> String {
    let p = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The monorepo from its ground truth.
fn truth_tree() -> ContextTree {
    let mut t = ContextTree::new();
    for line in fixture("inputs/monorepo/TRUTH.tsv").lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f[0] == "." {
            continue;
        }
        let e = match f[1] {
            "d" => Entry::dir(),
            "l" => Entry::symlink(f[6].as_bytes()),
            "f" => {
                let mut e = Entry::file(f[2].parse().unwrap());
                if f[4] != "1" {
                    e.link_group = f[5].parse().unwrap();
                }
                e
            }
            _ => Entry { kind: EntryKind::Other, size: 0, mode: None, link_group: 0, link_target: None },
        };
        t.insert(f[0].as_bytes(), e).unwrap();
    }
    t.finish();
    t
}

const RCA_FIX: [&str; 3] = ["**/*.out", "**/*.test", "audit-results/"];

fn sent_bytes(t: &ContextTree, ignore: &str) -> u64 {
    let rules = RuleSet::parse(ignore.as_bytes()).unwrap();
    transfer(t, &TransferOptions { rules: Some(&rules), follow_paths: None }).totals.file_bytes
}

fn reaches_the_rca_fix(t: &ContextTree) {
    let ignore = fixture("insight/monorepo.dockerignore");
    let dockerfile = fixture("insight/monorepo.Dockerfile");
    let r = run(t, &ignore, Some(&dockerfile));
    let before = r.base.totals.file_bytes;

    // Each line of the RCA's fix is proposed, with its measured saving.
    for rule in RCA_FIX {
        let s =
            suggestion(&r.insight, rule).unwrap_or_else(|| panic!("{rule} not proposed: {:#?}", r.insight.suggestions));
        assert_eq!(s.kind, "junk", "{rule}");
        let alone = before - sent_bytes(t, &format!("{ignore}{rule}\n"));
        assert_eq!(s.saving_bytes, Some(alone as i64), "{rule}");
        assert!(alone > 100_000_000, "{rule} saves {alone}");
    }

    // The bundle on top holds the whole fix and says what it saves together.
    let bundle = &r.insight.suggestions[0];
    assert_eq!(bundle.kind, "bundle");
    let lines: Vec<&str> = bundle.rule.lines().collect();
    for rule in RCA_FIX {
        assert!(lines.contains(&rule), "{rule} missing from {lines:?}");
    }
    let rca_after = sent_bytes(t, &format!("{ignore}{}\n", RCA_FIX.join("\n")));
    let bundle_after = bundle.projected_bytes.unwrap();
    assert!(bundle_after <= rca_after);
    // The RCA: "from 600MB+ to ~200MB". Here, apparent bytes of a cold BuildKit transfer:
    assert!(before > 550_000_000, "{before}");
    assert!(rca_after < 140_000_000, "{rca_after}");
    assert!(bundle.reason.contains("the context goes from 552.4 MB to"), "{}", bundle.reason);

    // The lints behind it: `coverage*.out` only matches at the root, and `.env` is sent.
    let l = lint(&r.insight, "root_only").expect("root_only");
    assert_eq!((l.line, l.severity), (Some(6), Severity::Warning));
    assert!(l.message.contains("did you mean `**/coverage*.out`?"), "{}", l.message);
    assert!(l.paths.iter().all(|p| p.starts_with("services/") && p.ends_with("coverage.out")), "{:?}", l.paths);
    let s = lint(&r.insight, "secret").expect("secret");
    assert_eq!(s.paths, [".env", "mcp-gateway/.env"]);

    // The RCA's other lever: BuildKit cache mounts where the Dockerfile downloads modules.
    let c: Vec<_> = r.insight.suggestions.iter().filter(|s| s.kind == "cache_mount").collect();
    assert_eq!(c.len(), 2, "{c:#?}");
    assert_eq!(c[0].rule, "RUN --mount=type=cache,target=/go/pkg/mod go mod download");
}

#[test]
fn truth_tree_reaches_the_rca_fix() {
    reaches_the_rca_fix(&truth_tree());
}

#[test]
fn pasted_du_ab_reaches_the_rca_fix() {
    let listing = ctxlens_core::listing::parse_listing(fixture("inputs/monorepo/du-ab.txt").as_bytes(), None)
        .expect("du -ab parses");
    reaches_the_rca_fix(&listing.tree);
}

#[test]
fn named_sources_give_a_verified_allow_list() {
    let t = truth_tree();
    let ignore = fixture("insight/monorepo.dockerignore");
    let r = run(&t, &ignore, Some(&fixture("insight/monorepo-named.Dockerfile")));
    let a = r.insight.suggestions.iter().find(|s| s.kind == "allow_list").expect("allow-list");
    let kept: Vec<&str> = a.rule.lines().filter(|l| l.starts_with('!')).collect();
    assert_eq!(
        kept,
        ["!deploy/gateway.yaml", "!go.mod", "!go.sum", "!pkg", "!services/gateway", "!vendor"],
        "services/gateway/config.yaml -> ../../deploy/gateway.yaml is followed, and COPY names it too"
    );
    // BuildKit already sends only these paths; the classic builder would send it all.
    let f = r.insight.suggestions.iter().find(|s| s.kind == "follow_paths").expect("follow_paths");
    assert_eq!(f.projected_bytes, a.projected_bytes);
    // With named sources, junk inside a copied directory is still proposed
    // (leaving out part of it is what ignore rules are for)...
    assert!(
        suggestion(&r.insight, "**/*.test").unwrap().reason.contains("1 is inside directories the Dockerfile copies")
    );
    // ...and what it never copies is called that.
    let big = r.insight.suggestions.iter().find(|s| s.kind == "biggest").unwrap();
    assert!(big.reason.contains("the Dockerfile never copies it"), "{}", big.reason);
}
