//! `ctxlens`: see a Docker build context before you send it.

mod args;
mod compose;
mod context;
mod render;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use ctxlens_core::eval::classic::{ClassicBuild, ClassicOptions, classic_build};
use ctxlens_core::eval::{NodeState, Transfer, TransferOptions, transfer};
use ctxlens_core::explain::explain;
use ctxlens_core::report::{IgnoreSource, Report, TransferReport, build_report};
use ctxlens_core::tree::{EntryKind, ROOT};

use args::{Builder, Cli, Command, ContextArgs};
use context::Loaded;

/// Why a command could not do its job; every one exits with status 2.
#[derive(Debug)]
pub enum Failure {
    /// The context, listing or a file could not be read, or the arguments are inconsistent.
    Input(String),
    /// The ignore file is one Docker rejects.
    Rules(String),
    /// The Dockerfile is one BuildKit rejects.
    Dockerfile(String),
    /// The build would fail (lazy pattern error, unreadable file, classic-builder error).
    Walk(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Input(m) => write!(f, "{m}"),
            Failure::Rules(m) => write!(f, "invalid ignore file (docker build would fail): {m}"),
            Failure::Dockerfile(m) => write!(f, "Dockerfile rejected (docker build would fail): {m}"),
            Failure::Walk(m) => write!(f, "docker build would fail: {m}"),
        }
    }
}

fn main() -> ExitCode {
    // No panic may reach the user as a backtrace: report it and exit 2.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("ctxlens: internal error: {info}\nPlease report this with the input that caused it.");
    }));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(code)) => code,
        Ok(Err(f)) => {
            eprintln!("ctxlens: {f}");
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Some(Command::Ls(ls)) => cmd_ls(&ls.dir, &ls.context, ls.excluded),
        Some(Command::Explain(ex)) => cmd_explain(&ex.dir, &ex.context, &ex.paths),
        Some(Command::Diff(d)) => cmd_diff(&d.dir, &d.context, d.against.as_deref()),
        Some(Command::Compose(c)) => {
            let (project, services) = compose::analyse(&c.files)?;
            if c.json {
                let v = serde_json::json!({"project_dir": project.display().to_string(), "services": services});
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            } else {
                print!("{}", render::compose(&project, &services, render::use_color(c.color)));
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "ctxlens", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(&mut std::io::stdout())
                .map_err(|e| Failure::Input(format!("cannot write the man page: {e}")))?;
            Ok(ExitCode::SUCCESS)
        }
        None => cmd_summary(&cli.dir, &cli.summary),
    }
}

/// The Dockerfile's effect, when it is needed (summary, `--copy-only`).
fn transfer_report(loaded: &Loaded, args: &ContextArgs, needed: bool) -> Result<Option<TransferReport>, Failure> {
    if args.copy_only && loaded.dockerfile.is_none() {
        return Err(Failure::Input("--copy-only needs a Dockerfile (none found; use -f)".into()));
    }
    if !needed {
        return Ok(None);
    }
    let Some(cu) = context::context_use(loaded, args)? else {
        return Ok(None);
    };
    Ok(Some(TransferReport {
        context_used: cu.context_used,
        follow_paths: cu.follow_paths,
        applied: args.copy_only,
        dockerfile: loaded.dockerfile.as_ref().map(|(p, _)| p.clone()),
        unresolved: cu.unresolved,
    }))
}

/// Unreadable entries fail the build unless the rules exclude them.
fn check_unreadable(loaded: &Loaded) -> Result<(), Failure> {
    for (path, err) in &loaded.unreadable {
        let excluded = match &loaded.rules {
            Some(r) if !path.is_empty() => r.verdict_for_path(path).map(|v| v.excluded).unwrap_or(false),
            _ => false,
        };
        if !excluded {
            let shown = if path.is_empty() { ".".into() } else { String::from_utf8_lossy(path).into_owned() };
            return Err(Failure::Walk(format!("cannot read {shown}: {err}")));
        }
    }
    Ok(())
}

fn warn(loaded: &Loaded) {
    for w in &loaded.warnings {
        eprintln!("ctxlens: warning: {w}");
    }
}

