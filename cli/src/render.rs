//! Human-readable output: a summary a person takes in within five seconds.

use std::fmt::Write as _;
use std::io::IsTerminal;

use ctxlens_core::eval::Transfer;
use ctxlens_core::eval::classic::ClassicBuild;
use ctxlens_core::explain::Explanation;
use ctxlens_core::report::{IgnoreSource, Report, sent_sizes};
use ctxlens_core::tree::{EntryKind, ROOT};

use crate::args::ColorChoice;
use crate::context::Loaded;

/// Whether to colour stdout.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    }
}

struct Style(bool);

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.0 { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
    fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
}

/// `1234567` → `1.2 MB` (decimal units, as Docker prints context sizes).
pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 { format!("{bytes} B") } else { format!("{v:.1} {}", UNITS[u]) }
}

fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the summary shows: the BuildKit evaluation and, when known, the classic builder's.
pub struct SummaryView<'a> {
    /// The loaded context.
    pub loaded: &'a Loaded,
    /// BuildKit's report.
    pub report: &'a Report,
    /// BuildKit's transfer.
    pub transfer: &'a Transfer,
    /// The classic build, when `--builder classic`.
    pub classic: Option<&'a ClassicBuild>,
    /// The classic tar size, when it could be computed.
    pub classic_tar: Option<u64>,
    /// Lints and suggestions, unless `--no-insight`.
    pub insight: Option<&'a ctxlens_core::insight::Insight>,
}

