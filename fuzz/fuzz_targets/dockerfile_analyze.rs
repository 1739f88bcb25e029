//! Any bytes as a Dockerfile: BuildKit's parse, variable expansion, stage
//! graph and COPY-source analysis must return, never panic.
#![no_main]

use ctxlens_core::dockerfile::{BuildOptions, analyze};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = analyze(data, &BuildOptions::default());
});
