//! ctxlens-core: see a Docker build context before you send it.
//!
//! The crate answers, exactly as Docker/BuildKit would, which paths of a build
//! context are transferred, which `.dockerignore` rule decided each one, and
//! how many bytes that costs. It does no I/O of its own, except the optional
//! filesystem reader behind the `fs` feature.
//!
//! The modules mirror the pipeline: an input becomes a [`tree::ContextTree`],
//! the rules of an [`ignore::IgnoreFile`] are compiled into an
//! [`ignore::RuleSet`], [`eval`] walks the tree as BuildKit does, and the
//! Dockerfile's COPY sources ([`dockerfile`]) can narrow the transfer.
#![deny(missing_docs)]

pub mod compare;
pub mod dockerfile;
pub mod eval;
pub mod explain;
#[cfg(feature = "fs")]
pub mod fs;
pub mod ignore;
pub mod insight;
pub mod listing;
pub mod report;
pub mod tree;
pub mod treemap;
