//! `ctxlens-bench`: the side-by-side benchmark runner.
//!
//! ```text
//! ctxlens-bench [run] [--sizes 100000,1000000] [--reps N] [--walk-paths N] [--walk-threads N]
//!               [--no-peers] [--no-walk] [--no-cli] [--formats du-b,find,...] [--markdown FILE]
//! ctxlens-bench gen --paths N [--seed S] [--format du-b] --out FILE
//! ctxlens-bench rules [--unprunable] --out FILE
//! ctxlens-bench walk [--walk-paths N] [--walk-threads N] [--reps N] [--markdown FILE]
//! ```
//!
//! `run` measures, separately, on the synthetic monorepo of each size:
//! listing parse throughput per format, rule evaluation, memory per path,
//! end-to-end CLI time next to Docker's own matcher (moby/patternmatcher,
//! a Go program) and `@balena/dockerignore` (npm) on the same input, and
//! the real-directory walk against `du -sb` on a materialised sparse tree.
//! It installs nothing: a peer whose toolchain is missing is skipped with a
//! message saying how to set it up.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use ctxlens_bench::synth::{self, DOCKERIGNORE, FORMATS, Kind, Repo};
use ctxlens_core::eval::{NodeState, TransferOptions, transfer};
use ctxlens_core::fs::{ReadOptions, read_context_with};
use ctxlens_core::ignore::RuleSet;
use ctxlens_core::listing::{ListingFormat, parse_listing};
use ctxlens_core::report::{IgnoreSource, build_report};

// ---------------------------------------------------------------- allocator

/// Counts live heap bytes (as requested, without malloc's own overhead) and
/// their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grow(n: usize) {
    let now = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(now, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grow(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> usize {
    LIVE.load(Relaxed)
}

fn reset_peak() -> usize {
    let now = live();
    PEAK.store(now, Relaxed);
    now
}

fn peak() -> usize {
    PEAK.load(Relaxed)
}

// ---------------------------------------------------------------- options

struct Opts {
    sizes: Vec<usize>,
    reps: Option<usize>,
    walk_paths: usize,
    /// Threads for the walk's main row (0 = one per core).
    walk_threads: usize,
    peers: bool,
    walk: bool,
    cli: bool,
    formats: Option<Vec<String>>,
    markdown: Option<PathBuf>,
    seed: u64,
}

fn usage() -> ! {
    eprintln!(
        "usage:\n  ctxlens-bench [run] [--sizes 100000,1000000] [--reps N] [--walk-paths N] [--walk-threads N] [--no-peers] [--no-walk] \
         [--no-cli] [--formats du-b,find,...] [--seed S] [--markdown FILE]\n  ctxlens-bench gen --paths N [--seed S] \
         [--format du-b] --out FILE\n  ctxlens-bench rules [--unprunable] --out FILE\n  ctxlens-bench walk \
         [--walk-paths N] [--walk-threads N] [--reps N] [--markdown FILE]"
    );
    std::process::exit(2)
}

fn value<'a>(args: &'a [String], i: &mut usize) -> &'a str {
    *i += 1;
    args.get(*i).map(String::as_str).unwrap_or_else(|| usage())
}

fn num<T: std::str::FromStr>(s: &str) -> T {
    s.replace('_', "").parse().unwrap_or_else(|_| usage())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") => cmd_gen(&args[1..]),
        Some("rules") => cmd_rules(&args[1..]),
        Some("run") => cmd_run(&args[1..]),
        // The walk section alone: quick to repeat while working on `fs.rs`.
        Some("walk") => {
            let only_walk = ["--sizes", "", "--no-peers", "--no-cli"].map(String::from);
            cmd_run(&[&args[1..], &only_walk[..]].concat())
        }
        Some("__measure") => cmd_measure(&args[1..]),
        Some("-h" | "--help") => usage(),
        _ => cmd_run(&args),
    }
}

fn cmd_gen(args: &[String]) {
    let (mut n, mut seed, mut format, mut out) = (None, 1u64, "du-b".to_string(), None);
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--paths" => n = Some(num(value(args, &mut i))),
            "--seed" => seed = num(value(args, &mut i)),
            "--format" => format = value(args, &mut i).to_string(),
            "--out" => out = Some(PathBuf::from(value(args, &mut i))),
            _ => usage(),
        }
        i += 1;
    }
    let (Some(n), Some(out)) = (n, out) else { usage() };
    let Some(&(_, _, print)) = FORMATS.iter().find(|f| f.0 == format) else {
        let names: Vec<&str> = FORMATS.iter().map(|f| f.0).collect();
        eprintln!("unknown format {format}; one of {}", names.join(", "));
        std::process::exit(2)
    };
    let repo = Repo::generate(n, seed);
    std::fs::write(&out, print(&repo)).unwrap_or_else(|e| die(&format!("{}: {e}", out.display())));
}

