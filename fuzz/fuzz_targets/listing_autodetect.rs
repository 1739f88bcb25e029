//! Any bytes pasted as a listing: format detection and the parser it picks
//! must return (a listing, or an error naming what the input is), and a
//! parsed listing must survive accounting and evaluation, BuildKit's and the classic
//! builder's.
#![no_main]

use ctxlens_core::eval::classic::{ClassicOptions, classic_build};
use ctxlens_core::ignore::RuleSet;
use ctxlens_core::listing::{detect, parse_listing};
use ctxlens_core::report::{IgnoreSource, build_report};
use libfuzzer_sys::fuzz_target;

// Docker's fast paths only (suffix, exact, prefix): no regexp to compile on
// every execution, yet exceptions and pruning are exercised.
const RULES: &[u8] = b"**/node_modules\n**.log\n!keep.log\nbuild/**\n!build/app\n";

fuzz_target!(|data: &[u8]| {
    let _ = detect(data);
    if let Ok(listing) = parse_listing(data, None) {
        exercise(&listing);
    }
});

fn exercise(listing: &ctxlens_core::listing::Listing) {
    let _ = listing.bytes();
    let _ = listing.file_bytes();
    let _ = listing.counts();
    let _ = listing.is_exact();
    let rules = RuleSet::parse(RULES).expect("valid rules");
    let _ = build_report(&listing.tree, Some(&rules), IgnoreSource::Context, None, None);
    let _ =
        classic_build(&listing.tree, &ClassicOptions { dockerignore: Some(RULES), dockerfile: None, unreadable: &[] });
}
