//! The page in real headless Chromium, checked against the CLI.
//!
//! Needs a built `dist/` (`trunk build --release`), `chromium` and
//! `chromedriver`: run through `cargo xtask test` (or `cargo xtask e2e`).

use std::path::PathBuf;
use std::time::Duration;

use ctxlens_e2e::{Driver, Session, cli_report, root, serve};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(60);

fn dist() -> PathBuf {
    std::env::var_os("CTXLENS_DIST").map(PathBuf::from).unwrap_or_else(|| root().join("dist"))
}

fn sample_listing() -> String {
    std::fs::read_to_string(root().join("web/assets/monorepo-du-ab.txt")).expect("sample listing")
}

fn sample_rules() -> String {
    std::fs::read_to_string(root().join("web/assets/monorepo.dockerignore")).expect("sample rules")
}

fn cli_bytes(v: &Value) -> u64 {
    v["context"]["bytes"].as_u64().expect("context.bytes in the CLI's JSON")
}

fn cli_rules(v: &Value) -> Vec<Value> {
    v.get("rules").or_else(|| v["ignore"].get("rules")).and_then(|r| r.as_array()).cloned().unwrap_or_default()
}

const FIGURE: &str =
    "const e = document.querySelector('[data-testid=context-bytes]'); return e ? e.dataset.bytes : null;";

/// "Pastes" text into a text area: sets its value and fires the input event a paste fires.
const PASTE: &str = "const el = document.querySelector('[data-testid=' + arguments[0] + ']'); el.focus(); \
    el.value = arguments[1]; \
    el.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'})); return true;";

fn figure_is(s: &Session, want: u64) -> Result<(), String> {
    s.wait_for(
        &format!("context-bytes = {want}"),
        "const e = document.querySelector('[data-testid=context-bytes]'); \
         return e && e.dataset.bytes === arguments[0] ? true : null;",
        json!([want.to_string()]),
        WAIT,
    )
    .map(|_| ())
    .map_err(|e| format!("{e}; page shows {:?}", s.exec(FIGURE, json!([])).ok()))
}

fn attr(s: &Session, testid: &str, name: &str) -> Result<String, String> {
    let v = s.exec(
        "const e = document.querySelector('[data-testid=' + arguments[0] + ']'); return e ? e.getAttribute(arguments[1]) : null;",
        json!([testid, name]),
    )?;
    v.as_str().map(String::from).ok_or_else(|| format!("no {testid}[{name}]"))
}

fn no_errors(s: &Session) -> Result<(), String> {
    let errs = s.errors()?;
    if errs.as_array().is_some_and(|a| !a.is_empty()) {
        return Err(format!("the page reported errors: {errs}"));
    }
    Ok(())
}

/// Screenshots go to `target/e2e-screenshots/`, or to `$CTXLENS_SCREENSHOT_DIR`
/// (`cargo xtask screenshots` refreshes the ones in `docs/`).
fn shot(s: &Session, name: &str) -> Result<(), String> {
    let dir = std::env::var_os("CTXLENS_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/e2e-screenshots"));
    let path = dir.join(name);
    s.screenshot(&path)?;
    eprintln!("e2e: screenshot {}", path.display());
    Ok(())
}

/// Clicks the first element matching `css` whose text contains `text`.
fn click_text(s: &Session, css: &str, text: &str) -> Result<(), String> {
    let ok = s.exec(
        "const els = [...document.querySelectorAll(arguments[0])].filter(e => e.textContent.includes(arguments[1])); \
         if (!els.length) return false; els[0].scrollIntoView({block: 'center'}); \
         els[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window})); return true;",
        json!([css, text]),
    )?;
    if ok == json!(true) { Ok(()) } else { Err(format!("nothing like {css} containing {text:?}")) }
}