fn cmd_rules(args: &[String]) {
    let (mut unprunable, mut out) = (false, None);
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--unprunable" => unprunable = true,
            "--out" => out = Some(PathBuf::from(value(args, &mut i))),
            _ => usage(),
        }
        i += 1;
    }
    let Some(out) = out else { usage() };
    let text = if unprunable { synth::dockerignore_unprunable() } else { DOCKERIGNORE.to_string() };
    std::fs::write(&out, text).unwrap_or_else(|e| die(&format!("{}: {e}", out.display())));
}

fn die(msg: &str) -> ! {
    eprintln!("ctxlens-bench: {msg}");
    std::process::exit(2)
}

fn cmd_run(args: &[String]) {
    let mut o = Opts {
        sizes: vec![100_000, 1_000_000],
        reps: None,
        walk_paths: 100_000,
        walk_threads: 0,
        peers: true,
        walk: true,
        cli: true,
        formats: None,
        markdown: None,
        seed: 1,
    };
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--sizes" => o.sizes = value(args, &mut i).split(',').filter(|s| !s.is_empty()).map(num).collect(),
            "--reps" => o.reps = Some(num(value(args, &mut i))),
            "--walk-paths" => o.walk_paths = num(value(args, &mut i)),
            "--walk-threads" => o.walk_threads = num(value(args, &mut i)),
            "--no-peers" => o.peers = false,
            "--no-walk" => o.walk = false,
            "--no-cli" => o.cli = false,
            "--formats" => o.formats = Some(value(args, &mut i).split(',').map(String::from).collect()),
            "--markdown" => o.markdown = Some(PathBuf::from(value(args, &mut i))),
            "--seed" => o.seed = num(value(args, &mut i)),
            _ => usage(),
        }
        i += 1;
    }
    run(&o);
}

// ---------------------------------------------------------------- helpers

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("bench lives in the workspace").to_path_buf()
}

/// `target/` of the running binary (…/target/release/ctxlens-bench).
fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|e| e.parent()?.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| workspace().join("target"))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Runs `f` `reps` times (after nothing: callers warm up themselves if needed) and returns the median.
fn time<R>(reps: usize, f: impl FnMut() -> R) -> (Duration, R) {
    let (wall, _, r) = time_with_cpu(reps, f);
    (wall, r)
}

/// [`time`], with the median CPU time as well: on a shared machine a
/// single-threaded run gets a fraction of a core, and only its CPU time says
/// how fast the code is.
fn time_with_cpu<R>(reps: usize, mut f: impl FnMut() -> R) -> (Duration, Duration, R) {
    let mut times = Vec::with_capacity(reps);
    let mut cpus = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps.max(1) {
        let c = own_cpu();
        let t = Instant::now();
        let r = f();
        times.push(t.elapsed());
        cpus.push(own_cpu().saturating_sub(c));
        last = Some(r);
    }
    (median(times), median(cpus), last.expect("at least one run"))
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 10.0 {
        format!("{s:.1} s")
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 0.001 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn human_count(n: usize) -> String {
    if n >= 1_000_000 && n.is_multiple_of(1_000_000) {
        format!("{}M", n / 1_000_000)
    } else if n >= 1_000 && n.is_multiple_of(1_000) {
        format!("{}k", n / 1_000)
    } else {
        n.to_string()
    }
}

/// A child process's wall time and peak RSS (from `wait4`).
struct ChildRun {
    wall: Duration,
    max_rss_kib: u64,
    /// User plus system CPU time.
    cpu: Duration,
    stdout: Vec<u8>,
    ok: bool,
    stderr: String,
}

/// Runs `cmd` through `ctxlens-bench __measure`, a small process that
/// spawns it and reports `wait4`'s figures: a child forked straight from
/// this (large) process would count this process's pages in its peak RSS.
fn run_child(cmd: &mut Command) -> ChildRun {
    let tag = format!("{}-{}", std::process::id(), COUNTER.fetch_add(1, Relaxed));
    let out_path = std::env::temp_dir().join(format!("ctxlens-bench-{tag}.out"));
    let stat_path = std::env::temp_dir().join(format!("ctxlens-bench-{tag}.stat"));
    let out_file = std::fs::File::create(&out_path).unwrap_or_else(|e| die(&format!("{}: {e}", out_path.display())));
    let exe = std::env::current_exe().unwrap_or_else(|e| die(&format!("cannot find myself: {e}")));
    let mut m = Command::new(exe);
    m.arg("__measure").arg(&stat_path).arg(cmd.get_program()).args(cmd.get_args());
    if let Some(d) = cmd.get_current_dir() {
        m.current_dir(d);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => m.env(k, v),
            None => m.env_remove(k),
        };
    }
    let output = m
        .stdin(Stdio::null())
        .stdout(out_file)
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| die(&format!("cannot run {:?}: {e}", cmd.get_program())));
    let stat = std::fs::read_to_string(&stat_path).unwrap_or_default();
    let mut f = stat.split_whitespace().map(|x| x.parse::<u64>().unwrap_or(0));
    let (ok, nanos, rss) = (f.next() == Some(1), f.next().unwrap_or(0), f.next().unwrap_or(0));
    let cpu = Duration::from_nanos(f.next().unwrap_or(0));
    let stdout = std::fs::read(&out_path).unwrap_or_default();
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&stat_path);
    ChildRun {
        wall: Duration::from_nanos(nanos),
        max_rss_kib: rss,
        cpu,
        stdout,
        ok: ok && output.status.success(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// `__measure STAT PROG ARGS...`: runs PROG (stdio inherited) and writes
/// `<success 0|1> <wall ns> <max RSS KiB>` to STAT.
fn cmd_measure(args: &[String]) -> ! {
    let [stat, prog, rest @ ..] = args else { usage() };
    let t = Instant::now();
    let child = Command::new(prog).args(rest).spawn().unwrap_or_else(|e| die(&format!("cannot run {prog}: {e}")));
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: plain FFI; `ru` is a valid out-parameter and the child is ours
    // (std never waits for it: `child` is forgotten below).
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    let wall = t.elapsed();
    std::mem::forget(child);
    let ok = r == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    let cpu = timeval(ru.ru_utime) + timeval(ru.ru_stime);
    let _ = std::fs::write(stat, format!("{} {} {} {}", u8::from(ok), wall.as_nanos(), ru.ru_maxrss, cpu.as_nanos()));
    std::process::exit(if ok { 0 } else { 1 })
}

fn timeval(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

/// CPU time (user plus system) of this process so far, all threads.
fn own_cpu() -> Duration {
    // SAFETY: plain FFI with a valid out-parameter.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return Duration::ZERO;
    }
    timeval(ru.ru_utime) + timeval(ru.ru_stime)
}

fn which(prog: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(prog)).find(|p| p.is_file())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| s.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<u64>().unwrap_or(0)))
        .map(|kib| format!("{:.0} GiB", kib as f64 / 1048576.0))
        .unwrap_or_default();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default().trim().to_string();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let rev = Command::new("git")
        .args(["-C", env!("CARGO_MANIFEST_DIR"), "rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!(
        "{date}; {cpu}, {cores} cores, {mem} RAM, Linux {kernel}; {rustc}; ctxlens at {rev} plus uncommitted work; \
         load average at start {} (the machine is shared)",
        load.join(" ")
    )
}

