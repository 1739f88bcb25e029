//! Inputs the fuzz targets once crashed on, replayed the way the target
//! feeds them (see `fuzz/fuzz_targets/`), so a fixed crash stays fixed.
//! `listing_formats`: the first byte picks the format, the rest is the listing.
//! The fuzz target stops at the report; the classic builder is checked too.

use std::path::Path;

use ctxlens_core::eval::classic::{ClassicOptions, classic_build};
use ctxlens_core::ignore::RuleSet;
use ctxlens_core::listing::{ListingFormat, parse_listing};
use ctxlens_core::report::{IgnoreSource, build_report};

/// The fuzz target's rules: Docker's fast paths, exceptions and pruning.
const RULES: &[u8] = b"**/node_modules\n**.log\n!keep.log\nbuild/**\n!build/app\n";

fn crashes(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-regressions").join(target);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.unwrap().path();
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn listing_formats_crashes_stay_fixed() {
    let rules = RuleSet::parse(RULES).unwrap();
    let cases = crashes("listing_formats");
    assert!(!cases.is_empty());
    for (name, data) in cases {
        let (&pick, input) = data.split_first().unwrap();
        let format = ListingFormat::ALL[pick as usize % ListingFormat::ALL.len()];
        let listing = parse_listing(input, Some(format)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = build_report(&listing.tree, Some(&rules), IgnoreSource::Context, None, None).0;
        // Rounded sizes this large saturate instead of wrapping: the bounds stay ordered.
        assert!(report.context.bytes_min <= report.context.bytes_max, "{name}");
        assert!(report.context.bytes_min <= report.context.bytes, "{name}");
        assert!(report.wire.cold_bytes_estimate >= report.wire.warm_bytes_estimate, "{name}");
        // The CLI and the page also ask the classic builder about the same tree.
        let classic = classic_build(
            &listing.tree,
            &ClassicOptions { dockerignore: Some(RULES), dockerfile: None, unreadable: &[] },
        );
        assert!(classic.tar_bytes >= classic.file_bytes, "{name}");
    }
}
