//! The page's entry point: mounts the Yew app (see `ctxlens_web::app`).

#[cfg(target_arch = "wasm32")]
fn main() {
    ctxlens_web::app::start();
}

/// Natively there is no page: this binary only exists for the browser.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("ctxlens-web runs in a browser: build it with `trunk build` (see `cargo xtask run`)");
}