// ---------------------------------------------------------------- peers

struct Peers {
    ctxlens: Option<PathBuf>,
    patternmatcher: Option<PathBuf>,
    balena: Option<PathBuf>,
}

fn find_peers(o: &Opts, notes: &mut Vec<String>) -> Peers {
    let mut p = Peers { ctxlens: None, patternmatcher: None, balena: None };
    if o.cli {
        let exe = std::env::current_exe().ok().and_then(|e| Some(e.parent()?.join("ctxlens")));
        match exe.filter(|e| e.is_file()) {
            Some(e) => p.ctxlens = Some(e),
            None => notes.push(
                "ctxlens CLI not found next to ctxlens-bench: end-to-end rows skipped \
                 (build it with `cargo build --release -p ctxlens -p ctxlens-bench`)"
                    .into(),
            ),
        }
    }
    if !o.peers {
        return p;
    }
    // Docker's matcher: a Go program against Debian's package.
    let src = workspace().join("bench/peers/patternmatcher/main.go");
    let gopath = Path::new("/usr/share/gocode");
    match which("go") {
        None => notes.push(
            "moby/patternmatcher peer skipped: `go` not found \
             (apt-get install golang-go golang-github-moby-patternmatcher-dev)"
                .into(),
        ),
        Some(go) if !gopath.join("src/github.com/moby/patternmatcher").is_dir() => {
            let _ = go;
            notes.push(
                "moby/patternmatcher peer skipped: /usr/share/gocode/src/github.com/moby/patternmatcher missing \
                 (apt-get install golang-github-moby-patternmatcher-dev)"
                    .into(),
            )
        }
        Some(go) => {
            let out = target_dir().join("bench-peers/patternmatcher-peer");
            let _ = std::fs::create_dir_all(out.parent().expect("has parent"));
            let fresh = match (
                std::fs::metadata(&out).and_then(|m| m.modified()),
                std::fs::metadata(&src).and_then(|m| m.modified()),
            ) {
                (Ok(b), Ok(s)) => b >= s,
                _ => false,
            };
            let built = fresh
                || Command::new(go)
                    .args(["build", "-o"])
                    .arg(&out)
                    .arg(&src)
                    .env("GO111MODULE", "off")
                    .env("GOPATH", gopath)
                    .status()
                    .is_ok_and(|s| s.success());
            if built {
                p.patternmatcher = Some(out);
            } else {
                notes.push("moby/patternmatcher peer skipped: `go build` failed".into());
            }
        }
    }
    let script = workspace().join("bench/peers/node/balena.js");
    let module = workspace().join("bench/peers/node/node_modules/@balena/dockerignore");
    match which("node") {
        None => notes.push(
            "@balena/dockerignore peer skipped: `node` not found (apt-get install nodejs npm, then npm ci --prefix bench/peers/node)".into(),
        ),
        Some(_) if !module.is_dir() => {
            notes.push("@balena/dockerignore peer skipped: not installed (npm ci --prefix bench/peers/node)".into())
        }
        Some(_) => p.balena = Some(script),
    }
    p
}

