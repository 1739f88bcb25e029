//! The entry point of the one WebAssembly module that serves both the page
//! and its Web Worker: the page runs the Yew app (`ctxlens_web::app`) and
//! hands the worker this very module, already compiled (see
//! `ctxlens_web::bridge`), whose `main` then finds no window and serves
//! requests instead. One download, one compile, no code shipped twice.

#[cfg(target_arch = "wasm32")]
fn main() {
    if web_sys::window().is_some() {
        ctxlens_web::app::start();
    } else {
        ctxlens_web::bridge::worker_main();
    }
}

/// Natively there is no page: this binary only exists for the browser.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("ctxlens-web runs in a browser: build it with `trunk build` (see `cargo xtask run`)");
}
