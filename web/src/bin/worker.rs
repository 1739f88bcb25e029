//! The Web Worker's entry point: parses and evaluates off the main thread
//! (see `ctxlens_web::bridge::worker_main`).

#[cfg(target_arch = "wasm32")]
fn main() {
    ctxlens_web::bridge::worker_main();
}

/// Natively there is no worker: this binary only exists for the browser.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the ctxlens worker runs in a browser: build it with `trunk build` (see `cargo xtask run`)");
}