/// `{"files":N,"bytes":B}` from a peer, or ctxlens's report (`context.files`, `context.bytes`).
fn files_bytes(json: &[u8]) -> Option<(u64, u64)> {
    let v: serde_json::Value = serde_json::from_slice(json).ok()?;
    let c = v.get("context").unwrap_or(&v);
    Some((c.get("files")?.as_u64()?, c.get("bytes")?.as_u64()?))
}

// ---------------------------------------------------------------- the run

struct Out {
    text: String,
}

impl Out {
    fn line(&mut self, s: impl AsRef<str>) {
        println!("{}", s.as_ref());
        self.text.push_str(s.as_ref());
        self.text.push('\n');
    }
}

fn run(o: &Opts) {
    let mut out = Out { text: String::new() };
    let mut notes = Vec::new();
    let peers = find_peers(o, &mut notes);
    let data = target_dir().join("bench-data");
    std::fs::create_dir_all(&data).unwrap_or_else(|e| die(&format!("{}: {e}", data.display())));
    out.line(format!("Machine: {}", machine()));
    out.line("");
    for n in &notes {
        out.line(format!("> {n}"));
    }
    if !notes.is_empty() {
        out.line("");
    }

    let rules_typical = RuleSet::parse(DOCKERIGNORE.as_bytes()).expect("benchmark rules are valid");
    let unprunable_text = synth::dockerignore_unprunable();
    let rules_unprunable = RuleSet::parse(unprunable_text.as_bytes()).expect("benchmark rules are valid");
    let typical_path = data.join("typical.dockerignore");
    let unprunable_path = data.join("unprunable.dockerignore");
    std::fs::write(&typical_path, DOCKERIGNORE).expect("write rules");
    std::fs::write(&unprunable_path, &unprunable_text).expect("write rules");

    let mut summary: Vec<(String, String, String, bool)> = Vec::new();

    for &n in &o.sizes {
        let reps = o.reps.unwrap_or(if n >= 1_000_000 { 3 } else { 5 });
        let label = human_count(n);
        eprintln!("ctxlens-bench: generating {label} paths…");
        let repo = Repo::generate(n, o.seed);
        let (dirs, files, links) = repo.counts();
        out.line(format!(
            "## {label} paths ({dirs} directories, {files} files, {links} symlinks; {:.1} GB of file data; seed {})",
            repo.file_bytes() as f64 / 1e9,
            o.seed
        ));
        out.line("");

        // -------- parse throughput per format
        out.line("### Listing parse (`parse_listing`, format given; tree built and finished)");
        out.line("");
        out.line("| format | input | entries in tree | time (median) | MB/s | paths/s | CPU time | MB/s of CPU time |");
        out.line("|---|---:|---:|---:|---:|---:|---:|---:|");
        let mut du_ab: Vec<u8> = Vec::new();
        for &(name, what, print) in FORMATS {
            if let Some(only) = &o.formats
                && !only.iter().any(|f| f == name)
                && name != "du-b"
            {
                continue;
            }
            let input = print(&repo);
            let fmt = ListingFormat::from_name(name).expect("known format");
            let (d, cpu, listing) = time_with_cpu(reps, || parse_listing(&input, Some(fmt)));
            let entries = match &listing {
                Ok(l) => (l.tree.len() - 1).to_string(),
                Err(e) => format!("error: {e}"),
            };
            drop(listing);
            // One table row: what was parsed, the entries it gave, and its wall and CPU medians.
            let row = |label: &str, entries: &str, wall: Duration, cpu: Duration| {
                format!(
                    "| {label} | {:.1} MB | {entries} | {} | {:.0} | {:.2} M | {} | {:.0} |",
                    mb(input.len()),
                    secs(wall),
                    mb(input.len()) / wall.as_secs_f64(),
                    n as f64 / wall.as_secs_f64() / 1e6,
                    secs(cpu),
                    mb(input.len()) / cpu.as_secs_f64()
                )
            };
            let rate = mb(input.len()) / d.as_secs_f64();
            let cpu_rate = mb(input.len()) / cpu.as_secs_f64();
            out.line(row(&format!("`{what}`"), &entries, d, cpu));
            if name == "du-b" {
                let (d2, c2, _) = time_with_cpu(reps, || parse_listing(&input, None));
                out.line(row(&format!("`{what}`, autodetected"), "", d2, c2));
                // What the format itself costs: a lower bound for any parser.
                let (d3, c3, _) = time_with_cpu(reps, || split_du(&input, |_, _| {}));
                out.line(row("floor: split lines, parse sizes, no tree", "", d3, c3));
                let (d4, c4, tree_len) = time_with_cpu(reps, || {
                    let mut t = ctxlens_core::tree::ContextTree::new();
                    split_du(&input, |size, path| {
                        let _ = t.insert(path, ctxlens_core::tree::Entry::file(size));
                    });
                    t.finish();
                    t.len()
                });
                out.line(row(
                    "floor: the same + `ContextTree::insert` per line (public API)",
                    &(tree_len - 1).to_string(),
                    d4,
                    c4,
                ));
                summary.push((
                    format!("`du -ab` parse, {label}"),
                    "≥ 300 MB/s".into(),
                    format!("{rate:.0} MB/s ({cpu_rate:.0} MB/s of CPU time)"),
                    rate >= 300.0,
                ));
                du_ab = input;
            }
        }
        out.line("");

        // -------- memory
        let before = reset_peak();
        let listing = parse_listing(&du_ab, Some(ListingFormat::DuBytes)).expect("du -ab parses");
        let peak_parse = peak() - before;
        let retained = live() - before;
        let nodes = listing.tree.len() - 1;
        let before_t = reset_peak();
        let t = transfer(&listing.tree, &TransferOptions { rules: Some(&rules_typical), follow_paths: None });
        let transfer_retained = live() - before_t;
        let transfer_peak = peak() - before_t;
        drop(t);
        out.line("### Memory per path (heap bytes requested, counted by a global allocator; `du -ab` input)");
        out.line("");
        out.line("| what | bytes | per path |");
        out.line("|---|---:|---:|");
        out.line(format!(
            "| input text (`du -ab`) | {:.1} MB | {:.0} |",
            mb(du_ab.len()),
            du_ab.len() as f64 / nodes as f64
        ));
        out.line(format!(
            "| parsed listing kept (`Listing`: tree + metadata) | {:.1} MB | **{:.0}** |",
            mb(retained),
            retained as f64 / nodes as f64
        ));
        out.line(format!(
            "| peak while parsing (input not counted) | {:.1} MB | {:.0} |",
            mb(peak_parse),
            peak_parse as f64 / nodes as f64
        ));
        out.line(format!(
            "| evaluation result kept (`Transfer`) | {:.1} MB | {:.0} |",
            mb(transfer_retained),
            transfer_retained as f64 / nodes as f64
        ));
        out.line(format!(
            "| peak while evaluating | {:.1} MB | {:.0} |",
            mb(transfer_peak),
            transfer_peak as f64 / nodes as f64
        ));
        let per_path = retained as f64 / nodes as f64;
        summary.push((
            format!("memory per path (tree), {label}"),
            "≤ 100 B".into(),
            format!("{per_path:.0} B"),
            per_path <= 100.0,
        ));

        // -------- rule evaluation
        out.line("");
        out.line("### Rule evaluation (in process, tree already built)");
        out.line("");
        out.line("| rules | method | visited | time (median) | tree paths/s |");
        out.line("|---|---|---:|---:|---:|");
        let tree = &listing.tree;
        for (rname, rules) in [("typical", &rules_typical), ("unprunable (`!**/*.proto`)", &rules_unprunable)] {
            let (d, t) = time(reps, || transfer(tree, &TransferOptions { rules: Some(rules), follow_paths: None }));
            let visited = tree.walk().filter(|&id| t.verdict(id).state != NodeState::NotVisited).count();
            out.line(format!(
                "| {rname} | `eval::transfer` (threaded, BuildKit walk) | {visited} | {} | {:.1} M |",
                secs(d),
                nodes as f64 / d.as_secs_f64() / 1e6
            ));
            let (d, _) = time(1, || {
                build_report(tree, Some(rules), IgnoreSource::Explicit, None, None);
            });
            out.line(format!(
                "| {rname} | `report::build_report` (+ saving of each of {} rules) | | {} | {:.1} M |",
                rules.rules().len(),
                secs(d),
                nodes as f64 / d.as_secs_f64() / 1e6
            ));
        }
        // Per-path evaluation without threading, as a library without a walk does it.
        let ids: Vec<u32> = tree.walk().collect();
        let paths: Vec<Vec<u8>> = ids.iter().map(|&id| tree.path(id)).collect();
        let (d, _) = time(1, || paths.iter().filter(|p| rules_typical.matches_or_parent(p).is_ok_and(|v| v.0)).count());
        out.line(format!(
            "| typical | `RuleSet::matches_or_parent` on every path (no threading) | {} | {} | {:.1} M |",
            paths.len(),
            secs(d),
            nodes as f64 / d.as_secs_f64() / 1e6
        ));
        drop(paths);
        drop(listing);
        out.line("");

        // -------- end to end
        if peers.ctxlens.is_some() || peers.patternmatcher.is_some() || peers.balena.is_some() {
            let listing_path = data.join(format!("du-ab-{label}.txt"));
            std::fs::write(&listing_path, &du_ab).expect("write listing");
            let peer_reps = if n >= 1_000_000 { o.reps.unwrap_or(1) } else { reps.min(3) };
            out.line(format!(
                "### End to end (`du -ab` listing → files and bytes sent; process wall time, median of {reps} runs, \
                 peers {peer_reps})"
            ));
            out.line("");
            out.line("| rules | tool | files sent | bytes sent | agrees | time | CPU | max RSS | RSS per path | time ÷ ctxlens `ls` time | CPU ÷ `ls` CPU |");
            out.line("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
            for (rname, rpath) in [("typical", &typical_path), ("unprunable", &unprunable_path)] {
                let mut e = E2e { rules: rname, n, base: None, base_time: None, base_cpu: None };
                if let Some(cli) = &peers.ctxlens {
                    let cwd = data.clone();
                    let mk = |sub: Option<&str>| {
                        let mut c = Command::new(cli);
                        if let Some(s) = sub {
                            c.arg(s);
                        }
                        c.arg("--listing").arg(&listing_path).arg("--ignore-file").arg(rpath).current_dir(&cwd);
                        c
                    };
                    // `ls` prints the sent entries: the evaluation alone.
                    let runs: Vec<ChildRun> = (0..reps).map(|_| run_child(&mut mk(Some("ls")))).collect();
                    let ls_result = runs.first().filter(|r| r.ok).map(|r| count_ls(&r.stdout, &du_ab));
                    e.row(&mut out, "ctxlens `ls`", runs, ls_result, true);
                    let runs: Vec<ChildRun> =
                        (0..reps).map(|_| run_child(mk(None).arg("--json").arg("--no-insight"))).collect();
                    let result = runs.first().and_then(|r| files_bytes(&r.stdout));
                    e.row(&mut out, "ctxlens summary `--json --no-insight` (+ per-rule savings)", runs, result, false);
                    let runs: Vec<ChildRun> = (0..reps.min(2)).map(|_| run_child(mk(None).arg("--json"))).collect();
                    let result = runs.first().and_then(|r| files_bytes(&r.stdout));
                    e.row(
                        &mut out,
                        "ctxlens summary `--json` (+ per-rule savings, lints, suggestions)",
                        runs,
                        result,
                        false,
                    );
                }
                if let Some(pm) = &peers.patternmatcher {
                    let runs: Vec<ChildRun> =
                        (0..peer_reps).map(|_| run_child(Command::new(pm).arg(rpath).arg(&listing_path))).collect();
                    let result = runs.first().and_then(|r| files_bytes(&r.stdout));
                    let wall = runs.iter().map(|r| r.wall).min();
                    let cpu = runs.iter().map(|r| r.cpu).min();
                    e.row(&mut out, "moby/patternmatcher 0.5 (Go, threaded, fsutil pruning)", runs, result, false);
                    if let Some((x, shown)) = e.ratios(wall, cpu) {
                        summary.push((
                            format!("vs patternmatcher, {label}, {rname}"),
                            "≥ 20×".into(),
                            shown,
                            x >= 20.0,
                        ));
                    }
                }
                if let Some(script) = &peers.balena {
                    let runs: Vec<ChildRun> = (0..peer_reps)
                        .map(|_| {
                            run_child(
                                Command::new("node")
                                    .arg("--max-old-space-size=8192")
                                    .arg(script)
                                    .arg(rpath)
                                    .arg(&listing_path)
                                    .current_dir(workspace().join("bench/peers/node")),
                            )
                        })
                        .collect();
                    let result = runs.first().and_then(|r| files_bytes(&r.stdout));
                    let wall = runs.iter().map(|r| r.wall).min();
                    let cpu = runs.iter().map(|r| r.cpu).min();
                    e.row(&mut out, "@balena/dockerignore 1.0.2 (Node, per path)", runs, result, false);
                    if let Some((x, shown)) = e.ratios(wall, cpu) {
                        summary.push((
                            format!("vs @balena/dockerignore, {label}, {rname}"),
                            "≥ 100×".into(),
                            shown,
                            x >= 100.0,
                        ));
                    }
                }
            }
            out.line("");
        }
        drop(du_ab);
    }

    if o.walk && o.walk_paths > 0 {
        walk_bench(o, &data, &mut out, &mut summary);
    }

    out.line("### Targets");
    out.line("");
    out.line("| target | goal | measured | met |");
    out.line("|---|---|---:|---|");
    for (what, goal, got, ok) in &summary {
        out.line(format!("| {what} | {goal} | {got} | {} |", if *ok { "yes" } else { "**no**" }));
    }
    if let Some(path) = &o.markdown {
        std::fs::write(path, &out.text).unwrap_or_else(|e| die(&format!("{}: {e}", path.display())));
    }
}

/// One rule set's end-to-end rows: the first result is the reference, the
/// ctxlens `ls` time the base of the speed-ups.
struct E2e<'a> {
    rules: &'a str,
    n: usize,
    base: Option<(u64, u64)>,
    base_time: Option<Duration>,
    /// The ctxlens `ls` CPU time: ratios of CPU time hold up on a loaded
    /// machine, where wall times of short runs suffer most.
    base_cpu: Option<Duration>,
}

