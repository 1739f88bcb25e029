//! `cargo bench -p ctxlens-core --bench engine`: the engine's hot paths on a
//! synthetic monorepo (the generator of `bench/`, compiled in with `#[path]`).
//!
//! A custom harness (no criterion: nothing extra to compile). Under
//! `cargo bench` each case runs several times and the median is printed;
//! otherwise (`cargo test --benches`) each runs once on a small tree, as a
//! smoke test. `CTXLENS_BENCH_PATHS` sets the tree size (default 100000).
//! The side-by-side table with the peers is `cargo run -p ctxlens-bench --release`.

#[path = "../../bench/src/synth.rs"]
#[allow(dead_code, unused_imports)]
mod synth;

use std::hint::black_box;
use std::time::{Duration, Instant};

use ctxlens_core::eval::classic::{ClassicOptions, classic_build};
use ctxlens_core::eval::{TransferOptions, transfer};
use ctxlens_core::ignore::RuleSet;
use ctxlens_core::insight::{Input, insight};
use ctxlens_core::listing::{ListingFormat, parse_listing};
use ctxlens_core::report::{IgnoreSource, build_report};
use ctxlens_core::tree::{ContextTree, Entry};

struct Bencher {
    reps: usize,
    filter: Option<String>,
}

impl Bencher {
    /// Times `f` and prints the median with a throughput of `units` per second.
    fn run<R>(&self, name: &str, units: f64, unit: &str, mut f: impl FnMut() -> R) {
        if self.filter.as_ref().is_some_and(|flt| !name.contains(flt.as_str())) {
            return;
        }
        let mut times: Vec<Duration> = (0..self.reps)
            .map(|_| {
                let t = Instant::now();
                black_box(f());
                t.elapsed()
            })
            .collect();
        times.sort();
        let d = times[times.len() / 2];
        println!("{name:<58} {:>10.2} ms {:>10.1} {unit}/s", d.as_secs_f64() * 1e3, units / d.as_secs_f64());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let benching = args.iter().any(|a| a == "--bench");
    let filter = args.iter().find(|a| !a.starts_with('-')).cloned();
    let n: usize = std::env::var("CTXLENS_BENCH_PATHS").ok().and_then(|s| s.parse().ok()).unwrap_or(if benching {
        100_000
    } else {
        2_000
    });
    let b = Bencher { reps: if benching { 7 } else { 1 }, filter };
    let repo = synth::Repo::generate(n, 1);
    println!("synthetic monorepo: {n} paths (median of {} runs)", b.reps);

    for &(name, what, print) in synth::FORMATS {
        let input = print(&repo);
        let fmt = ListingFormat::from_name(name).expect("known format");
        b.run(&format!("parse_listing `{what}`"), input.len() as f64 / 1e6, "MB", || parse_listing(&input, Some(fmt)));
    }
    let du = repo.du_ab();
    b.run("parse_listing `du -ab` (autodetected)", du.len() as f64 / 1e6, "MB", || parse_listing(&du, None));

    let paths: Vec<String> = (1..repo.nodes.len() as u32).map(|i| repo.path(i)).collect();
    b.run("ContextTree::insert + finish (all paths)", n as f64 / 1e6, "Mpaths", || {
        let mut t = ContextTree::new();
        for p in &paths {
            let _ = t.insert(p.as_bytes(), Entry::file(1));
        }
        t.finish();
        t
    });

    let tree = parse_listing(&du, Some(ListingFormat::DuBytes)).expect("parses").tree;
    let typical = RuleSet::parse(synth::DOCKERIGNORE.as_bytes()).expect("valid");
    let unprunable = RuleSet::parse(synth::dockerignore_unprunable().as_bytes()).expect("valid");
    b.run("RuleSet::parse (typical rules)", typical.rules().len() as f64, "rules", || {
        RuleSet::parse(synth::DOCKERIGNORE.as_bytes())
    });
    for (rname, rules) in [("typical", &typical), ("unprunable", &unprunable)] {
        b.run(&format!("eval::transfer ({rname} rules)"), n as f64 / 1e6, "Mpaths", || {
            transfer(&tree, &TransferOptions { rules: Some(rules), follow_paths: None })
        });
    }
    b.run("RuleSet::verdict_for_path on every path (typical)", n as f64 / 1e6, "Mpaths", || {
        paths.iter().filter(|p| typical.verdict_for_path(p.as_bytes()).is_ok_and(|v| v.excluded)).count()
    });
    b.run("RuleSet::matches_or_parent on every path (typical)", n as f64 / 1e6, "Mpaths", || {
        paths.iter().filter(|p| typical.matches_or_parent(p.as_bytes()).is_ok_and(|v| v.0)).count()
    });
    let small = Bencher { reps: b.reps.min(3), filter: b.filter.clone() };
    small.run("report::build_report (typical, with per-rule savings)", n as f64 / 1e6, "Mpaths", || {
        build_report(&tree, Some(&typical), IgnoreSource::Explicit, None, None)
    });
    let ignore = synth::DOCKERIGNORE.as_bytes();
    small.run("eval::classic::classic_build (typical)", n as f64 / 1e6, "Mpaths", || {
        classic_build(&tree, &ClassicOptions { dockerignore: Some(ignore), dockerfile: None, unreadable: &[] })
    });
    let base = transfer(&tree, &TransferOptions { rules: Some(&typical), follow_paths: None });
    small.run("insight::insight (typical, no Dockerfile)", n as f64 / 1e6, "Mpaths", || {
        insight(&Input::new(&tree, Some(&typical), &base))
    });
}
