//! Any text as a permalink fragment: decoding returns a permalink, `None`
//! or an error, never panics; a decoded permalink survives a round trip.
#![no_main]

use ctxlens_web::permalink::{decode, decode_part, encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = decode_part(&text);
    if let Ok(Some(p)) = decode(&text) {
        // Keep the round trip cheap: a hostile link can inflate to 256 MB.
        if p.rules.len() + p.listing.as_ref().map_or(0, String::len) < 1 << 16 {
            let again = decode(&encode(&p)).expect("own encoding decodes").expect("is a link");
            // Formats are filtered to [A-Za-z0-9-] when encoded.
            assert_eq!((again.builder, &again.rules, &again.listing), (p.builder, &p.rules, &p.listing));
        }
    }
});
