// Starts the page's WebAssembly. Trunk puts the hashed file names in the
// data attributes of this script's tag (see Trunk.toml, pattern_script), so
// the Content-Security-Policy needs no inline script.
//
// Errors and policy violations are kept in window.__ctxlensErrors for the
// end-to-end tests (nothing is sent anywhere).
const errors = (window.__ctxlensErrors = []);
addEventListener('error', (e) => errors.push(`error: ${e.message}`));
addEventListener('unhandledrejection', (e) => errors.push(`rejection: ${e.reason}`));
document.addEventListener('securitypolicyviolation', (e) =>
  errors.push(`CSP: ${e.violatedDirective} blocked ${e.blockedURI}`));

const tag = document.getElementById('ctxlens-boot');
const bindings = await import(tag.dataset.js);
await bindings.default({ module_or_path: tag.dataset.wasm });
