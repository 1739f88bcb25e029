// The Web Worker's bootstrap. The worker runs the page's own WebAssembly
// module: the page posts it (already compiled, so nothing is downloaded or
// compiled twice) with the URL of wasm-bindgen's glue, and the module's
// `main` finds no window and serves the page's requests
// (ctxlens_web::bridge::worker_main), replacing this handler.
self.onmessage = async (e) => {
  self.onmessage = null;
  try {
    const bindings = await import(e.data.js);
    await bindings.default({ module_or_path: e.data.module });
  } catch (err) {
    // Surface it as the worker's `error` event, which the page shows.
    setTimeout(() => { throw err; });
  }
};
