//! ctxlens benchmarks: a deterministic generator of large synthetic monorepo
//! contexts ([`synth`]) and, in the `ctxlens-bench` binary, the runner that
//! prints the side-by-side table of `BENCHMARKS.md`.
#![deny(missing_docs)]

pub mod synth;