#[test]
#[ignore = "needs dist/, chromium and chromedriver: run `cargo xtask test`"]
fn page_matches_cli_and_permalinks_round_trip() -> Result<(), String> {
    let dist = dist();
    assert!(dist.join("index.html").is_file(), "build the page first: trunk build --release");
    let base = serve(&dist);
    let driver = Driver::start()?;
    let s = driver.session(1440, 1300)?;
    let listing = sample_listing();
    let rules = sample_rules();

    // First open: the motivating monorepo is loaded, with the figure the CLI prints.
    s.goto(&base)?;
    let cli = cli_report(&listing, &rules, false)?;
    let want = cli_bytes(&cli);
    figure_is(&s, want)?;
    eprintln!("e2e: sample loaded, {want} bytes (CLI agrees)");

    // Clear, then paste the du -ab output and the .dockerignore by hand.
    s.exec(PASTE, json!(["listing-input", ""]))?;
    s.exec(PASTE, json!(["rules-input", ""]))?;
    figure_is(&s, 0)?;
    s.exec(PASTE, json!(["listing-input", listing]))?;
    s.exec(PASTE, json!(["rules-input", rules]))?;
    figure_is(&s, want)?;
    assert_eq!(attr(&s, "context-files", "data-files")?, cli["context"]["files"].as_u64().unwrap().to_string());
    assert_eq!(attr(&s, "excluded-bytes", "data-bytes")?, cli["excluded"]["bytes"].as_u64().unwrap().to_string());

    // One rule row per rule, at the CLI's lines, with the CLI's savings.
    let want_rules = cli_rules(&cli);
    let rows = s.wait_for(
        "every rule's saving",
        "const rows = [...document.querySelectorAll('[data-testid=rule-row]')]; \
         if (!rows.length || rows.some(r => r.dataset.saving === '')) return null; \
         return rows.map(r => [r.dataset.line, r.dataset.saving]);",
        json!([]),
        WAIT,
    )?;
    let rows = rows.as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), want_rules.len(), "rule rows: {rows:?}");
    for (row, r) in rows.iter().zip(&want_rules) {
        assert_eq!(row[0], json!(r["line"].as_u64().unwrap().to_string()));
        assert_eq!(row[1], json!(r["saving_bytes"].as_i64().unwrap().to_string()), "saving of {}", r["text"]);
    }

    // Edit a rule by typing: exclude audit-results/ (the RCA's 272 MB).
    // Edits within 2 s of each other count as one edit: let the paste above settle.
    std::thread::sleep(Duration::from_millis(2200));
    let area = s.find("[data-testid=rules-input]")?;
    s.click(&area)?;
    s.exec(
        "const el = document.querySelector('[data-testid=rules-input]'); el.setSelectionRange(el.value.length, el.value.length);",
        json!([]),
    )?;
    s.send_keys(&area, "audit-results/\u{E007}")?;
    let edited = format!("{rules}audit-results/\n");
    let cli2 = cli_report(&listing, &edited, false)?;
    let want2 = cli_bytes(&cli2);
    assert!(want2 < want, "the edit must shrink the context");
    figure_is(&s, want2)?;
    let delta = attr(&s, "edit-delta", "data-bytes")?;
    assert_eq!(delta, (want2 as i64 - want as i64).to_string());
    eprintln!("e2e: after typing a rule: {want2} bytes (delta {delta}), CLI agrees");

    // Explain a path: expand mcp-gateway, pick its node_modules.
    click_text(&s, ".row[data-node] button.twisty[aria-label='Expand mcp-gateway']", "")?;
    s.wait_for(
        "mcp-gateway's children",
        "return [...document.querySelectorAll('.row .name')].some(e => e.textContent.includes('node_modules')) || null;",
        json!([]),
        WAIT,
    )?;
    click_text(&s, ".row .name", "node_modules")?;
    let why = s.wait_for(
        "explanation",
        "return document.querySelector('.explain-path')?.textContent || null;",
        json!([]),
        WAIT,
    )?;
    assert_eq!(why, json!("mcp-gateway/node_modules"));
    s.exec(
        "document.scrollingElement.scrollTop = 0; document.querySelector('.tree').scrollTop = 0; return true;",
        json!([]),
    )?;
    std::thread::sleep(Duration::from_millis(300));
    shot(&s, "screenshot-main.png")?;

    // Checks and suggestions arrive after the figures; a full-length view shows them.
    s.wait_for(
        "checks",
        "return document.querySelectorAll('[data-testid=suggestion], [data-testid=lint]').length > 0 || null;",
        json!([]),
        WAIT,
    )?;
    let tall = driver.session(1440, 2150)?;
    tall.goto(&base)?;
    figure_is(&tall, want)?;
    tall.wait_for(
        "suggestions",
        "return document.querySelector('[data-testid=suggestion]') ? true : null;",
        json!([]),
        WAIT,
    )?;
    shot(&tall, "screenshot-full.png")?;
    drop(tall);

    // The permalink, opened in a fresh browser profile, gives the same figure.
    let link = attr(&s, "share-link", "href")?;
    assert!(link.starts_with(&base) && link.contains("#v1&"), "{link}");
    let fresh = driver.session(1280, 900)?;
    fresh.goto(&link)?;
    figure_is(&fresh, want2)?;
    let restored = fresh.exec("return document.querySelector('[data-testid=rules-input]').value;", json!([]))?;
    assert_eq!(restored, json!(edited));
    no_errors(&fresh)?;
    eprintln!("e2e: permalink ({} chars) restores {want2} bytes in a fresh page", link.len());

    // Nothing but the page's own files was loaded.
    let foreign = s.exec(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(arguments[0]));",
        json!([base]),
    )?;
    assert_eq!(foreign, json!([]), "requests to other origins");
    no_errors(&s)?;

    // The classic builder, compared with the CLI too.
    click_text(&s, ".segmented label", "Classic")?;
    let cli3 = cli_report(&listing, &edited, true)?;
    figure_is(&s, cli3_bytes(&cli3))?;
    if let Some(tar) = cli3["context"]["tar_bytes"].as_u64() {
        assert_eq!(attr(&s, "tar-bytes", "data-bytes")?, tar.to_string());
    }
    // Zoom the treemap into services/ and show the classic view.
    click_text(&s, ".crumbs button, .tile", "services")?;
    std::thread::sleep(Duration::from_millis(400));
    shot(&s, "screenshot-classic-treemap.png")?;

    // Dark theme (the toggle cycles system → light → dark).
    click_text(&s, ".segmented label", "BuildKit")?;
    figure_is(&s, want2)?;
    for _ in 0..2 {
        let b = s.find("button[aria-label^='Theme']")?;
        s.click(&b)?;
    }
    assert_eq!(s.exec("return document.documentElement.dataset.theme;", json!([]))?, json!("dark"));
    std::thread::sleep(Duration::from_millis(300));
    shot(&s, "screenshot-dark.png")?;

    // A suggestion applied with one click saves what it announced, as the CLI computes it.
    let sugg = s.wait_for(
        "a suggestion with a saving",
        "const x = [...document.querySelectorAll('[data-testid=suggestion]')].find(e => e.dataset.saving && e.querySelector('button')); \
         return x ? x.dataset.saving : null;",
        json!([]),
        WAIT,
    )?;
    let saving: i64 = sugg.as_str().unwrap_or("0").parse().map_err(|e| format!("{e}"))?;
    s.exec(
        "const x = [...document.querySelectorAll('[data-testid=suggestion]')].find(e => e.dataset.saving && e.querySelector('button')); \
         x.querySelector('button').click(); return true;",
        json!([]),
    )?;
    let want4 = (want2 as i64 - saving) as u64;
    figure_is(&s, want4)?;
    let applied = s.exec("return document.querySelector('[data-testid=rules-input]').value;", json!([]))?;
    let cli4 = cli_report(&listing, applied.as_str().unwrap_or_default(), false)?;
    assert_eq!(cli_bytes(&cli4), want4, "the CLI agrees with the applied suggestion");
    eprintln!("e2e: applied a suggestion saving {saving} bytes: {want4} bytes, CLI agrees");
    no_errors(&s)?;
    Ok(())
}

