//! ctxlens in the browser.
//!
//! The page is a Yew app (`src/main.rs`, `app`, `components`) that only
//! renders a [`state::State`] and dispatches [`state::Action`]s. Parsing and
//! evaluation run in a Web Worker (the same module, see `src/main.rs`) driving an
//! [`engine::Engine`] on top of `ctxlens-core`, so typing never waits for
//! them. The reducer, the engine and the permalink codec are plain Rust and
//! are tested natively with `cargo test -p ctxlens-web`.

pub mod engine;
pub mod fmt;
pub mod permalink;
pub mod protocol;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod bridge;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod folder;