impl E2e<'_> {
    /// A peer's best wall and CPU times over ctxlens `ls`: the wall ratio
    /// (the target) and both, as shown.
    fn ratios(&self, wall: Option<Duration>, cpu: Option<Duration>) -> Option<(f64, String)> {
        let x = wall?.as_secs_f64() / self.base_time?.as_secs_f64();
        let shown = match (cpu, self.base_cpu) {
            (Some(c), Some(b)) if !b.is_zero() => {
                format!("{x:.1}× (CPU time {:.1}×)", c.as_secs_f64() / b.as_secs_f64())
            }
            _ => format!("{x:.1}×"),
        };
        Some((x, shown))
    }

    fn row(&mut self, out: &mut Out, tool: &str, runs: Vec<ChildRun>, result: Option<(u64, u64)>, is_ls: bool) {
        let rname = self.rules;
        let Some(first) = runs.first() else { return };
        if !first.ok {
            out.line(format!(
                "| {rname} | {tool} | failed: {} | | | | | | | | |",
                first.stderr.lines().next().unwrap_or("")
            ));
            return;
        }
        let wall = median(runs.iter().map(|r| r.wall).collect());
        let cpu = median(runs.iter().map(|r| r.cpu).collect());
        let rss = runs.iter().map(|r| r.max_rss_kib).max().unwrap_or(0);
        let (files, bytes) = result.map_or(("?".into(), "?".into()), |(f, b)| (f.to_string(), b.to_string()));
        let agrees = match (self.base, result) {
            (None, Some(r)) => {
                self.base = Some(r);
                "reference".to_string()
            }
            (Some(b), Some(r)) if b == r => "yes".into(),
            (Some(b), Some(r)) => {
                format!("**no** ({:+} files, {:+} bytes)", r.0 as i64 - b.0 as i64, r.1 as i128 - b.1 as i128)
            }
            _ => "?".into(),
        };
        let speed = match self.base_time {
            _ if is_ls => {
                self.base_time = Some(wall);
                self.base_cpu = Some(cpu);
                "1×".to_string()
            }
            Some(b) => format!("{:.1}×", wall.as_secs_f64() / b.as_secs_f64()),
            None => String::new(),
        };
        let cpu_speed = match self.base_cpu {
            _ if is_ls => "1×".to_string(),
            Some(b) if !b.is_zero() => format!("{:.1}×", cpu.as_secs_f64() / b.as_secs_f64()),
            _ => String::new(),
        };
        out.line(format!(
            "| {rname} | {tool} | {files} | {bytes} | {agrees} | {} | {} | {:.0} MB | {:.0} B | {speed} | {cpu_speed} |",
            secs(wall),
            secs(cpu),
            rss as f64 / 1024.0,
            rss as f64 * 1024.0 / self.n as f64
        ));
    }
}