/// The classic builder's figure: the file data in its tar.
fn cli3_bytes(v: &Value) -> u64 {
    v["classic"]["file_bytes"].as_u64().unwrap_or_else(|| cli_bytes(v))
}

/// A `du -ab` listing with about `n` lines, built in the page (so the
/// WebDriver channel does not carry megabytes), then pasted; resolves with
/// timings. Files named `*.log` (one in 10) are what the rules exclude.
const GENERATE: &str = r#"
const n = arguments[0];
const files_per_dir = 99, dirs2 = 100;
const dirs1 = Math.max(1, Math.round(n / (dirs2 * (files_per_dir + 1))));
const lines = [];
let total = 0, kept = 0, keptBytes = 0;
for (let a = 0; a < dirs1; a++) {
  let sa = 0;
  for (let b = 0; b < dirs2; b++) {
    let sb = 0;
    for (let f = 0; f < files_per_dir; f++) {
      const size = 1000 + ((a * 7919 + b * 104729 + f * 31) % 90000);
      const ext = f % 10 === 0 ? 'log' : 'go';
      lines.push(size + '\t./pkg' + a + '/mod' + b + '/file' + f + '.' + ext);
      sb += size;
      if (ext !== 'log') { kept++; keptBytes += size; }
    }
    lines.push(sb + '\t./pkg' + a + '/mod' + b);
    sa += sb;
  }
  lines.push(sa + '\t./pkg' + a);
  total += sa;
}
lines.push(total + '\t.');
window.__bigListing = lines.join('\n') + '\n';
return [lines.length, window.__bigListing.length, kept, keptBytes];
"#;