/// The BuildKit evaluation every command shares.
fn evaluate(loaded: &Loaded, args: &ContextArgs, needs_dockerfile: bool) -> Result<(Report, Transfer), Failure> {
    check_unreadable(loaded)?;
    let tr = transfer_report(loaded, args, needs_dockerfile || args.copy_only)?;
    Ok(build_report(&loaded.tree, loaded.rules.as_ref(), loaded.ignore_source.clone(), loaded.ignore_file.clone(), tr))
}

/// The classic builder's run on the loaded context.
fn classic(loaded: &Loaded, dir: &Path, args: &ContextArgs) -> Result<ClassicBuild, Failure> {
    let rel = match &args.dockerfile {
        None => None,
        Some(df) => {
            let abs_dir = std::fs::canonicalize(dir).map_err(|e| Failure::Input(format!("{}: {e}", dir.display())))?;
            let abs_df = std::path::absolute(df).map_err(|e| Failure::Input(format!("{}: {e}", df.display())))?;
            let parent = abs_df.parent().and_then(|p| std::fs::canonicalize(p).ok());
            let rel = parent
                .and_then(|p| {
                    p.join(abs_df.file_name().unwrap_or_default()).strip_prefix(&abs_dir).ok().map(Path::to_path_buf)
                })
                .ok_or_else(|| {
                    Failure::Input(format!(
                        "{}: a Dockerfile outside the context is not modelled for the classic builder",
                        df.display()
                    ))
                })?;
            Some(rel.to_string_lossy().into_owned())
        }
    };
    let unreadable: Vec<Vec<u8>> = loaded.unreadable.iter().map(|(p, _)| p.clone()).collect();
    // The classic builder never reads `<Dockerfile>.dockerignore`.
    let root_ignore;
    let ignore = if loaded.ignore_source == IgnoreSource::Dockerfile {
        root_ignore = std::fs::read(dir.join(".dockerignore")).ok();
        root_ignore.as_deref()
    } else {
        loaded.ignore_bytes.as_deref()
    };
    Ok(classic_build(
        &loaded.tree,
        &ClassicOptions { dockerignore: ignore, dockerfile: rel.as_deref(), unreadable: &unreadable },
    ))
}

fn write_lines<'a>(args: &ContextArgs, lines: impl Iterator<Item = Vec<u8>> + 'a) {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let sep = if args.null { b'\0' } else { b'\n' };
    for mut line in lines {
        line.push(sep);
        if out.write_all(&line).is_err() {
            // A closed pipe (`ctxlens ls | head`) is not an error.
            return;
        }
    }
    let _ = out.flush();
}

fn cmd_ls(dir: &Path, args: &ContextArgs, excluded: bool) -> Result<ExitCode, Failure> {
    // Listing what is sent needs no look inside trees BuildKit never enters.
    let prune = !excluded && args.builder == Builder::Buildkit;
    let loaded = context::load_with(dir, args, prune)?;
    warn(&loaded);
    let tree = &loaded.tree;
    if args.builder == Builder::Classic {
        let c = classic(&loaded, dir, args)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&c.entries).unwrap_or_default());
        } else {
            write_lines(args, c.entries.iter().map(|e| e.path.clone().into_bytes()));
        }
        return match c.error {
            Some(e) => Err(Failure::Walk(e.message)),
            None => Ok(ExitCode::SUCCESS),
        };
    }
    check_unreadable(&loaded)?;
    let tr = transfer_report(&loaded, args, args.copy_only)?;
    if tr.as_ref().is_some_and(|t| t.applied && !t.context_used) && !excluded {
        return Ok(ExitCode::SUCCESS);
    }
    let follow = tr.as_ref().filter(|t| t.applied).and_then(|t| t.follow_paths.clone());
    let t = transfer(tree, &TransferOptions { rules: loaded.rules.as_ref(), follow_paths: follow.as_deref() });
    let with_slash = |id| {
        let mut p = tree.path(id);
        if tree.kind(id) == EntryKind::Dir {
            p.push(b'/');
        }
        p
    };
    let ids: Vec<u32> = if excluded {
        // Excluded directories are listed once; what lies inside them is implied.
        tree.walk()
            .filter(|&id| {
                let s = t.verdict(id).state;
                let parent_out = tree.parent(id) != ROOT
                    && matches!(
                        t.verdict(tree.parent(id)).state,
                        NodeState::Excluded | NodeState::Pruned | NodeState::NotFollowed
                    )
                    && !t.is_sent(tree.parent(id));
                matches!(s, NodeState::Excluded | NodeState::Pruned | NodeState::NotFollowed) && !parent_out
            })
            .collect()
    } else {
        t.entries.iter().map(|e| e.node).collect()
    };
    if args.json {
        let entries: Vec<serde_json::Value> = ids
            .iter()
            .map(|&id| {
                serde_json::json!({
                    "path": String::from_utf8_lossy(&tree.path(id)),
                    "type": tree.kind(id),
                    "size": tree.size(id),
                })
            })
            .collect();
        let v = serde_json::json!({ "entries": entries, "error": t.error.as_ref().map(|e| e.to_string()) });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        write_lines(args, ids.into_iter().map(with_slash));
    }
    match t.error {
        Some(e) => Err(Failure::Walk(e.to_string())),
        None => Ok(ExitCode::SUCCESS),
    }
}