/// Splits `du -ab` text into (size, path) with no allocation: the floor of
/// what reading the format costs.
fn split_du(input: &[u8], mut f: impl FnMut(u64, &[u8])) {
    for line in input.split(|&b| b == b'\n') {
        let Some(tab) = line.iter().position(|&b| b == b'\t') else { continue };
        let mut size = 0u64;
        for &d in &line[..tab] {
            size = size.wrapping_mul(10).wrapping_add(u64::from(d.wrapping_sub(b'0')));
        }
        let path = &line[tab + 1..];
        f(size, path.strip_prefix(b"./").unwrap_or(path));
    }
}

/// Files and bytes in ctxlens `ls` output, sizes taken from the `du -ab` listing.
fn count_ls(stdout: &[u8], du_ab: &[u8]) -> (u64, u64) {
    let mut sizes = std::collections::HashMap::new();
    for line in du_ab.split(|&b| b == b'\n') {
        if let Some(tab) = line.iter().position(|&b| b == b'\t') {
            let p = &line[tab + 1..];
            let p = p.strip_prefix(b"./").unwrap_or(p);
            let size: u64 = std::str::from_utf8(&line[..tab]).ok().and_then(|s| s.parse().ok()).unwrap_or(0);
            sizes.insert(p, size);
        }
    }
    let (mut files, mut bytes) = (0, 0);
    for line in stdout.split(|&b| b == b'\n') {
        if line.is_empty() || line.ends_with(b"/") {
            continue;
        }
        files += 1;
        bytes += sizes.get(line).copied().unwrap_or(0);
    }
    (files, bytes)
}

