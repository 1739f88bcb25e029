//! A deterministic generator of large synthetic monorepo contexts and the
//! listings real tools would print for them.
//!
//! The same seed and size always give the same tree, byte for byte, on every
//! machine: the generator uses its own PRNG (SplitMix64) and only `std`, so
//! `core/benches` can compile it too (`#[path]`). The tree is modelled on the
//! contexts that make builds slow: `node_modules` several levels deep,
//! `.git` loose objects and packs, Rust `target/`, Go `vendor/`, Python
//! `.venv` and `__pycache__`, build outputs (`dist/`, `build/`, `.next/`,
//! coverage, `*.test` binaries) and tests with fixtures.
//!
//! [`Repo::generate`] makes exactly `n` entries (the root not counted).

use std::collections::HashSet;
use std::fmt::Write as _;

/// SplitMix64: tiny, fast, and the same everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A uniform float in `0..1`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly log-normal around `median` (spread `sigma` in natural log units).
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> u64 {
        // Irwin–Hall approximation of a standard normal.
        let z: f64 = (0..6).map(|_| self.unit()).sum::<f64>() - 3.0;
        let z = z * std::f64::consts::SQRT_2;
        (median * (z * sigma).exp()).round().max(0.0) as u64
    }

    /// One element of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    /// `n` lowercase hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            let _ = write!(s, "{:016x}", self.next_u64());
        }
        s.truncate(n);
        s
    }
}

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link.
    Symlink,
}

/// One entry of a generated tree.
#[derive(Debug, Clone)]
pub struct Node {
    /// Name within its directory.
    pub name: String,
    /// Parent's index (the root is its own parent).
    pub parent: u32,
    /// What it is.
    pub kind: Kind,
    /// Apparent size (files), target length (symlinks), 4096 (directories).
    pub size: u64,
    /// A symlink's target.
    pub target: Option<String>,
    /// Children, in creation order.
    pub children: Vec<u32>,
}

/// A generated context: node 0 is the root directory.
#[derive(Debug, Clone)]
pub struct Repo {
    /// All entries, the root first.
    pub nodes: Vec<Node>,
    names: HashSet<(u32, String)>,
    rng: Rng,
}

#[rustfmt::skip]
const WORDS: &[&str] = &[
    "alpha", "array", "async", "atom", "auth", "axios", "babel", "base", "batch", "bind", "bit", "blob", "bridge",
    "buffer", "bundle", "cache", "call", "chalk", "chunk", "class", "cli", "clone", "codec", "color", "commander",
    "common", "compose", "config", "core", "cors", "crypto", "csv", "daemon", "data", "date", "debug", "deep",
    "define", "delta", "diff", "dom", "dot", "edge", "emit", "encode", "entry", "env", "error", "escape", "event",
    "express", "extend", "fast", "fetch", "field", "file", "filter", "flat", "flow", "form", "format", "frame",
    "fs", "func", "gateway", "glob", "graph", "grid", "guard", "hash", "header", "heap", "helper", "hook", "html",
    "http", "icon", "image", "index", "inject", "inline", "input", "ip", "iter", "json", "jwt", "key", "lang",
    "layer", "lazy", "lex", "link", "lint", "list", "load", "lock", "log", "loose", "map", "match", "media", "memo",
    "merge", "meta", "mime", "mock", "model", "module", "ms", "mutex", "node", "normalize", "object", "once",
    "option", "order", "pack", "page", "parse", "path", "peer", "pipe", "plugin", "pool", "post", "prefix", "print",
    "promise", "proto", "proxy", "query", "queue", "range", "react", "read", "redux", "ref", "regex", "render",
    "report", "request", "resolve", "retry", "route", "rule", "run", "safe", "scan", "schema", "scope", "semver",
    "send", "serve", "set", "shape", "shell", "signal", "slice", "socket", "sort", "source", "span", "split",
    "stack", "state", "store", "stream", "string", "style", "sync", "table", "task", "term", "test", "text",
    "thread", "time", "token", "trace", "tree", "trim", "type", "uid", "unit", "url", "util", "uuid", "value",
    "view", "watch", "web", "worker", "wrap", "write", "yaml", "zip", "zone",
];

const SCOPES: &[&str] =
    &["@babel", "@types", "@jest", "@eslint", "@aws-sdk", "@smithy", "@radix-ui", "@emotion", "@tanstack", "@nestjs"];

/// Names of the services, in order; the first of each language gets the
/// paths the benchmark rules refer to.
const SERVICES: &[&str] = &[
    "api",
    "auth",
    "billing",
    "gateway",
    "notifier",
    "scheduler",
    "search",
    "media",
    "reports",
    "ingest",
    "ledger",
    "mailer",
    "profile",
    "pricing",
    "catalog",
    "orders",
];

const PACKAGES: &[&str] = &["web", "admin", "docs-site", "ui-kit", "mobile-web", "storybook", "landing", "widgets"];

/// Which toolchain a service uses.
#[derive(Clone, Copy)]
enum Lang {
    Node,
    Go,
    Rust,
    Python,
}

impl Repo {
    /// A monorepo of exactly `n` entries (directories, files and symlinks;
    /// the root not counted), the same for the same `(n, seed)`.
    pub fn generate(n: usize, seed: u64) -> Repo {
        let mut r = Repo {
            nodes: vec![Node {
                name: String::new(),
                parent: 0,
                kind: Kind::Dir,
                size: 4096,
                target: None,
                children: Vec::new(),
            }],
            names: HashSet::new(),
            rng: Rng::new(seed),
        };
        let mut left = n;
        for (name, size) in [
            ("README.md", 6_214),
            ("Dockerfile", 1_108),
            (".dockerignore", 412),
            ("docker-compose.yml", 2_093),
            (".gitignore", 388),
            ("Makefile", 3_377),
            ("package.json", 1_822),
            ("package-lock.json", 912_455),
            ("go.work", 144),
            ("LICENSE", 11_357),
            (".env", 230),
            (".env.example", 198),
        ] {
            if left == 0 {
                break;
            }
            r.add(0, name, Kind::File, size, &mut left);
        }
        let take = |pct: usize, left: &mut usize| {
            let b = (n * pct / 100).min(*left);
            *left -= b;
            b
        };
        let mut git = take(8, &mut left);
        let mut services = take(60, &mut left);
        let mut packages = take(20, &mut left);
        let mut hoisted = take(8, &mut left);
        r.git(&mut git);
        r.services(&mut services);
        r.packages(&mut packages);
        if hoisted > 1 {
            let nm = r.add(0, "node_modules", Kind::Dir, 4096, &mut hoisted);
            r.node_modules(nm, &mut hoisted, 0);
        }
        left += git + services + packages + hoisted;
        r.docs_and_scripts(&mut left);
        debug_assert_eq!(left, 0);
        assert_eq!(r.nodes.len(), n + 1, "generator must make exactly n entries");
        r
    }