/// Pastes `window.__bigListing` with a paste event (or edits the rules) and
/// waits for the figures; resolves with `[ms until the handler returned, ms
/// until the figures were painted, files shown, [[phase, ms since the
/// start]...]]` (the phases are the page's and the worker's marks, see
/// `bridge::page_mark`). `DataTransfer.setData` is not timed.
const TIME_PASTE: &str = r#"
const [which, text, wantFiles, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];
const el = document.querySelector('[data-testid=' + which + ']');
const files = () => document.querySelector('[data-testid=context-files]')?.dataset.files;
window.__ctxlensMarks = [];
const t0 = performance.now();
const marks = () => window.__ctxlensMarks.map(([p, t]) => [p, t - performance.timeOrigin - t0]);
if (which === 'listing-input') {
  // A real paste: the clipboard's text arrives with the paste event.
  const dt = new DataTransfer();
  dt.setData('text/plain', window.__bigListing);
  el.focus();
  el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
} else {
  el.value = text;
  el.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'}));
}
const t1 = performance.now();
(function poll() {
  if (files() === String(wantFiles)) {
    requestAnimationFrame(() => done([t1 - t0, performance.now() - t0, files(), marks()]));
  } else if (performance.now() - t0 > 280000) {
    done([t1 - t0, -1, files(), marks()]);
  } else {
    setTimeout(poll, 2);
  }
})();
"#;

/// The marks of a timed run as `phase +ms` steps (time since the previous mark).
fn phases(t: &Value) -> String {
    let mut prev = 0.0;
    let mut out = Vec::new();
    for m in t[3].as_array().into_iter().flatten() {
        let (name, at) = (m[0].as_str().unwrap_or("?"), m[1].as_f64().unwrap_or(0.0));
        out.push(format!("{name} +{:.0}", at - prev));
        prev = at;
    }
    out.push(format!("painted +{:.0}", t[1].as_f64().unwrap_or(0.0) - prev));
    out.join(", ")
}

