//! Project tasks: `cargo xtask setup | test | run | serve | measure`.
//!
//! * `setup` installs what a fresh machine lacks and skips what is there
//!   (each step compares versions first), so `test` and `run` work from a
//!   clean checkout: rustfmt, clippy, the wasm32 target, trunk 0.21.14,
//!   wasm-bindgen-cli (the version in Cargo.lock), wasm-opt (npm binaryen
//!   132, in `.tools/`), Debian's chromium and chromium-driver.
//! * `test` is what CI runs (`.ci/run`): fmt, clippy (native and wasm32),
//!   every workspace test, the release build of the page and the end-to-end
//!   tests in headless Chromium.
//! * `run` builds the page and serves `dist/` on localhost (the sample loads
//!   on first open); `run ARGS...` runs the CLI with ARGS instead.
//! * `serve` serves an already built `dist/`.
//! * `measure` builds the page, reports the gzipped bundle size and runs the
//!   browser timings (1M-line paste, rule edit on 100k paths).
//! * `screenshots` refreshes `docs/screenshot-*.png` from the browser test.
//! * `fuzz-smoke [SECONDS]` runs every cargo-fuzz target briefly on its
//!   committed seeds (part of `test`; needs the nightly toolchain, and
//!   installs cargo-fuzz when it is missing).
//! * `bench` builds the release `ctxlens` and `ctxlens-bench` and runs the
//!   benchmark runner (100k paths unless told otherwise; `--full` for 100k
//!   and 1M). It installs nothing: missing peers are skipped with a note.

mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

const TRUNK_VERSION: &str = "0.21.14";
const BINARYEN_VERSION: &str = "132.0.0";
const CARGO_FUZZ_VERSION: &str = "0.13.2";

fn root() -> PathBuf {
    // `cargo run` sets the variable at run time too: worktrees sharing one
    // target directory share one uplifted `xtask` binary, whose compile-time
    // value may name another checkout.
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), PathBuf::from);
    manifest_dir.parent().expect("xtask lives in the workspace").to_path_buf()
}

fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("xtask: $ {}", render(cmd));
    let status = cmd.current_dir(root()).status().map_err(|e| format!("{}: {e}", render(cmd)))?;
    if status.success() { Ok(()) } else { Err(format!("`{}` failed with {status}", render(cmd))) }
}

fn render(cmd: &Command) -> String {
    std::iter::once(cmd.get_program().to_string_lossy().into_owned())
        .chain(cmd.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// The first line of `program args`' standard output, if it runs.
fn version_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).stderr(Stdio::null()).output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or_default().trim().to_string())
}

fn tools_bin() -> PathBuf {
    root().join(".tools/node_modules/.bin")
}

/// The `wasm-bindgen` version Cargo.lock pins (the CLI must match it).
fn locked_wasm_bindgen() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

fn is_root() -> bool {
    version_of("id", &["-u"]).is_some_and(|u| u == "0")
}

/// PATH with `.tools/node_modules/.bin` (wasm-opt) and cargo's bin dir first.
fn tool_path() -> std::ffi::OsString {
    let mut parts = vec![tools_bin()];
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    {
        parts.push(home.join("bin"));
    }
    parts.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    std::env::join_paths(parts).unwrap_or_default()
}

/// Installs missing tools. Idempotent: every step checks first.
fn setup() -> Result<(), String> {
    let have_fmt = cargo().args(["fmt", "--version"]).output().is_ok_and(|o| o.status.success());
    if !have_fmt {
        run(Command::new("rustup").args(["component", "add", "rustfmt"]))?;
    }
    let have_clippy = cargo().args(["clippy", "--version"]).output().is_ok_and(|o| o.status.success());
    if !have_clippy {
        run(Command::new("rustup").args(["component", "add", "clippy"]))?;
    }
    let have_wasm = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown"));
    if !have_wasm {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    let path = tool_path();
    let trunk = Command::new("trunk").arg("--version").env("PATH", &path).output().ok();
    let trunk_ok = trunk.is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == format!("trunk {TRUNK_VERSION}"));
    if !trunk_ok {
        // trunk 0.22 needs a newer rustc than 1.95; 0.21.14 is the pinned one.
        run(cargo().args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))?;
    }

    let wb = locked_wasm_bindgen()?;
    let want = format!("wasm-bindgen {wb}");
    let have_wb = Command::new("wasm-bindgen")
        .arg("--version")
        .env("PATH", &path)
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == want);
    if !have_wb {
        // Not --locked: its lock file wants a webpki-roots this registry mirror lacks.
        run(cargo().args(["install", "wasm-bindgen-cli", "--version", &wb]))?;
    }

    let wasm_opt = tools_bin().join("wasm-opt");
    let have_opt = Command::new(&wasm_opt)
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("version 132"));
    if !have_opt {
        // Debian's binaryen (108) cannot read what rustc 1.95 + wasm-bindgen 0.2.130 emit.
        run(Command::new("npm").args([
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
            ".tools",
            &format!("binaryen@{BINARYEN_VERSION}"),
        ]))?;
    }

    let have_browser =
        version_of("chromium", &["--version"]).is_some() && version_of("chromedriver", &["--version"]).is_some();
    if !have_browser {
        let apt = |args: &[&str]| {
            let mut c = if is_root() {
                Command::new("apt-get")
            } else {
                let mut c = Command::new("sudo");
                c.arg("apt-get");
                c
            };
            c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
            run(&mut c)
        };
        apt(&["update"])?;
        apt(&["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"])?;
    }
    eprintln!(
        "xtask: tools: {} · {} · {} · {} · {}",
        version_of("trunk", &["--version"]).unwrap_or_else(|| format!("trunk {TRUNK_VERSION}")),
        want,
        version_of(&wasm_opt.to_string_lossy(), &["--version"]).unwrap_or_default(),
        version_of("chromium", &["--version"]).unwrap_or_default(),
        version_of("chromedriver", &["--version"]).unwrap_or_default(),
    );
    Ok(())
}