    /// Number of entries, the root not counted.
    pub fn len(&self) -> usize {
        self.nodes.len() - 1
    }

    /// Whether there is nothing but the root.
    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 1
    }

    /// Adds an entry if the budget allows (a name taken in `parent` gets a numeric suffix).
    fn add(&mut self, parent: u32, name: &str, kind: Kind, size: u64, budget: &mut usize) -> u32 {
        assert!(*budget > 0, "budget exhausted");
        *budget -= 1;
        let mut name = name.to_string();
        if self.names.contains(&(parent, name.clone())) {
            let mut i = 2;
            loop {
                let cand = match name.rfind('.') {
                    Some(dot) if dot > 0 && kind == Kind::File => format!("{}-{i}{}", &name[..dot], &name[dot..]),
                    _ => format!("{name}-{i}"),
                };
                if !self.names.contains(&(parent, cand.clone())) {
                    name = cand;
                    break;
                }
                i += 1;
            }
        }
        self.names.insert((parent, name.clone()));
        let id = self.nodes.len() as u32;
        self.nodes.push(Node { name, parent, kind, size, target: None, children: Vec::new() });
        self.nodes[parent as usize].children.push(id);
        id
    }

    fn file(&mut self, parent: u32, name: &str, size: u64, budget: &mut usize) -> Option<u32> {
        (*budget > 0).then(|| self.add(parent, name, Kind::File, size, budget))
    }

    fn dir(&mut self, parent: u32, name: &str, budget: &mut usize) -> Option<u32> {
        (*budget > 0).then(|| self.add(parent, name, Kind::Dir, 4096, budget))
    }

    fn symlink(&mut self, parent: u32, name: &str, target: &str, budget: &mut usize) -> Option<u32> {
        (*budget > 0).then(|| {
            let id = self.add(parent, name, Kind::Symlink, target.len() as u64, budget);
            self.nodes[id as usize].target = Some(target.to_string());
            id
        })
    }

    /// Runs `f` with a sub-budget of at most `want` taken from `budget`,
    /// returning what `f` leaves unused.
    fn with_budget(&mut self, budget: &mut usize, want: usize, f: impl FnOnce(&mut Repo, &mut usize)) {
        let mut sub = want.min(*budget);
        *budget -= sub;
        f(self, &mut sub);
        *budget += sub;
    }

    fn word(&mut self) -> &'static str {
        self.rng.pick(WORDS)
    }

    fn ident(&mut self) -> String {
        if self.rng.chance(0.4) { format!("{}-{}", self.word(), self.word()) } else { self.word().to_string() }
    }

    fn size(&mut self, median: f64, sigma: f64) -> u64 {
        self.rng.lognormal(median, sigma)
    }

    fn git(&mut self, budget: &mut usize) {
        let Some(g) = self.dir(0, ".git", budget) else { return };
        for (name, size) in [
            ("HEAD", 21),
            ("config", 312),
            ("description", 73),
            ("index", 2_114_301),
            ("packed-refs", 4_823),
            ("COMMIT_EDITMSG", 38),
            ("FETCH_HEAD", 104),
            ("ORIG_HEAD", 41),
        ] {
            self.file(g, name, size, budget);
        }
        if let Some(h) = self.dir(g, "hooks", budget) {
            for hook in [
                "applypatch-msg",
                "commit-msg",
                "fsmonitor-watchman",
                "post-update",
                "pre-applypatch",
                "pre-commit",
                "pre-merge-commit",
                "pre-push",
                "pre-rebase",
                "pre-receive",
                "prepare-commit-msg",
                "push-to-checkout",
                "update",
            ] {
                let size = self.size(1500.0, 0.6);
                self.file(h, &format!("{hook}.sample"), size, budget);
            }
        }
        if let Some(refs) = self.dir(g, "refs", budget) {
            if let Some(heads) = self.dir(refs, "heads", budget) {
                self.file(heads, "main", 41, budget);
                for _ in 0..6 {
                    let b = format!("feature-{}", self.word());
                    self.file(heads, &b, 41, budget);
                }
            }
            if let Some(rem) = self.dir(refs, "remotes", budget)
                && let Some(o) = self.dir(rem, "origin", budget)
            {
                self.file(o, "HEAD", 32, budget);
                self.file(o, "main", 41, budget);
            }
            self.dir(refs, "tags", budget);
        }
        if let Some(logs) = self.dir(g, "logs", budget) {
            self.file(logs, "HEAD", 18_231, budget);
        }
        let Some(objects) = self.dir(g, "objects", budget) else { return };
        if let Some(pack) = self.dir(objects, "pack", budget) {
            for i in 0..3 {
                let h = self.rng.hex(40);
                let big = if i == 0 { 180_000_000.0 } else { 6_000_000.0 };
                let s = self.size(big, 0.5);
                self.file(pack, &format!("pack-{h}.pack"), s, budget);
                self.file(pack, &format!("pack-{h}.idx"), s / 40, budget);
                self.file(pack, &format!("pack-{h}.rev"), s / 160, budget);
            }
        }
        if let Some(info) = self.dir(objects, "info", budget) {
            self.file(info, "packs", 54, budget);
        }
        let mut fanout: [Option<u32>; 256] = [None; 256];
        while *budget > 0 {
            let b = self.rng.below(256) as usize;
            let d = match fanout[b] {
                Some(d) => d,
                None => {
                    let d = self.add(objects, &format!("{b:02x}"), Kind::Dir, 4096, budget);
                    fanout[b] = Some(d);
                    d
                }
            };
            let name = self.rng.hex(38);
            let size = self.size(900.0, 1.4);
            self.file(d, &name, size, budget);
        }
    }

    fn services(&mut self, budget: &mut usize) {
        let Some(s) = self.dir(0, "services", budget) else { return };
        let count = (*budget / 25_000).clamp(4, SERVICES.len());
        let langs = [Lang::Node, Lang::Go, Lang::Rust, Lang::Python];
        for i in 0..count {
            let share = *budget / (count - i);
            let name = SERVICES[i];
            let lang = langs[i % 4];
            self.with_budget(budget, share, |r, b| {
                if let Some(d) = r.dir(s, name, b) {
                    r.service(d, name, lang, i < 4, b);
                }
            });
        }
    }

    fn service(&mut self, d: u32, name: &str, lang: Lang, first: bool, budget: &mut usize) {
        let n = *budget;
        let pct = |p: usize| n * p / 100;
        self.file(d, "Dockerfile", 812, budget);
        self.file(d, "README.md", 2_410, budget);
        self.file(d, ".env", 160, budget);
        self.file(d, ".dockerignore", 96, budget);
        match lang {
            Lang::Node => {
                self.file(d, "package.json", 1_530, budget);
                self.file(d, "tsconfig.json", 611, budget);
                self.with_budget(budget, pct(16), |r, b| {
                    if let Some(src) = r.dir(d, "src", b) {
                        r.source_tree(src, &["ts", "ts", "ts", "tsx", "json"], 0, b);
                    }
                });
                self.with_budget(budget, pct(7), |r, b| {
                    if let Some(t) = r.dir(d, "tests", b) {
                        r.tests(t, "test.ts", b);
                    }
                });
                self.with_budget(budget, pct(6), |r, b| {
                    if let Some(dist) = r.dir(d, "dist", b) {
                        if first {
                            r.file(dist, "openapi.json", 48_211, b);
                        }
                        r.build_output(dist, &["js", "js.map", "d.ts"], b);
                    }
                });
                self.with_budget(budget, pct(4), |r, b| {
                    if let Some(c) = r.dir(d, "coverage", b) {
                        r.file(c, "lcov.info", 1_204_331, b);
                        r.build_output(c, &["html", "html", "css", "js"], b);
                    }
                });
                let logs = self.dir(d, "logs", budget);
                if let Some(l) = logs {
                    for i in 0..3 {
                        let s = self.size(4_000_000.0, 1.0);
                        self.file(l, &format!("{name}-{i}.log"), s, budget);
                    }
                }
                if let Some(nm) = self.dir(d, "node_modules", budget) {
                    self.node_modules(nm, budget, 0);
                }
            }
            Lang::Go => {
                self.file(d, "go.mod", 412, budget);
                self.file(d, "go.sum", 18_301, budget);
                let bin_size = self.size(18_000_000.0, 0.3);
                if let Some(b) = self.dir(d, "bin", budget) {
                    self.file(b, name, bin_size, budget);
                }
                let test_size = self.size(30_000_000.0, 0.3);
                self.file(d, &format!("{name}.test"), test_size, budget);
                let cov = self.size(1_500_000.0, 0.5);
                self.file(d, "coverage.out", cov, budget);
                self.with_budget(budget, pct(34), |r, b| {
                    if let Some(c) = r.dir(d, "cmd", b)
                        && let Some(m) = r.dir(c, name, b)
                    {
                        r.file(m, "main.go", 2_301, b);
                    }
                    if let Some(i) = r.dir(d, "internal", b) {
                        r.source_tree(i, &["go", "go", "go", "_test.go", "proto"], 0, b);
                    }
                });
                self.with_budget(budget, pct(6), |r, b| {
                    if let Some(t) = r.dir(d, "testdata", b) {
                        if let Some(l) = r.dir(t, "large", b) {
                            for i in 0..4 {
                                let s = r.size(60_000_000.0, 0.4);
                                r.file(l, &format!("dump-{i}.bin"), s, b);
                            }
                        }
                        r.tests(t, "golden", b);
                    }
                });
                if let Some(v) = self.dir(d, "vendor", budget) {
                    self.vendor(v, budget);
                }
            }
            Lang::Rust => {
                self.file(d, "Cargo.toml", 1_020, budget);
                self.file(d, "Cargo.lock", 88_102, budget);
                self.with_budget(budget, pct(20), |r, b| {
                    if let Some(src) = r.dir(d, "src", b) {
                        r.source_tree(src, &["rs", "rs", "rs", "rs", "proto"], 0, b);
                    }
                });
                self.with_budget(budget, pct(6), |r, b| {
                    if let Some(t) = r.dir(d, "tests", b) {
                        r.tests(t, "rs", b);
                    }
                });
                if let Some(t) = self.dir(d, "target", budget) {
                    self.target(t, name, budget);
                }
            }
            Lang::Python => {
                self.file(d, "pyproject.toml", 1_406, budget);
                self.file(d, "requirements.txt", 802, budget);
                self.with_budget(budget, pct(24), |r, b| {
                    if let Some(app) = r.dir(d, "app", b) {
                        r.python_tree(app, 0, b);
                    }
                });
                self.with_budget(budget, pct(9), |r, b| {
                    if let Some(t) = r.dir(d, "tests", b) {
                        r.tests(t, "py", b);
                    }
                });
                if let Some(v) = self.dir(d, ".venv", budget) {
                    self.venv(v, budget);
                }
            }
        }
        // Whatever is left: more sources.
        if *budget > 0
            && let Some(extra) = self.dir(d, "scripts", budget)
        {
            self.source_tree(extra, &["sh", "py", "js"], 2, budget);
        }
    }

    /// Nested source directories with ~5–20 files each.
    fn source_tree(&mut self, d: u32, exts: &[&str], depth: u32, budget: &mut usize) {
        let files = self.rng.range(4, 18) as usize;
        for _ in 0..files {
            if *budget == 0 {
                return;
            }
            let ext = self.rng.pick(exts);
            let name = if let Some(stripped) = ext.strip_prefix('_') {
                format!("{}_{stripped}", self.ident())
            } else {
                format!("{}.{ext}", self.ident())
            };
            let size = self.size(3_500.0, 1.0);
            self.file(d, &name, size, budget);
        }
        if depth < 6 {
            let subdirs = self.rng.range(1, 6);
            for i in 0..subdirs {
                if *budget == 0 {
                    return;
                }
                let share = if i + 1 == subdirs { *budget } else { *budget / (subdirs - i) as usize };
                let name = self.ident();
                self.with_budget(budget, share, |r, b| {
                    if let Some(sd) = r.dir(d, &name, b) {
                        r.source_tree(sd, exts, depth + 1, b);
                    }
                });
            }
        }
        // Deep trees run out of depth before budget: flatten what is left here.
        while *budget > 0 {
            let ext = self.rng.pick(exts);
            let name = format!("{}.{ext}", self.ident());
            let size = self.size(3_500.0, 1.0);
            self.file(d, &name, size, budget);
        }
    }

    fn python_tree(&mut self, d: u32, depth: u32, budget: &mut usize) {
        self.file(d, "__init__.py", 0, budget);
        let files: Vec<String> = (0..self.rng.range(3, 12)).map(|_| self.ident().replace('-', "_")).collect();
        for f in &files {
            let s = self.size(4_000.0, 1.0);
            self.file(d, &format!("{f}.py"), s, budget);
        }
        if let Some(pc) = self.dir(d, "__pycache__", budget) {
            for f in &files {
                let s = self.size(5_000.0, 1.0);
                self.file(pc, &format!("{f}.cpython-311.pyc"), s, budget);
            }
        }
        if depth < 5 {
            let subdirs = self.rng.range(1, 5);
            for i in 0..subdirs {
                if *budget == 0 {
                    return;
                }
                let share = *budget / (subdirs - i) as usize;
                let name = self.ident().replace('-', "_");
                self.with_budget(budget, share, |r, b| {
                    if let Some(sd) = r.dir(d, &name, b) {
                        r.python_tree(sd, depth + 1, b);
                    }
                });
            }
        }
        while *budget > 0 {
            let name = format!("{}.py", self.ident().replace('-', "_"));
            let s = self.size(4_000.0, 1.0);
            self.file(d, &name, s, budget);
        }
    }

    fn tests(&mut self, d: u32, ext: &str, budget: &mut usize) {
        let fixtures = *budget / 4;
        self.with_budget(budget, fixtures, |r, b| {
            if let Some(f) = r.dir(d, "fixtures", b) {
                while *b > 0 {
                    let (e, median) = *[("json", 20_000.0), ("bin", 900_000.0), ("txt", 3_000.0), ("yaml", 2_000.0)]
                        .get(r.rng.below(4) as usize)
                        .expect("4");
                    let name = format!("{}-{}.{e}", r.ident(), r.rng.below(1000));
                    let s = r.size(median, 1.2);
                    r.file(f, &name, s, b);
                }
            }
        });
        self.source_tree(d, &[ext, ext, "snap"], 2, budget);
    }

    /// `dist/`, `build/`, coverage reports: hashed chunk names, a few levels.
    fn build_output(&mut self, d: u32, exts: &[&str], budget: &mut usize) {
        let mut dirs = vec![d];
        while *budget > 0 {
            if self.rng.chance(0.05) && dirs.len() < 200 {
                let parent = dirs[self.rng.below(dirs.len() as u64) as usize];
                let name = self.rng.pick(&["static", "assets", "chunks", "js", "css", "media", "pages", "server"]);
                if let Some(nd) = self.dir(parent, name, budget) {
                    dirs.push(nd);
                }
                continue;
            }
            let parent = dirs[self.rng.below(dirs.len() as u64) as usize];
            let ext = self.rng.pick(exts);
            let name = format!("{}.{}.{ext}", self.word(), self.rng.hex(8));
            let s = self.size(25_000.0, 1.3);
            self.file(parent, &name, s, budget);
        }
    }

    /// `node_modules`: packages (some scoped) with their files, `.bin`
    /// symlinks, and nested `node_modules` a few levels deep.
    fn node_modules(&mut self, nm: u32, budget: &mut usize, depth: u32) {
        let bin = if depth == 0 { self.dir(nm, ".bin", budget) } else { None };
        if depth == 0 {
            self.file(nm, ".package-lock.json", 310_442, budget);
        }
        let mut scopes: Vec<(usize, u32)> = Vec::new();
        while *budget > 0 {
            let scoped = self.rng.chance(0.2);
            let parent = if scoped {
                let si = self.rng.below(SCOPES.len() as u64) as usize;
                match scopes.iter().find(|(i, _)| *i == si) {
                    Some(&(_, id)) => id,
                    None => {
                        let id = self.add(nm, SCOPES[si], Kind::Dir, 4096, budget);
                        scopes.push((si, id));
                        id
                    }
                }
            } else {
                nm
            };
            let name = self.ident();
            // Some packages carry their own node_modules (version conflicts).
            let nest = depth < 3 && self.rng.chance(0.08);
            let want = if nest {
                (self.rng.lognormal(150.0, 0.7) as usize).clamp(30, 3000)
            } else {
                (self.rng.lognormal(14.0, 0.9) as usize).clamp(3, 400)
            };
            self.with_budget(budget, want, |r, b| {
                if let Some(p) = r.dir(parent, &name, b) {
                    r.package(p, depth, nest, b);
                }
            });
            if let Some(bd) = bin
                && self.rng.chance(0.05)
            {
                let target = format!("../{name}/bin/{name}.js");
                self.symlink(bd, &name, &target, budget);
            }
        }
    }

    fn package(&mut self, p: u32, depth: u32, nest: bool, budget: &mut usize) {
        let s = self.rng.range(600, 4000);
        self.file(p, "package.json", s, budget);
        let readme = self.size(5_000.0, 1.0);
        self.file(p, "README.md", readme, budget);
        self.file(p, "LICENSE", 1_077, budget);
        let s = self.rng.range(80, 3000);
        self.file(p, "index.js", s, budget);
        if nest && *budget > 10 {
            let share = *budget * 2 / 3;
            self.with_budget(budget, share, |r, b| {
                if let Some(nm) = r.dir(p, "node_modules", b) {
                    r.node_modules(nm, b, depth + 1);
                }
            });
        }
        let lib = self.rng.pick(&["lib", "dist", "build", "src", "cjs", "esm"]);
        let Some(l) = self.dir(p, lib, budget) else { return };
        let mut dirs = vec![l];
        while *budget > 0 {
            if self.rng.chance(0.08) && dirs.len() < 30 {
                let parent = dirs[self.rng.below(dirs.len() as u64) as usize];
                let name = self.word();
                if let Some(nd) = self.dir(parent, name, budget) {
                    dirs.push(nd);
                }
                continue;
            }
            let parent = dirs[self.rng.below(dirs.len() as u64) as usize];
            let ext = self.rng.pick(&["js", "js", "d.ts", "js.map", "mjs", "cjs", "json"]);
            let name = format!("{}.{ext}", self.ident());
            let s = self.size(6_000.0, 1.3);
            self.file(parent, &name, s, budget);
        }
    }

    fn vendor(&mut self, v: u32, budget: &mut usize) {
        self.file(v, "modules.txt", 9_120, budget);
        let Some(gh) = self.dir(v, "github.com", budget) else { return };
        while *budget > 0 {
            let org = self.word();
            let org_id = match self.nodes[gh as usize].children.iter().find(|&&c| self.nodes[c as usize].name == org) {
                Some(&id) => id,
                None => self.add(gh, org, Kind::Dir, 4096, budget),
            };
            let repo = self.ident();
            let want = (self.rng.lognormal(40.0, 0.8) as usize).clamp(4, 600);
            self.with_budget(budget, want, |r, b| {
                if let Some(rd) = r.dir(org_id, &repo, b) {
                    r.file(rd, "LICENSE", 11_357, b);
                    r.source_tree(rd, &["go", "go", "go", "s", "md"], 2, b);
                }
            });
        }
    }

    fn target(&mut self, t: u32, name: &str, budget: &mut usize) {
        self.file(t, ".rustc_info.json", 1_104, budget);
        self.file(t, "CACHEDIR.TAG", 177, budget);
        let profiles = ["debug", "release"];
        for (pi, prof) in profiles.iter().enumerate() {
            let share = if pi == 0 { *budget * 3 / 4 } else { *budget };
            self.with_budget(budget, share, |r, b| {
                let Some(p) = r.dir(t, prof, b) else { return };
                let bin = r.size(if pi == 0 { 90_000_000.0 } else { 12_000_000.0 }, 0.3);
                r.file(p, name, bin, b);
                r.file(p, &format!("{name}.d"), 2_300, b);
                let dirs: Vec<Option<u32>> =
                    ["deps", "build", ".fingerprint", "incremental"].iter().map(|n| r.dir(p, n, b)).collect();
                while *b > 0 {
                    let krate = format!("{}-{}", r.ident().replace('-', "_"), r.rng.hex(16));
                    match r.rng.below(4) {
                        0 => {
                            if let Some(d) = dirs[0] {
                                let s = r.size(2_000_000.0, 1.2);
                                r.file(d, &format!("lib{krate}.rlib"), s, b);
                                r.file(d, &format!("lib{krate}.rmeta"), s / 3, b);
                                r.file(d, &format!("{krate}.d"), 1_800, b);
                            }
                        }
                        1 => {
                            if let Some(d) = dirs[1]
                                && let Some(k) = r.dir(d, &krate, b)
                            {
                                for f in ["output", "root-output", "stderr", "invoked.timestamp"] {
                                    let s = r.rng.range(0, 900);
                                    r.file(k, f, s, b);
                                }
                                if let Some(o) = r.dir(k, "out", b) {
                                    for _ in 0..r.rng.range(1, 8) {
                                        let s = r.size(40_000.0, 1.5);
                                        let n = format!("{}.rs", r.word());
                                        r.file(o, &n, s, b);
                                    }
                                }
                            }
                        }
                        2 => {
                            if let Some(d) = dirs[2]
                                && let Some(k) = r.dir(d, &krate, b)
                            {
                                let short = krate.split('-').next().unwrap_or("x").to_string();
                                for f in [
                                    format!("lib-{short}"),
                                    format!("lib-{short}.json"),
                                    format!("dep-lib-{short}"),
                                    "invoked.timestamp".into(),
                                ] {
                                    let s = r.rng.range(16, 2_000);
                                    r.file(k, &f, s, b);
                                }
                            }
                        }
                        _ => {
                            if let Some(d) = dirs[3]
                                && let Some(k) = r.dir(d, &krate, b)
                            {
                                let s = format!("s-{}-{}", r.rng.hex(10), r.rng.hex(14));
                                if let Some(sd) = r.dir(k, &s, b) {
                                    for _ in 0..r.rng.range(5, 40) {
                                        let n = format!("{}.o", r.rng.hex(24));
                                        let size = r.size(30_000.0, 1.2);
                                        r.file(sd, &n, size, b);
                                    }
                                    r.file(sd, "dep-graph.bin", 400_000, b);
                                    r.file(sd, "query-cache.bin", 900_000, b);
                                    r.file(sd, "work-products.bin", 3_000, b);
                                }
                                r.file(k, &format!("{s}.lock"), 0, b);
                            }
                        }
                    }
                }
            });
        }
    }

    fn venv(&mut self, v: u32, budget: &mut usize) {
        self.file(v, "pyvenv.cfg", 176, budget);
        if let Some(b) = self.dir(v, "bin", budget) {
            self.symlink(b, "python", "/usr/bin/python3.11", budget);
            self.symlink(b, "python3", "python", budget);
            for s in ["activate", "pip", "pip3", "uvicorn", "pytest"] {
                self.file(b, s, 2_000, budget);
            }
        }
        let Some(lib) = self.dir(v, "lib", budget) else { return };
        let Some(py) = self.dir(lib, "python3.11", budget) else { return };
        let Some(sp) = self.dir(py, "site-packages", budget) else { return };
        while *budget > 0 {
            let name = self.ident().replace('-', "_");
            let want = (self.rng.lognormal(30.0, 1.0) as usize).clamp(4, 800);
            self.with_budget(budget, want, |r, b| {
                let minor = r.rng.below(30);
                if let Some(info) = r.dir(sp, &format!("{name}-1.{minor}.0.dist-info"), b) {
                    for f in ["METADATA", "RECORD", "WHEEL", "INSTALLER", "top_level.txt"] {
                        let s = r.rng.range(10, 9_000);
                        r.file(info, f, s, b);
                    }
                }
                if let Some(p) = r.dir(sp, &name, b) {
                    r.python_tree(p, 2, b);
                }
            });
        }
    }

    fn packages(&mut self, budget: &mut usize) {
        let Some(p) = self.dir(0, "packages", budget) else { return };
        let count = (*budget / 30_000).clamp(2, PACKAGES.len());
        for (i, name) in PACKAGES.iter().enumerate().take(count) {
            let share = *budget / (count - i);
            self.with_budget(budget, share, |r, b| {
                let Some(d) = r.dir(p, name, b) else { return };
                let n = *b;
                r.file(d, "package.json", 2_210, b);
                r.file(d, "README.md", 1_804, b);
                r.file(d, "next.config.js", 402, b);
                r.with_budget(b, n * 15 / 100, |r, b| {
                    if let Some(s) = r.dir(d, "src", b) {
                        r.source_tree(s, &["tsx", "tsx", "ts", "css", "svg"], 0, b);
                    }
                });
                r.with_budget(b, n * 5 / 100, |r, b| {
                    if let Some(pub_) = r.dir(d, "public", b) {
                        r.build_output(pub_, &["png", "svg", "ico", "woff2"], b);
                    }
                });
                r.with_budget(b, n * 8 / 100, |r, b| {
                    if let Some(bd) = r.dir(d, "build", b) {
                        if i == 0 {
                            r.file(bd, "robots.txt", 67, b);
                        }
                        r.build_output(bd, &["js", "js.map", "css", "html"], b);
                    }
                });
                r.with_budget(b, n * 8 / 100, |r, b| {
                    if let Some(nx) = r.dir(d, ".next", b) {
                        r.build_output(nx, &["js", "json", "pack", "pack.gz"], b);
                    }
                });
                if let Some(nm) = r.dir(d, "node_modules", b) {
                    r.node_modules(nm, b, 0);
                }
            });
        }
    }

    fn docs_and_scripts(&mut self, budget: &mut usize) {
        let scripts = (*budget / 10).min(200);
        self.with_budget(budget, scripts, |r, b| {
            if let Some(s) = r.dir(0, "scripts", b) {
                while *b > 0 {
                    let n = format!("{}.sh", r.ident());
                    let size = r.size(1_500.0, 0.8);
                    r.file(s, &n, size, b);
                }
            }
        });
        if let Some(d) = self.dir(0, "docs", budget) {
            let mut dirs = vec![d];
            while *budget > 0 {
                if self.rng.chance(0.1) {
                    let parent = dirs[self.rng.below(dirs.len() as u64) as usize];
                    let w = self.word();
                    if let Some(nd) = self.dir(parent, w, budget) {
                        dirs.push(nd);
                    }
                    continue;
                }
                let parent = dirs[self.rng.below(dirs.len() as u64) as usize];
                let (ext, median) = if self.rng.chance(0.7) { ("md", 6_000.0) } else { ("png", 180_000.0) };
                let n = format!("{}.{ext}", self.ident());
                let s = self.size(median, 1.0);
                self.file(parent, &n, s, budget);
            }
        }
    }

    // ------------------------------------------------------------ queries

    /// The entry's path relative to the root (empty for the root).
    pub fn path(&self, id: u32) -> String {
        let mut parts = Vec::new();
        let mut cur = id;
        while cur != 0 {
            parts.push(self.nodes[cur as usize].name.as_str());
            cur = self.nodes[cur as usize].parent;
        }
        parts.reverse();
        parts.join("/")
    }

    /// Children sorted byte-wise by name (how `ls`, `tree` and Docker order them).
    pub fn sorted_children(&self, id: u32) -> Vec<u32> {
        let mut c = self.nodes[id as usize].children.clone();
        c.sort_by(|a, b| self.nodes[*a as usize].name.as_bytes().cmp(self.nodes[*b as usize].name.as_bytes()));
        c
    }

    /// Children in a hash order that stands in for `readdir` on ext4 (what
    /// `du`, `find` and `tar` print).
    pub fn readdir_children(&self, id: u32) -> Vec<u32> {
        let mut c = self.nodes[id as usize].children.clone();
        c.sort_by_key(|&k| fnv(self.nodes[k as usize].name.as_bytes()));
        c
    }

    /// Pre-order walk (parents before children) in the given child order.
    pub fn preorder(&self, sorted: bool) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack = vec![0u32];
        while let Some(id) = stack.pop() {
            out.push(id);
            let mut kids = if sorted { self.sorted_children(id) } else { self.readdir_children(id) };
            kids.reverse();
            stack.extend(kids);
        }
        out
    }

    /// Sum of the apparent sizes of regular files.
    pub fn file_bytes(&self) -> u64 {
        self.nodes.iter().filter(|n| n.kind == Kind::File).map(|n| n.size).sum()
    }

    /// Counts of (directories without the root, files, symlinks).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for n in &self.nodes[1..] {
            match n.kind {
                Kind::Dir => c.0 += 1,
                Kind::File => c.1 += 1,
                Kind::Symlink => c.2 += 1,
            }
        }
        c
    }

    fn cumulative(&self, block: bool) -> Vec<u64> {
        let own = |n: &Node| -> u64 {
            if block {
                match n.kind {
                    Kind::Symlink => 0,
                    _ => n.size.div_ceil(4096) * 4,
                }
            } else {
                n.size
            }
        };
        let mut cum: Vec<u64> = self.nodes.iter().map(own).collect();
        // Children always have larger indices than their parents.
        for id in (1..self.nodes.len()).rev() {
            let p = self.nodes[id].parent as usize;
            cum[p] += cum[id];
        }
        cum
    }

    fn postorder_readdir(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<(u32, bool)> = vec![(0, false)];
        while let Some((id, expanded)) = stack.pop() {
            if expanded {
                out.push(id);
                continue;
            }
            stack.push((id, true));
            let mut kids = self.readdir_children(id);
            kids.reverse();
            stack.extend(kids.into_iter().map(|k| (k, false)));
        }
        out
    }

    fn dot_path(&self, id: u32) -> String {
        if id == 0 { ".".into() } else { format!("./{}", self.path(id)) }
    }

    // ------------------------------------------------------------ listings

    /// `du -ab` (apparent bytes, every entry, directories after their contents).
    pub fn du_ab(&self) -> Vec<u8> {
        self.du(false)
    }

    /// `du -a` (1 KiB blocks of 4 KiB allocation units).
    pub fn du_a(&self) -> Vec<u8> {
        self.du(true)
    }

    fn du(&self, blocks: bool) -> Vec<u8> {
        let cum = self.cumulative(blocks);
        let mut out = String::with_capacity(self.nodes.len() * 64);
        for id in self.postorder_readdir() {
            let _ = writeln!(out, "{}\t{}", cum[id as usize], self.dot_path(id));
        }
        out.into_bytes()
    }

    /// `find .`.
    pub fn find(&self) -> Vec<u8> {
        let mut out = String::with_capacity(self.nodes.len() * 56);
        for id in self.preorder(false) {
            out.push_str(&self.dot_path(id));
            out.push('\n');
        }
        out.into_bytes()
    }

    /// `find . -print0`.
    pub fn find_print0(&self) -> Vec<u8> {
        let mut out = self.find();
        for b in &mut out {
            if *b == b'\n' {
                *b = 0;
            }
        }
        out
    }

    /// `find . -printf '%s %p\n'`.
    pub fn find_printf(&self) -> Vec<u8> {
        let mut out = String::with_capacity(self.nodes.len() * 62);
        for id in self.preorder(false) {
            let _ = writeln!(out, "{} {}", self.nodes[id as usize].size, self.dot_path(id));
        }
        out.into_bytes()
    }

    /// `find . -ls`.
    pub fn find_ls(&self) -> Vec<u8> {
        let mut out = String::with_capacity(self.nodes.len() * 120);
        for id in self.preorder(false) {
            let n = &self.nodes[id as usize];
            let blocks = if n.kind == Kind::Symlink { 0 } else { n.size.div_ceil(4096) * 4 };
            let (mode, links) = match n.kind {
                Kind::Dir => {
                    ("drwxr-xr-x", 2 + n.children.iter().filter(|&&c| self.nodes[c as usize].kind == Kind::Dir).count())
                }
                Kind::File => ("-rw-r--r--", 1),
                Kind::Symlink => ("lrwxrwxrwx", 1),
            };
            let _ = write!(
                out,
                "{:>9} {:>6} {mode} {links:>3} dev      dev      {:>10} Nov 20 09:30 {}",
                5_376_234 + id as u64,
                blocks,
                n.size,
                self.dot_path(id)
            );
            if let Some(t) = &n.target {
                let _ = write!(out, " -> {t}");
            }
            out.push('\n');
        }
        out.into_bytes()
    }

    /// GNU `tar -tvf` of an archive made with `tar -cf - .`.
    pub fn tar_tv(&self) -> Vec<u8> {
        let mut out = String::with_capacity(self.nodes.len() * 90);
        for id in self.preorder(false) {
            let n = &self.nodes[id as usize];
            let (mode, size) = match n.kind {
                Kind::Dir => ("drwxr-xr-x", 0),
                Kind::File => ("-rw-r--r--", n.size),
                Kind::Symlink => ("lrwxrwxrwx", 0),
            };
            let mut p = self.dot_path(id);
            if n.kind == Kind::Dir {
                p.push('/');
            }
            let _ = write!(out, "{mode} dev/dev   {size:>12} 2026-11-19 19:11 {p}");
            if let Some(t) = &n.target {
                let _ = write!(out, " -> {t}");
            }
            out.push('\n');
        }
        out.into_bytes()
    }

    /// GNU `ls -lR` (run in the root: `.:` first, then each directory depth-first).
    pub fn ls_lr(&self) -> Vec<u8> {
        let mut out = String::with_capacity(self.nodes.len() * 64);
        let mut stack = vec![0u32];
        let mut first = true;
        while let Some(d) = stack.pop() {
            if !first {
                out.push('\n');
            }
            first = false;
            let _ = writeln!(out, "{}:", self.dot_path(d));
            let kids = self.sorted_children(d);
            let total: u64 = kids
                .iter()
                .map(|&k| {
                    let n = &self.nodes[k as usize];
                    if n.kind == Kind::Symlink { 0 } else { n.size.div_ceil(4096) * 4 }
                })
                .sum();
            let _ = writeln!(out, "total {total}");
            for &k in &kids {
                let n = &self.nodes[k as usize];
                let (mode, links) = match n.kind {
                    Kind::Dir => ("drwxr-xr-x", 2),
                    Kind::File => ("-rw-r--r--", 1),
                    Kind::Symlink => ("lrwxrwxrwx", 1),
                };
                let _ = write!(out, "{mode} {links} dev dev {:>10} Nov 19 19:11 {}", n.size, n.name);
                if let Some(t) = &n.target {
                    let _ = write!(out, " -> {t}");
                }
                out.push('\n');
            }
            let mut dirs: Vec<u32> = kids.into_iter().filter(|&k| self.nodes[k as usize].kind == Kind::Dir).collect();
            dirs.reverse();
            stack.extend(dirs);
        }
        out.into_bytes()
    }

    /// `git ls-tree -r -l HEAD` as if everything outside `.git` were committed.
    pub fn git_ls_tree(&self) -> Vec<u8> {
        let mut out = String::with_capacity(self.nodes.len() * 80);
        let mut h = Rng::new(0x6769_7421);
        for id in self.preorder(true) {
            let n = &self.nodes[id as usize];
            if n.kind == Kind::Dir {
                continue;
            }
            let p = self.path(id);
            if p.starts_with(".git/") {
                continue;
            }
            let mode = if n.kind == Kind::Symlink { "120000" } else { "100644" };
            let _ = writeln!(out, "{mode} blob {} {:>7}\t{p}", h.hex(40), n.size);
        }
        out.into_bytes()
    }

    /// `ncdu -o -` (JSON export format 1.2).
    pub fn ncdu(&self) -> Vec<u8> {
        let mut out = String::with_capacity(self.nodes.len() * 50);
        out.push_str("[1,2,{\"progname\":\"ncdu\",\"progver\":\"1.18\",\"timestamp\":1795688338},\n");
        self.ncdu_node(0, &mut out);
        out.push_str("]\n");
        out.into_bytes()
    }

    fn ncdu_node(&self, id: u32, out: &mut String) {
        // Iterative to survive deep trees.
        enum Step {
            Open(u32),
            Close,
        }
        let mut stack = vec![Step::Open(id)];
        let mut first_in_dir = vec![true];
        while let Some(step) = stack.pop() {
            match step {
                Step::Close => {
                    out.push(']');
                    first_in_dir.pop();
                }
                Step::Open(id) => {
                    let fid = first_in_dir.last_mut().expect("frame");
                    if !*fid {
                        out.push_str(",\n");
                    }
                    *fid = false;
                    let n = &self.nodes[id as usize];
                    let name = if id == 0 { "/home/dev/src/monorepo" } else { n.name.as_str() };
                    match n.kind {
                        Kind::Dir => {
                            let _ = write!(out, "[{{\"name\":\"{name}\",\"asize\":4096,\"dsize\":4096}}");
                            first_in_dir.push(false);
                            stack.push(Step::Close);
                            let mut kids = self.readdir_children(id);
                            kids.reverse();
                            stack.extend(kids.into_iter().map(Step::Open));
                        }
                        Kind::File => {
                            let _ = write!(
                                out,
                                "{{\"name\":\"{name}\",\"asize\":{},\"dsize\":{}}}",
                                n.size,
                                n.size.div_ceil(4096) * 4096
                            );
                        }
                        Kind::Symlink => {
                            let _ = write!(out, "{{\"name\":\"{name}\",\"asize\":{},\"notreg\":true}}", n.size);
                        }
                    }
                }
            }
        }
    }

    /// `tree -J -s -a` (nested JSON, sorted).
    pub fn tree_json(&self) -> Vec<u8> {
        let mut out = String::with_capacity(self.nodes.len() * 60);
        out.push_str("[\n");
        enum Step {
            Open(u32, bool),
            Close,
        }
        let mut stack = vec![Step::Open(0, true)];
        let (mut dirs, mut files) = (0u64, 0u64);
        while let Some(step) = stack.pop() {
            match step {
                Step::Close => out.push_str("]}"),
                Step::Open(id, first) => {
                    if !first {
                        out.push_str(",\n");
                    }
                    let n = &self.nodes[id as usize];
                    let name = if id == 0 { "." } else { n.name.as_str() };
                    match n.kind {
                        Kind::Dir => {
                            if id != 0 {
                                dirs += 1;
                            }
                            let _ = write!(
                                out,
                                "{{\"type\":\"directory\",\"name\":\"{name}\",\"size\":4096,\"contents\":["
                            );
                            stack.push(Step::Close);
                            let kids = self.sorted_children(id);
                            stack.extend(kids.iter().enumerate().rev().map(|(i, &k)| Step::Open(k, i == 0)));
                        }
                        Kind::File => {
                            files += 1;
                            let _ = write!(out, "{{\"type\":\"file\",\"name\":\"{name}\",\"size\":{}}}", n.size);
                        }
                        Kind::Symlink => {
                            files += 1;
                            let _ = write!(
                                out,
                                "{{\"type\":\"link\",\"name\":\"{name}\",\"target\":\"{}\",\"size\":{}}}",
                                n.target.as_deref().unwrap_or(""),
                                n.size
                            );
                        }
                    }
                }
            }
        }
        let _ = write!(out, "\n,\n  {{\"type\":\"report\",\"directories\":{dirs},\"files\":{files}}}\n]\n");
        out.into_bytes()
    }
}