#[test]
#[ignore = "timings: run `cargo xtask measure`"]
fn timings() -> Result<(), String> {
    let base = serve(&dist());
    let driver = Driver::start()?;
    let s = driver.session(1280, 900)?;
    s.goto(&base)?;
    s.wait_for("the sample", FIGURE, json!([]), WAIT)?;
    let mut report = String::from("| measurement | result |\n|---|---|\n");

    // 1M-line paste, with one rule already in the editor.
    s.exec(PASTE, json!(["rules-input", "**/*.log\n"]))?;
    let g = s.exec(GENERATE, json!([1_000_000]))?;
    let (lines, chars, kept) = (g[0].as_u64().unwrap(), g[1].as_u64().unwrap(), g[2].as_u64().unwrap());
    let mut paste_ms = Vec::new();
    let mut paste_phases = Vec::new();
    for _ in 0..3 {
        // Reset to something small so every run parses from scratch.
        s.exec(PASTE, json!(["listing-input", ""]))?;
        s.wait_for(
            "reset",
            "return document.querySelector('[data-testid=context-files]')?.dataset.files === '0' || null;",
            json!([]),
            WAIT,
        )?;
        let t = s.exec_async(TIME_PASTE, json!(["listing-input", "", kept]))?;
        assert!(t[1].as_f64().unwrap() > 0.0, "paste timed out: {t}");
        eprintln!("paste: {}", phases(&t));
        paste_ms.push(t[1].as_f64().unwrap());
        paste_phases.push((t[1].as_f64().unwrap(), phases(&t)));
    }
    paste_ms.sort_by(f64::total_cmp);
    paste_phases.sort_by(|a, b| a.0.total_cmp(&b.0));
    let line = format!(
        "| paste of {lines} `du -ab` lines ({:.1} MB) until the figures show | median {:.0} ms (runs: {}) |\n",
        chars as f64 / 1e6,
        paste_ms[1],
        paste_ms.iter().map(|m| format!("{m:.0}")).collect::<Vec<_>>().join(", ")
    );
    eprint!("{line}");
    report.push_str(&line);
    report.push_str(&format!("| where the median paste's time went (ms) | {} |\n", paste_phases[1].1));

    // Rule edits on about 100k paths.
    let g = s.exec(GENERATE, json!([100_000]))?;
    let (lines, kept_log) = (g[0].as_u64().unwrap(), g[2].as_u64().unwrap());
    let t = s.exec_async(TIME_PASTE, json!(["listing-input", "", kept_log]))?;
    assert!(t[1].as_f64().unwrap() > 0.0, "{t}");
    let mut edit_ms = Vec::new();
    let mut edit_phases = Vec::new();
    for i in 0..5 {
        // Alternate between excluding *.log and excluding *.log plus one module.
        let (rules, want) = if i % 2 == 0 {
            ("**/*.log\npkg0/mod1\n".to_string(), kept_log - 89)
        } else {
            ("**/*.log\n".to_string(), kept_log)
        };
        let t = s.exec_async(TIME_PASTE, json!(["rules-input", rules, want]))?;
        assert!(t[1].as_f64().unwrap() > 0.0, "edit timed out: {t}");
        eprintln!("edit: {}", phases(&t));
        edit_ms.push(t[1].as_f64().unwrap());
        edit_phases.push((t[1].as_f64().unwrap(), phases(&t)));
    }
    edit_ms.sort_by(f64::total_cmp);
    edit_phases.sort_by(|a, b| a.0.total_cmp(&b.0));
    let line = format!(
        "| rule edit on {lines} paths until the figures show | median {:.0} ms (runs: {}) |\n",
        edit_ms[2],
        edit_ms.iter().map(|m| format!("{m:.0}")).collect::<Vec<_>>().join(", ")
    );
    eprint!("{line}");
    report.push_str(&line);
    report.push_str(&format!("| where the median edit's time went (ms) | {} |\n", edit_phases[2].1));
    no_errors(&s)?;
    let out = root().join("target/ctxlens-web-timings.md");
    std::fs::write(&out, &report).map_err(|e| e.to_string())?;
    println!("{report}");
    Ok(())
}