fn cmd_explain(dir: &Path, args: &ContextArgs, paths: &[std::path::PathBuf]) -> Result<ExitCode, Failure> {
    let loaded = context::load(dir, args)?;
    warn(&loaded);
    let (_, t) = evaluate(&loaded, args, false)?;
    let c = classic(&loaded, dir, args).ok();
    let mut out = Vec::new();
    for p in paths {
        // Accept paths as typed from the shell: relative to DIR, or under it.
        let rel = p.strip_prefix(dir).unwrap_or(p);
        let rel = rel.to_string_lossy().trim_start_matches("./").trim_end_matches('/').to_string();
        let mut e = explain(&loaded.tree, loaded.rules.as_ref(), &t, rel.as_bytes());
        if let Some(c) = &c
            && let Some(node) = loaded.tree.lookup(rel.as_bytes())
        {
            let classic_sent = c.entries.iter().any(|x| x.node == node);
            if classic_sent != e.sent && e.reason != "not_in_context" {
                e.hints.push(format!(
                    "the classic builder (DOCKER_BUILDKIT=0) {} it: {}",
                    if classic_sent { "sends" } else { "does not send" },
                    if classic_sent {
                        "it tars every directory it enters and has no COPY filtering"
                    } else {
                        "it enters an excluded directory only when an exception's text starts with that directory's \
                         path, so wildcard exceptions cannot rescue files inside it"
                    }
                ));
            }
        }
        out.push(e);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        print!("{}", render::explanations(&out, &loaded, render::use_color(args.color)));
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_summary(dir: &Path, args: &ContextArgs) -> Result<ExitCode, Failure> {
    let loaded = context::load(dir, args)?;
    let c = if args.builder == Builder::Classic { Some(classic(&loaded, dir, args)?) } else { None };
    // A Dockerfile BuildKit rejects fails the build, but the context is still
    // worth showing: report it, then exit 2. Only --copy-only needs it.
    let (evaluated, dockerfile_error) = match evaluate(&loaded, args, true) {
        Err(Failure::Dockerfile(m)) if !args.copy_only => (evaluate(&loaded, args, false)?, Some(m)),
        other => (other?, None),
    };
    let (report, t) = evaluated;
    // The classic figure, shown beside BuildKit's for teams comparing builders.
    let classic_tar = match &c {
        Some(c) => Some(c.tar_bytes),
        None => classic(&loaded, dir, args).ok().filter(|c| c.error.is_none()).map(|c| c.tar_bytes),
    };
    let insight = (!args.no_insight && report.error.is_none()).then(|| run_insight(&loaded, args, &report, &t));
    let size = match &c {
        Some(c) => c.tar_bytes,
        None => report.context.bytes,
    };
    if args.json {
        let mut v = serde_json::to_value(&report).map_err(|e| Failure::Input(e.to_string()))?;
        v["input"] = serde_json::json!({
            "kind": if args.listing.is_some() { "listing" } else { "directory" },
            "format": loaded.input_kind,
            "sizes": loaded.sizes,
            "problems": loaded.warnings,
        });
        v["builder"] = serde_json::json!(if c.is_some() { "classic" } else { "buildkit" });
        v["wire"]["classic_tar_bytes"] = serde_json::json!(classic_tar);
        if let Some(c) = &c {
            v["context"]["tar_bytes"] = serde_json::json!(c.tar_bytes);
            v["classic"] = serde_json::to_value(c).unwrap_or_default();
        }
        if let Some(m) = &dockerfile_error {
            v["transfer"]["error"] = serde_json::json!(m);
        }
        if let Some(i) = &insight {
            v["lints"] = serde_json::to_value(&i.lints).unwrap_or_default();
            v["suggestions"] = serde_json::to_value(&i.suggestions).unwrap_or_default();
        }
        if let Some(max) = args.max_size {
            v["budget"] = serde_json::json!({"max_bytes": max, "over": size > max});
        }
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        warn(&loaded);
        let color = render::use_color(args.color);
        let view = render::SummaryView {
            loaded: &loaded,
            report: &report,
            transfer: &t,
            classic: c.as_ref(),
            classic_tar,
            insight: insight.as_ref(),
        };
        let text = render::summary(&view, color);
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
    if let Some(m) = dockerfile_error {
        return Err(Failure::Dockerfile(m));
    }
    if let Some(e) = c.as_ref().and_then(|c| c.error.clone()) {
        return Err(Failure::Walk(e.message));
    }
    if let Some(e) = &report.error {
        return Err(Failure::Walk(e.clone()));
    }
    if let Some(max) = args.max_size
        && size > max
    {
        eprintln!("ctxlens: context is {} — over the budget of {}", render::human(size), render::human(max));
        for line in render::top_contributors(&loaded, &t, 5) {
            eprintln!("  {line}");
        }
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_diff(dir: &Path, args: &ContextArgs, against: Option<&Path>) -> Result<ExitCode, Failure> {
    if args.ignore_file.is_none() && against.is_none() {
        return Err(Failure::Input("diff needs --ignore-file NEW or --against OLD (or both)".into()));
    }
    // With --ignore-file only, "before" is what the usual lookup finds.
    let mut before_args = args.clone();
    before_args.ignore_file = against.map(Path::to_path_buf);
    let before_loaded = context::load(dir, &before_args)?;
    let after_loaded = context::load(dir, args)?;
    warn(&after_loaded);
    let follow = |l: &Loaded| -> Result<Option<Vec<String>>, Failure> {
        let tr = transfer_report(l, args, args.copy_only)?;
        Ok(tr.filter(|t| t.applied).and_then(|t| t.follow_paths))
    };
    let tree = &after_loaded.tree;
    let fb = follow(&before_loaded)?;
    let fa = follow(&after_loaded)?;
    let before = transfer(tree, &TransferOptions { rules: before_loaded.rules.as_ref(), follow_paths: fb.as_deref() });
    let after = transfer(tree, &TransferOptions { rules: after_loaded.rules.as_ref(), follow_paths: fa.as_deref() });
    for t in [&before, &after] {
        if let Some(e) = &t.error {
            return Err(Failure::Walk(e.to_string()));
        }
    }
    let d = ctxlens_core::compare::diff(tree, &before, &after);
    let name = |l: &Loaded| l.ignore_file.clone().unwrap_or_else(|| "(no rules)".into());
    if args.json {
        let mut v = serde_json::to_value(&d).unwrap_or_default();
        v["before"] = serde_json::json!({"ignore_file": before_loaded.ignore_file, "bytes": before.totals.file_bytes, "files": before.totals.files});
        v["after"] = serde_json::json!({"ignore_file": after_loaded.ignore_file, "bytes": after.totals.file_bytes, "files": after.totals.files});
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        print!(
            "{}",
            render::diff(
                &d,
                &name(&before_loaded),
                &name(&after_loaded),
                &before,
                &after,
                render::use_color(args.color)
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Lints and suggestions for the evaluated context.
fn run_insight(loaded: &Loaded, args: &ContextArgs, report: &Report, t: &Transfer) -> ctxlens_core::insight::Insight {
    use ctxlens_core::dockerfile::{analyze, parse};
    use ctxlens_core::insight::{Input, insight};
    let opts = context::build_options(args).unwrap_or_default();
    let analysis = loaded.dockerfile.as_ref().and_then(|(_, d)| analyze(d, &opts).ok());
    let parsed = loaded.dockerfile.as_ref().and_then(|(_, d)| parse(d).ok());
    let follow = report.transfer.follow_paths.as_deref().filter(|_| report.transfer.applied);
    let mut input = Input::new(&loaded.tree, loaded.rules.as_ref(), t).with_follow_paths(follow);
    if let Some(a) = &analysis {
        input = input.with_dockerfile(a, parsed.as_ref());
    }
    insight(&input)
}
