//! A real folder picked with the page's directory picker, in real headless
//! Chromium: the page reads it locally (`webkitdirectory`, `File.size`,
//! its `.dockerignore`) and must show what the CLI shows when it walks the
//! same directory; so must a drop of it (stand-in FileSystem entries, since
//! WebDriver cannot drag from the desktop).
//!
//! Needs a built `dist/`, `chromium` and `chromedriver`: run through
//! `cargo xtask test` (or `cargo xtask e2e folder_pick_matches_cli_walk`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use ctxlens_e2e::{Driver, cli_command, root, serve};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(60);

fn dist() -> PathBuf {
    std::env::var_os("CTXLENS_DIST").map(PathBuf::from).unwrap_or_else(|| root().join("dist"))
}

/// A small monorepo on disk: sources, a `node_modules` tree, test output,
/// `.git` objects, a nested directory the rules re-include, and its
/// `.dockerignore`. Sizes differ per file so a wrong attribution shows.
fn make_context(dir: &Path) -> std::io::Result<()> {
    let files: &[(&str, usize)] = &[
        ("Dockerfile", 120),
        ("go.mod", 64),
        ("cmd/api/main.go", 4_321),
        ("cmd/api/main_test.go", 2_222),
        ("cmd/api/api.test", 1_500_000),
        ("pkg/store/store.go", 9_876),
        ("pkg/store/coverage.out", 77_777),
        ("web/package.json", 512),
        ("web/node_modules/left-pad/index.js", 3_000),
        ("web/node_modules/left-pad/package.json", 700),
        ("web/node_modules/react/cjs/react.development.js", 110_000),
        ("web/src/app.tsx", 2_048),
        ("docs/guide.md", 5_000),
        ("docs/keep/README.md", 900),
        (".git/HEAD", 23),
        (".git/objects/ab/cdef0123456789", 65_432),
        ("notes with spaces/ünïcode naïve.txt", 333),
        ("empty.txt", 0),
    ];
    for (path, size) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap())?;
        // Content varies with the path, so no two files share bytes by accident.
        let fill = path.bytes().fold(7u8, |a, b| a.wrapping_mul(31).wrapping_add(b));
        std::fs::write(&p, vec![fill; *size])?;
    }
    std::fs::write(
        dir.join(".dockerignore"),
        "# the RCA's kind of rules\n.git\n**/node_modules\n**/*.test\n**/coverage*.out\ndocs\n!docs/keep\n",
    )
}

/// `[path, is_dir, size, text]` for every entry under `dir` (text only for ignore files).
fn describe(dir: &Path, prefix: &str, out: &mut Vec<Value>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        if e.file_type()?.is_dir() {
            out.push(json!([path, true, 0, null]));
            describe(&e.path(), &path, out)?;
        } else {
            let text = name.ends_with("dockerignore").then(|| std::fs::read_to_string(e.path())).transpose()?;
            out.push(json!([path, false, e.metadata()?.len(), text]));
        }
    }
    Ok(())
}

/// Drops a folder described as `[path, is_dir, size, text]` rows on the page,
/// through objects shaped like `FileSystemDirectoryEntry`/`FileSystemFileEntry`.
const DROP_FOLDER: &str = r#"
const [rootName, rows] = arguments;
const dirs = new Map([['', []]]);
for (const [path, isDir, size, text] of rows) {
  const name = path.split('/').pop();
  const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  let entry;
  if (isDir) {
    dirs.set(path, dirs.get(path) || []);
    entry = {name, isDirectory: true, isFile: false, createReader: () => reader(path)};
  } else {
    const file = new File([text !== null ? text : new Uint8Array(size)], name);
    entry = {name, isDirectory: false, isFile: true, file: (ok) => setTimeout(() => ok(file), 0)};
  }
  if (!dirs.has(parent)) dirs.set(parent, []);
  dirs.get(parent).push(entry);
}
function reader(path) {
  let at = 0;
  return {readEntries(ok) {
    const batch = (dirs.get(path) || []).slice(at, at + 2);
    at += batch.length;
    setTimeout(() => ok(batch), 0);
  }};
}
const root = {name: rootName, isDirectory: true, isFile: false, createReader: () => reader('')};
const item = {kind: 'file', webkitGetAsEntry: () => root, getAsFile: () => null};
const dt = {items: {length: 1, get: (i) => i === 0 ? item : undefined, 0: item}, types: ['Files'], files: []};
const ev = new Event('drop', {bubbles: true, cancelable: true});
Object.defineProperty(ev, 'dataTransfer', {value: dt});
document.querySelector('.app').dispatchEvent(ev);
return true;
"#;