/// `trunk build --release` into dist/.
fn build_web() -> Result<(), String> {
    let mut c = Command::new("trunk");
    c.args(["build", "--release", "--locked"]).env("PATH", tool_path()).env("TRUNK_SKIP_VERSION_CHECK", "true");
    run(&mut c)
}

fn e2e(filter: Option<&str>) -> Result<(), String> {
    e2e_with(filter, &[])
}

fn e2e_with(filter: Option<&str>, env: &[(&str, PathBuf)]) -> Result<(), String> {
    let mut c = cargo();
    c.envs(env.iter().map(|(k, v)| (*k, v.as_os_str())));
    // Every test file (`browser`, `folder`): a filter names one test.
    c.args(["test", "-p", "ctxlens-e2e", "--locked", "--release", "--tests"]);
    c.arg("--");
    if let Some(f) = filter {
        c.args([f, "--exact"]);
    }
    c.args(["--ignored", "--nocapture", "--test-threads=1"]);
    c.env("CTXLENS_DIST", root().join("dist"));
    run(&mut c)
}

fn test() -> Result<(), String> {
    setup()?;
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    run(cargo().args(["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]))?;
    run(cargo().args([
        "clippy",
        "-p",
        "ctxlens-web",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo().args(["test", "--workspace", "--locked"]))?;
    build_web()?;
    // The CLI the end-to-end test compares the page with.
    run(cargo().args(["build", "--release", "--locked", "-p", "ctxlens"]))?;
    e2e(Some("page_matches_cli_and_permalinks_round_trip"))?;
    e2e(Some("folder_pick_matches_cli_walk"))?;
    fuzz_smoke(FUZZ_SMOKE_SECONDS)
}

/// Seconds per target in the fuzz smoke that `test` runs.
const FUZZ_SMOKE_SECONDS: u32 = 10;

/// Every fuzz target for `seconds` on the committed seeds (`fuzz/smoke.sh`).
/// cargo-fuzz needs nightly, which this machine kind ships but cannot
/// download: without it the smoke is skipped with a note instead of failing
/// the stable checks before it.
fn fuzz_smoke(seconds: u32) -> Result<(), String> {
    let nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !nightly {
        eprintln!("xtask: fuzz smoke skipped: no nightly toolchain (`rustup toolchain list`)");
        return Ok(());
    }
    let have_fuzz = cargo().args(["fuzz", "--version"]).output().is_ok_and(|o| o.status.success());
    if !have_fuzz {
        run(cargo().args(["install", "--locked", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION]))?;
    }
    // The fuzz crate has its own workspace and target dir; a shared
    // CARGO_TARGET_DIR would mix its sanitizer flags with the main build's.
    run(Command::new("bash")
        .arg(root().join("fuzz").join("smoke.sh"))
        .arg(seconds.to_string())
        .env_remove("CARGO_TARGET_DIR"))
}

fn run_cli(args: &[String]) -> Result<(), String> {
    let mut cmd = cargo();
    cmd.args(["run", "--release", "--locked", "-p", "ctxlens", "--"]).args(args);
    run(&mut cmd)
}

fn port_arg(args: &[String]) -> Result<u16, String> {
    match args.iter().position(|a| a == "--port") {
        Some(i) => args.get(i + 1).and_then(|p| p.parse().ok()).ok_or_else(|| "--port needs a number".into()),
        None => Ok(8080),
    }
}

fn serve_dist(port: u16) -> Result<(), String> {
    let dist = root().join("dist");
    if !dist.join("index.html").is_file() {
        return Err("dist/index.html is missing: run `cargo xtask run` (it builds the page first)".into());
    }
    serve::serve(&dist, port)
}

/// Gzipped size of a file (`gzip -9`, as a web server would send it).
fn gzipped(path: &Path) -> Result<u64, String> {
    let out = Command::new("gzip").arg("-9c").arg(path).output().map_err(|e| format!("gzip: {e}"))?;
    Ok(out.stdout.len() as u64)
}

/// Sizes of what a browser downloads: `(file, raw, gzip)`.
fn bundle_sizes() -> Result<Vec<(String, u64, u64)>, String> {
    let dist = root().join("dist");
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dist).map_err(|e| format!("dist/: {e}"))?.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if !p.is_file() {
            continue;
        }
        let raw = p.metadata().map(|m| m.len()).unwrap_or(0);
        out.push((e.file_name().to_string_lossy().into_owned(), raw, gzipped(&p)?));
    }
    Ok(out)
}

fn measure() -> Result<(), String> {
    setup()?;
    build_web()?;
    let sizes = bundle_sizes()?;
    let (mut raw, mut gz) = (0, 0);
    println!("| file | bytes | gzip -9 |\n|---|---:|---:|");
    for (name, r, g) in &sizes {
        println!("| {name} | {r} | {g} |");
        raw += r;
        gz += g;
    }
    println!("| **total** | **{raw}** | **{gz}** |");
    run(cargo().args(["build", "--release", "--locked", "-p", "ctxlens"]))?;
    e2e(Some("timings"))
}

/// Where cargo puts build outputs (`CARGO_TARGET_DIR` is relative to the workspace here).
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => root().join(d),
        None => root().join("target"),
    }
}

/// `bench [walk] [--full] [ARGS...]`: the side-by-side benchmark tables.
/// ARGS go to `ctxlens-bench` as they are (`--sizes`, `--no-walk`,
/// `--markdown FILE`, ...); without `--sizes` only 100k paths are run, and
/// `--full` restores the runner's default of 100k and 1M.
fn bench(args: &[String]) -> Result<(), String> {
    let (walk, args) = match args.split_first() {
        Some((first, rest)) if first == "walk" => (true, rest),
        _ => (false, args),
    };
    let full = args.iter().any(|a| a == "--full");
    let mut pass: Vec<String> = args.iter().filter(|a| *a != "--full").cloned().collect();
    if !walk && !full && !pass.iter().any(|a| a == "--sizes") {
        pass.splice(0..0, ["--sizes".to_string(), "100000".to_string()]);
    }
    run(cargo().args(["build", "--release", "--locked", "-p", "ctxlens", "-p", "ctxlens-bench"]))?;
    let mut c = Command::new(target_dir().join("release/ctxlens-bench"));
    c.arg(if walk { "walk" } else { "run" }).args(&pass);
    // Not `run`: a relative `--markdown FILE` means the caller's directory.
    eprintln!("xtask: $ {}", render(&c));
    let status = c.status().map_err(|e| format!("{}: {e}", render(&c)))?;
    if status.success() { Ok(()) } else { Err(format!("`{}` failed with {status}", render(&c))) }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = if args.len() > 1 { &args[1..] } else { &[][..] };
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup(),
        Some("test") => test(),
        Some("build-web") => setup().and_then(|_| build_web()),
        Some("e2e") => e2e(rest.first().map(String::as_str)),
        Some("run") if rest.is_empty() || rest[0] == "--port" => {
            port_arg(rest).and_then(|port| setup().and_then(|_| build_web()).and_then(|_| serve_dist(port)))
        }
        Some("run") => run_cli(rest),
        Some("serve") => port_arg(rest).and_then(serve_dist),
        Some("measure") => measure(),
        Some("fuzz-smoke") => match rest.first().map(|s| s.parse::<u32>()) {
            None => fuzz_smoke(FUZZ_SMOKE_SECONDS),
            Some(Ok(secs)) => fuzz_smoke(secs),
            Some(Err(_)) => Err("fuzz-smoke takes a number of seconds per target".into()),
        },
        Some("bench") => bench(rest),
        Some("screenshots") => setup().and_then(|_| build_web()).and_then(|_| {
            run(cargo().args(["build", "--release", "--locked", "-p", "ctxlens"]))?;
            e2e_with(
                Some("page_matches_cli_and_permalinks_round_trip"),
                &[("CTXLENS_SCREENSHOT_DIR", root().join("docs"))],
            )
        }),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\
                 \n  setup              install what is missing (trunk, wasm-bindgen, wasm-opt, chromium, ...)\
                 \n  test               everything CI runs: fmt, clippy, tests, page build, browser end-to-end\
                 \n  run [--port N]     build the page and serve it on http://127.0.0.1:N/ (default 8080)\
                 \n  run ARGS...        run the ctxlens CLI with ARGS\
                 \n  serve [--port N]   serve the already built dist/\
                 \n  build-web          build the page into dist/\
                 \n  e2e [TEST]         the browser end-to-end tests on dist/\
                 \n  measure            bundle size and browser timings\
                 \n  bench [walk] [--full] [ARGS...]\
                 \n                     benchmark tables (release build; 100k paths, --full adds 1M;\
                 \n                     ARGS go to ctxlens-bench run: --sizes, --no-walk, --no-peers, --markdown FILE)\
                 \n  screenshots        refresh the screenshots in docs/ (runs the browser test)\
                 \n  fuzz-smoke [SECS]  every fuzz target for SECS seconds (default 10) on its seeds"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