/// The summary screen.
pub fn summary(view: &SummaryView<'_>, color: bool) -> String {
    let SummaryView { loaded, report, transfer: t, classic, classic_tar, insight } = *view;
    let s = Style(color);
    let mut o = String::new();
    let tree = &loaded.tree;
    let rules_desc = match (&report.ignore.source, &report.ignore.file) {
        (IgnoreSource::None, _) => "none (everything is sent)".to_string(),
        (src, Some(f)) => format!(
            "{f} ({}, {})",
            match src {
                IgnoreSource::Dockerfile => "Dockerfile-specific",
                IgnoreSource::Context => "context root",
                _ => "given",
            },
            count(report.ignore.rules.len() as u64, "rule", "rules")
        ),
        (_, None) => String::new(),
    };
    let _ = writeln!(o, "{}  {} ({})", s.bold("Context "), loaded.name, loaded.input_kind);
    let _ = writeln!(o, "{}  {}", s.bold("Rules   "), rules_desc);
    let total = report.context.bytes + report.excluded.bytes;
    // A directory-only listing (`du` without `-a`) shows only some files.
    let fw = if loaded.directories_only { ("listed file", "listed files") } else { ("file", "files") };
    let _ = writeln!(
        o,
        "{}  {} in {}, {}",
        s.bold("Sent    "),
        s.bold(&human(report.context.bytes)),
        count(report.context.files, fw.0, fw.1),
        count(report.context.dirs, "directory", "directories")
    );
    if report.context.bytes_min != report.context.bytes_max {
        let _ = writeln!(
            o,
            "          between {} and {}: the input {}",
            human(report.context.bytes_min),
            human(report.context.bytes_max),
            if report.context.undecided_rules.is_empty() {
                "rounds its sizes".to_string()
            } else {
                format!(
                    "does not list what rules on line(s) {} could match",
                    report.context.undecided_rules.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ")
                )
            }
        );
    }
    match loaded.sizes.as_str() {
        "disk-usage" => {
            let _ = writeln!(
                o,
                "          {} these are disk usage (blocks), not bytes: a context carries apparent sizes \
                 (use `du -ab`, `du --apparent-size`, or `find -printf '%s %p\\n'`)",
                s.red("note:")
            );
        }
        "none" => {
            let _ =
                writeln!(o, "          {} the listing has no sizes: only paths and counts are known", s.red("note:"));
        }
        _ => {}
    }
    let pct = if total > 0 { report.excluded.bytes as f64 * 100.0 / total as f64 } else { 0.0 };
    let _ = writeln!(
        o,
        "{}  {} in {} ({pct:.0}% of {})",
        s.bold("Excluded"),
        s.green(&human(report.excluded.bytes)),
        count(report.excluded.files, fw.0, fw.1),
        human(total)
    );
    if let Some(c) = classic {
        let _ = writeln!(
            o,
            "{}  {} tar stream ({} entries) — \"Sending build context to Docker daemon {}\"; BuildKit would send {}",
            s.bold("Classic "),
            s.bold(&human(c.tar_bytes)),
            c.entries.len(),
            human(c.tar_bytes),
            human(report.context.bytes)
        );
        if let Some(d) = &c.daemon
            && !d.removed.is_empty()
        {
            let _ = writeln!(o, "          the daemon then deletes {} (excluded by the rules)", d.removed.join(", "));
        }
    }
    if classic.is_none() {
        let _ = writeln!(
            o,
            "{}  first build ≈ {} on the wire, repeat build ≈ {} (metadata only){}",
            s.bold("Wire    "),
            human(report.wire.cold_bytes_estimate),
            human(report.wire.warm_bytes_estimate),
            classic_tar.map(|b| format!("; classic builder tar: {}", human(b))).unwrap_or_default()
        );
    }
    let tr = &report.transfer;
    if let Some(df) = &tr.dockerfile {
        let what = if !tr.context_used {
            "reads nothing from the context".to_string()
        } else {
            match &tr.follow_paths {
                None => "uses the whole context (COPY . or equivalent)".to_string(),
                Some(p) => format!("COPY/ADD use only: {}", p.join(", ")),
            }
        };
        let applied = if tr.applied { " (applied: --copy-only)" } else { "" };
        let _ = writeln!(o, "{}  {df}: {what}{applied}", s.bold("Dockerfile"));
    }

    let sizes = sent_sizes(tree, t);
    let mut dirs: Vec<_> = tree
        .children(ROOT)
        .iter()
        .filter(|&&c| tree.kind(c) == EntryKind::Dir && sizes[c as usize] > 0)
        .copied()
        .collect();
    dirs.sort_by_key(|&c| std::cmp::Reverse(sizes[c as usize]));
    if !dirs.is_empty() {
        let _ = writeln!(o, "\n{}", s.bold("Biggest included directories"));
        for c in dirs.iter().take(8) {
            let _ = writeln!(o, "  {:>10}  {}/", human(sizes[*c as usize]), String::from_utf8_lossy(tree.name(*c)));
        }
    }
    let mut files: Vec<_> =
        t.entries.iter().filter(|e| matches!(e.kind, ctxlens_core::eval::SentKind::File)).map(|e| e.node).collect();
    files.sort_by_key(|&n| std::cmp::Reverse(tree.size(n)));
    if !files.is_empty() {
        let _ = writeln!(o, "\n{}", s.bold("Biggest included files"));
        for n in files.iter().take(5) {
            let _ = writeln!(o, "  {:>10}  {}", human(tree.size(*n)), String::from_utf8_lossy(&tree.path(*n)));
        }
    }
    if !report.ignore.rules.is_empty() {
        let _ = writeln!(o, "\n{}", s.bold("Rules (saving = context size without the rule minus with it)"));
        let width = report.ignore.rules.iter().map(|r| r.text.chars().count()).max().unwrap_or(0).min(40);
        for r in &report.ignore.rules {
            let saving = if r.saving_bytes == 0 {
                s.dim("saves nothing here")
            } else if r.saving_bytes > 0 {
                let files = if r.saving_files > 0 {
                    format!(" ({})", count(r.saving_files as u64, "file", "files"))
                } else {
                    String::new()
                };
                format!("saves {}{files}", s.green(&human(r.saving_bytes as u64)))
            } else {
                format!("re-includes {}", s.red(&human(r.saving_bytes.unsigned_abs())))
            };
            let _ = writeln!(o, "  {:>4}  {:<width$}  {saving}", r.line, r.text);
        }
    }
    if let Some(ins) = insight {
        use ctxlens_core::insight::Severity;
        let serious: Vec<_> = ins.lints.iter().filter(|l| l.severity != Severity::Info).collect();
        if !serious.is_empty() {
            let _ = writeln!(o, "\n{}", s.bold("Warnings"));
            for l in serious.iter().take(8) {
                let place = l.line.map(|n| format!("line {n}: ")).unwrap_or_default();
                let tag = if l.severity == Severity::Error { s.red("error") } else { s.red("warning") };
                let _ = writeln!(o, "  {tag} {place}{}", l.message);
            }
            if serious.len() > 8 {
                let _ = writeln!(o, "  {} more (see --json)", serious.len() - 8);
            }
        }
        // One line per rule text: several reasons can lead to the same edit.
        let mut shown = std::collections::HashSet::new();
        let useful: Vec<_> = ins
            .suggestions
            .iter()
            .filter(|s| s.saving_bytes.is_none_or(|b| b > 0))
            .filter(|s| shown.insert(s.rule.clone()))
            .collect();
        if !useful.is_empty() {
            let _ = writeln!(o, "\n{}", s.bold("Suggestions"));
            for sg in useful.iter().take(6) {
                let saving = match sg.saving_bytes {
                    Some(b) => format!("saves {}", s.green(&human(b.max(0) as u64))),
                    None => String::new(),
                };
                let lines = sg.rule.lines().count();
                let rule = sg.rule.lines().next().unwrap_or_default();
                let more = if lines > 1 { format!(" (+{} lines)", lines - 1) } else { String::new() };
                let _ = writeln!(o, "  {:<34} {saving}  {}", format!("{rule}{more}"), s.dim(&sg.reason));
            }
        }
    }
    o
}