#[test]
#[ignore = "needs dist/, chromium and chromedriver: run `cargo xtask test`"]
fn folder_pick_matches_cli_walk() -> Result<(), String> {
    let dist = dist();
    assert!(dist.join("index.html").is_file(), "build the page first: trunk build --release");
    let ctx = std::env::temp_dir().join(format!("ctxlens-e2e-folder-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&ctx);
    make_context(&ctx).map_err(|e| format!("{}: {e}", ctx.display()))?;

    // What the CLI says when it walks the directory itself.
    let out = cli_command().arg(&ctx).arg("--json").output().map_err(|e| format!("cannot run the CLI: {e}"))?;
    let cli: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("CLI output is not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)))?;
    let (want_bytes, want_files) =
        (cli["context"]["bytes"].as_u64().unwrap(), cli["context"]["files"].as_u64().unwrap());
    let want_excluded = cli["excluded"]["bytes"].as_u64().unwrap();
    assert!(want_excluded > 1_500_000, "the rules must exclude something: {cli}");

    let base = serve(&dist);
    let driver = Driver::start()?;
    let s = driver.session(1280, 1000)?;
    s.goto(&base)?;
    // The sample loads first; the picked folder replaces it.
    s.wait_for(
        "the sample",
        "return document.querySelector('[data-testid=context-bytes]') ? true : null;",
        json!([]),
        WAIT,
    )?;
    let picker = s.find("input[type=file][webkitdirectory]")?;
    // chromedriver reads the directory itself and hands the page its files,
    // as the browser's folder chooser does.
    s.send_keys(&picker, &ctx.to_string_lossy())?;
    let got = s
        .wait_for(
            "the folder's figures",
            "const b = document.querySelector('[data-testid=context-bytes]'); \
             const f = document.querySelector('[data-testid=context-files]'); \
             const x = document.querySelector('[data-testid=excluded-bytes]'); \
             if (!b || !f || !x || b.dataset.bytes !== arguments[0]) return null; \
             return [b.dataset.bytes, f.dataset.files, x.dataset.bytes];",
            json!([want_bytes.to_string()]),
            WAIT,
        )
        .map_err(|e| {
            let shown = s.exec(
                "return [...document.querySelectorAll('[data-testid=context-bytes], .status')].map(e => e.textContent);",
                json!([]),
            );
            format!("{e}; the page shows {shown:?}; the CLI says {want_bytes} bytes")
        })?;
    assert_eq!(got, json!([want_bytes.to_string(), want_files.to_string(), want_excluded.to_string()]));

    // The rules editor holds the folder's own .dockerignore, one row per rule.
    let rules = s.exec("return document.querySelector('[data-testid=rules-input]').value;", json!([]))?;
    assert!(rules.as_str().is_some_and(|r| r.contains("!docs/keep")), "rules editor: {rules}");
    let rows = s.wait_for(
        "a row per rule",
        "const r = document.querySelectorAll('[data-testid=rule-row]'); return r.length ? r.length : null;",
        json!([]),
        WAIT,
    )?;
    assert_eq!(rows, json!(6));

    // A drop of the same folder. WebDriver cannot drag from the desktop, so
    // the drop event carries stand-ins for the browser's FileSystem entries,
    // made from the real directory: the page's own walk (readEntries until it
    // returns nothing, in batches of 2 here; File.size; the ignore file's text)
    // must reach the same figures.
    s.click(&s.find("[data-testid=sample-button]")?)?;
    s.wait_for(
        "the sample again",
        "const b = document.querySelector('[data-testid=context-bytes]'); return b && b.dataset.bytes !== arguments[0] ? true : null;",
        json!([want_bytes.to_string()]),
        WAIT,
    )?;
    let mut tree = Vec::new();
    describe(&ctx, "", &mut tree).map_err(|e| e.to_string())?;
    s.exec(DROP_FOLDER, json!([ctx.file_name().unwrap().to_string_lossy(), tree]))?;
    let dropped = s.wait_for(
        "the dropped folder's figures",
        "const b = document.querySelector('[data-testid=context-bytes]'); \
         const f = document.querySelector('[data-testid=context-files]'); \
         if (!b || !f || b.dataset.bytes !== arguments[0]) return null; return [b.dataset.bytes, f.dataset.files];",
        json!([want_bytes.to_string()]),
        WAIT,
    )?;
    assert_eq!(dropped, json!([want_bytes.to_string(), want_files.to_string()]));

    let errs = s.errors()?;
    assert!(errs.as_array().is_none_or(|a| a.is_empty()), "the page reported errors: {errs}");
    let _ = std::fs::remove_dir_all(&ctx);
    eprintln!("e2e: picked folder shows {want_bytes} bytes in {want_files} files, as the CLI's walk does");
    Ok(())
}
