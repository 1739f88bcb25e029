//! Any bytes read as each listing format in turn (the first byte picks the
//! format): every parser must return, never panic, and a parsed listing
//! must survive accounting and evaluation, BuildKit's and the classic
//! builder's.
#![no_main]

use ctxlens_core::eval::classic::{ClassicOptions, classic_build};
use ctxlens_core::ignore::RuleSet;
use ctxlens_core::listing::{ListingFormat, parse_listing};
use ctxlens_core::report::{IgnoreSource, build_report};
use libfuzzer_sys::fuzz_target;

// Docker's fast paths only (suffix, exact, prefix): no regexp to compile on
// every execution, yet exceptions and pruning are exercised.
const RULES: &[u8] = b"**/node_modules\n**.log\n!keep.log\nbuild/**\n!build/app\n";

fuzz_target!(|data: &[u8]| {
    let Some((&pick, input)) = data.split_first() else { return };
    let format = ListingFormat::ALL[pick as usize % ListingFormat::ALL.len()];
    if let Ok(listing) = parse_listing(input, Some(format)) {
        let _ = listing.bytes();
        let _ = listing.file_bytes();
        let _ = listing.counts();
        let rules = RuleSet::parse(RULES).expect("valid rules");
        let _ = build_report(&listing.tree, Some(&rules), IgnoreSource::Context, None, None);
        let _ = classic_build(
            &listing.tree,
            &ClassicOptions { dockerignore: Some(RULES), dockerfile: None, unreadable: &[] },
        );
    }
});