/// The biggest sent top-level directories and files, for an over-budget message.
pub fn top_contributors(loaded: &Loaded, t: &Transfer, n: usize) -> Vec<String> {
    let tree = &loaded.tree;
    let sizes = sent_sizes(tree, t);
    let mut items: Vec<_> = tree.children(ROOT).iter().filter(|&&c| sizes[c as usize] > 0).copied().collect();
    items.sort_by_key(|&c| std::cmp::Reverse(sizes[c as usize]));
    items
        .into_iter()
        .take(n)
        .map(|c| {
            let slash = if tree.kind(c) == EntryKind::Dir { "/" } else { "" };
            format!("{:>10}  {}{slash}", human(sizes[c as usize]), String::from_utf8_lossy(tree.name(c)))
        })
        .collect()
}

/// `ctxlens explain` output.
pub fn explanations(list: &[Explanation], loaded: &Loaded, color: bool) -> String {
    let s = Style(color);
    let mut o = String::new();
    let _ = loaded;
    for e in list {
        let verdict = if e.sent { s.red("sent") } else { s.green("excluded") };
        let verdict = if e.reason == "not_in_context" { s.dim("absent") } else { verdict };
        let _ = writeln!(o, "{}  {verdict}", s.bold(&e.path));
        let _ = writeln!(o, "  {}", e.message);
        for h in &e.hints {
            let _ = writeln!(o, "  {} {h}", s.dim("hint:"));
        }
    }
    o
}