// ---------------------------------------------------------------- walk

/// Creates the generated tree on disk (sparse files, real symlinks) unless
/// a previous run left the same one.
fn materialise(repo: &Repo, root: &Path, stamp: &str) -> std::io::Result<()> {
    let stamp_file = root.with_extension("stamp");
    if std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) && root.is_dir() {
        return Ok(());
    }
    if root.exists() {
        std::fs::remove_dir_all(root)?;
    }
    std::fs::create_dir_all(root)?;
    for id in 1..repo.nodes.len() as u32 {
        let n = &repo.nodes[id as usize];
        let p = root.join(repo.path(id));
        match n.kind {
            Kind::Dir => std::fs::create_dir(&p)?,
            Kind::File => std::fs::File::create(&p)?.set_len(n.size)?,
            Kind::Symlink => std::os::unix::fs::symlink(n.target.as_deref().unwrap_or("x"), &p)?,
        }
    }
    std::fs::write(stamp_file, stamp)
}

fn walk_bench(o: &Opts, data: &Path, out: &mut Out, summary: &mut Vec<(String, String, String, bool)>) {
    let n = o.walk_paths;
    let label = human_count(n);
    eprintln!("ctxlens-bench: materialising {label} paths for the walk…");
    let repo = Repo::generate(n, o.seed);
    let root = data.join(format!("tree-{label}"));
    if let Err(e) = materialise(&repo, &root, &format!("{n} {}", o.seed)) {
        out.line(format!("> walk skipped: cannot create {}: {e}", root.display()));
        return;
    }
    drop(repo);
    let reps = o.reps.unwrap_or(5);
    out.line(format!(
        "### Real directory walk ({label} paths, sparse files on {}, warm cache, median of {reps})",
        fs_type(&root)
    ));
    out.line("");
    out.line("| walker | entries | time | vs `du -sb` | CPU (user + sys) | CPU vs `du -sb` |");
    out.line("|---|---:|---:|---:|---:|---:|");
    // Warm the cache.
    let _ = Command::new("du").arg("-sb").arg(&root).output();
    let du_runs: Vec<ChildRun> = (0..reps).map(|_| run_child(Command::new("du").arg("-sb").arg(&root))).collect();
    let du = median(du_runs.iter().map(|r| r.wall).collect());
    let du_cpu = median(du_runs.iter().map(|r| r.cpu).collect());
    out.line(format!("| `du -sb` (GNU coreutils, 1 thread) | {n} | {} | 1.00× | {} | 1.00× |", secs(du), secs(du_cpu)));
    // CPU time is less at the mercy of a busy machine than wall time.
    let mut walk_row = |what: &str, threads: usize, prune: Option<&RuleSet>| -> Duration {
        let (mut walls, mut cpus, mut entries) = (Vec::new(), Vec::new(), String::new());
        for _ in 0..reps.max(1) {
            let (t, c) = (Instant::now(), own_cpu());
            let ctx = read_context_with(&root, &ReadOptions { prune, threads, progress: None });
            walls.push(t.elapsed());
            cpus.push(own_cpu().saturating_sub(c));
            entries = ctx.map(|c| (c.tree.len() - 1).to_string()).unwrap_or_else(|e| format!("error: {e}"));
        }
        let (d, cpu) = (median(walls), median(cpus));
        out.line(format!(
            "| {what} | {entries} | {} | {:.2}× | {} | {:.2}× |",
            secs(d),
            d.as_secs_f64() / du.as_secs_f64(),
            secs(cpu),
            cpu.as_secs_f64() / du_cpu.as_secs_f64()
        ));
        d
    };
    let cores = match o.walk_threads {
        0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8),
        n => n,
    };
    let d_default = walk_row(&format!("`fs::read_context_with` ({cores} threads, builds the tree)"), cores, None);
    walk_row("`fs::read_context_with` (1 thread)", 1, None);
    let rules = RuleSet::parse(DOCKERIGNORE.as_bytes()).expect("valid");
    walk_row("`fs::read_context_with` + pruning (typical rules)", cores, Some(&rules));
    let x = d_default.as_secs_f64() / du.as_secs_f64();
    summary.push((format!("walk vs `du -sb`, {label}"), "≤ 1.1×".into(), format!("{x:.2}×"), x <= 1.1));
    out.line("");
}

fn fs_type(p: &Path) -> String {
    Command::new("stat")
        .args(["-f", "-c", "%T"])
        .arg(p)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown fs".into())
}