fn fnv(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// Every listing format the generator can print: (ctxlens format name, what printed it, printer).
pub type Printer = fn(&Repo) -> Vec<u8>;

/// The formats, in table order.
pub const FORMATS: &[(&str, &str, Printer)] = &[
    ("du-b", "du -ab", Repo::du_ab),
    ("du", "du -a", Repo::du_a),
    ("find", "find .", Repo::find),
    ("paths0", "find . -print0", Repo::find_print0),
    ("find-printf", "find -printf '%s %p\\n'", Repo::find_printf),
    ("find-ls", "find . -ls", Repo::find_ls),
    ("tar", "tar -tvf", Repo::tar_tv),
    ("ls", "ls -lR", Repo::ls_lr),
    ("git-ls-tree", "git ls-tree -r -l", Repo::git_ls_tree),
    ("ncdu", "ncdu -o", Repo::ncdu),
    ("tree-json", "tree -J -s -a", Repo::tree_json),
];

/// A realistic `.dockerignore` for the generated monorepo: `**/` rules for
/// dependency and build directories, and literal exceptions (so BuildKit can
/// still prune the directories they do not reach).
pub const DOCKERIGNORE: &str = "\
# Version control and local tooling
.git
.gitignore
**/.DS_Store
**/.idea
**/.vscode

# Dependencies are installed in the image
**/node_modules
**/.venv
**/vendor/**/*.md

# Build outputs and caches
**/target
**/dist
**/build
**/.next
**/__pycache__
**/*.pyc
**/coverage
**/coverage.out
**/*.test
services/*/bin
**/logs
**/*.log

# Large test data
**/testdata/large
**/tests/fixtures/*.bin

# Secrets and docs
**/.env
docs
**/*.md
!README.md

# Build definitions are not needed inside the image
Dockerfile*
docker-compose*.yml
.dockerignore

# ...but some generated files are
!services/api/dist/openapi.json
!packages/web/build/robots.txt
";

/// The same rules plus one wildcard exception: BuildKit can then no longer
/// skip excluded directories and must walk every one of them.
pub fn dockerignore_unprunable() -> String {
    format!("{DOCKERIGNORE}!**/*.proto\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_size_and_deterministic() {
        for n in [0, 1, 5, 50, 1_000, 20_000] {
            let r = Repo::generate(n, 7);
            assert_eq!(r.len(), n);
        }
        let a = Repo::generate(5_000, 42).du_ab();
        let b = Repo::generate(5_000, 42).du_ab();
        assert_eq!(a, b);
        assert_ne!(a, Repo::generate(5_000, 43).du_ab());
    }

    #[test]
    fn has_the_paths_the_rules_name() {
        let r = Repo::generate(100_000, 1);
        let paths: HashSet<String> = (1..r.nodes.len() as u32).map(|i| r.path(i)).collect();
        for p in ["services/api/dist/openapi.json", "packages/web/build/robots.txt", ".git/HEAD", "README.md"] {
            assert!(paths.contains(p), "{p}");
        }
        assert!(paths.iter().any(|p| p.matches("node_modules").count() >= 3), "nested node_modules");
        assert!(paths.iter().any(|p| p.contains("/target/debug/deps/")));
        assert!(paths.iter().any(|p| p.contains("/vendor/github.com/")));
        assert!(paths.iter().any(|p| p.contains("/__pycache__/")));
    }
}