/// `ctxlens diff` output.
pub fn diff(
    d: &ctxlens_core::compare::Diff,
    before_name: &str,
    after_name: &str,
    before: &Transfer,
    after: &Transfer,
    color: bool,
) -> String {
    let s = Style(color);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}  {before_name}: {} in {}",
        s.bold("before"),
        human(before.totals.file_bytes),
        count(before.totals.files, "file", "files")
    );
    let _ = writeln!(
        o,
        "{}  {after_name}: {} in {}",
        s.bold("after "),
        human(after.totals.file_bytes),
        count(after.totals.files, "file", "files")
    );
    let delta = if d.bytes_delta <= 0 {
        s.green(&format!("-{}", human(d.bytes_delta.unsigned_abs())))
    } else {
        s.red(&format!("+{}", human(d.bytes_delta as u64)))
    };
    let _ = writeln!(o, "{}  {delta}, {:+} files", s.bold("change"), d.files_delta);
    for (title, changes, sign) in [("No longer sent", &d.removed, s.green("-")), ("Now sent", &d.added, s.red("+"))] {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{}", s.bold(title));
        for c in changes {
            let _ = writeln!(o, "  {sign} {:>10}  {}  ({})", human(c.bytes), c.path, count(c.files, "file", "files"));
        }
    }
    if d.added.is_empty() && d.removed.is_empty() {
        let _ = writeln!(o, "\nNo path changes.");
    }
    o
}

/// `ctxlens compose` output.
pub fn compose(project: &std::path::Path, services: &[crate::compose::ServiceBuild], color: bool) -> String {
    let s = Style(color);
    let mut o = String::new();
    let _ = writeln!(o, "{}  {}", s.bold("Project"), project.display());
    if services.is_empty() {
        let _ = writeln!(o, "\nNo service has a `build:` section.");
    }
    for svc in services {
        let _ = writeln!(o, "\n{}", s.bold(&svc.service));
        let _ = writeln!(o, "  context     {}", svc.context);
        let _ = writeln!(o, "  dockerfile  {}", svc.dockerfile);
        let _ = writeln!(o, "  ignore      {}", svc.ignore_file.as_deref().unwrap_or("none (everything is sent)"));
        let _ = writeln!(
            o,
            "  context     {} in {}",
            s.bold(&human(svc.context_bytes)),
            count(svc.context_files, "file", "files")
        );
        match (svc.transfer_bytes, &svc.follow_paths) {
            (Some(b), Some(fp)) => {
                let _ = writeln!(
                    o,
                    "  transfer    {} (BuildKit sends only the COPY sources: {})",
                    s.bold(&human(b)),
                    fp.join(", ")
                );
            }
            (Some(0), None) if svc.context_bytes > 0 => {
                let _ = writeln!(o, "  transfer    nothing (the Dockerfile reads nothing from the context)");
            }
            (Some(b), None) => {
                let _ = writeln!(o, "  transfer    {} (the Dockerfile copies the whole context)", s.bold(&human(b)));
            }
            (None, _) => {}
        }
        if !svc.shared_with.is_empty() {
            let _ =
                writeln!(o, "  shared by   {} other service(s): {}", svc.shared_with.len(), svc.shared_with.join(", "));
        }
        for w in &svc.warnings {
            let _ = writeln!(o, "  {} {w}", s.red("warning:"));
        }
    }
    o
}

/// A progress line on stderr for walks that take longer than a moment (only
/// on a terminal).
pub struct Progress {
    label: &'static str,
    start: std::time::Instant,
    shown: std::sync::atomic::AtomicBool,
    enabled: bool,
}

impl Progress {
    /// Starts timing.
    pub fn new(label: &'static str) -> Progress {
        Progress {
            label,
            start: std::time::Instant::now(),
            shown: std::sync::atomic::AtomicBool::new(false),
            enabled: std::io::stderr().is_terminal(),
        }
    }

    /// Reports `n` entries so far.
    pub fn update(&self, n: u64) {
        if self.enabled && self.start.elapsed() > std::time::Duration::from_millis(300) {
            self.shown.store(true, std::sync::atomic::Ordering::Relaxed);
            eprint!("\r{}: {n} entries", self.label);
        }
    }

    /// Clears the line if anything was shown.
    pub fn finish(&self) {
        if self.shown.load(std::sync::atomic::Ordering::Relaxed) {
            eprint!("\r\x1b[2K");
        }
    }
}
