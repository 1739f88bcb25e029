//! A real folder picked with the page's directory picker, in real headless
//! Chromium: the page reads it locally (`webkitdirectory`, `File.size`,
//! its `.dockerignore`) and must show what the CLI shows when it walks the
//! same directory.
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
    let errs = s.errors()?;
    assert!(errs.as_array().is_none_or(|a| a.is_empty()), "the page reported errors: {errs}");
    let _ = std::fs::remove_dir_all(&ctx);
    eprintln!("e2e: picked folder shows {want_bytes} bytes in {want_files} files, as the CLI's walk does");
    Ok(())
}
