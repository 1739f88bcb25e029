//! What the Dockerfile needs: COPY/ADD/bind sources the rules break, an
//! allow-list derived from those sources, and the RCA's other levers
//! (BuildKit's FollowPaths, a narrower context, cache mounts).

use std::collections::{BTreeMap, HashSet};

use crate::dockerfile::{InstructionKind, SourceKind};
use crate::eval::{NodeState, Transfer, TransferOptions, transfer};
use crate::tree::{EntryKind, NodeId, ROOT};

use super::{Action, Ctx, Edit, Lint, MAX_SAMPLE_PATHS, Severity, Suggestion, count, human};

/// Sources checked one by one (each costs two restricted walks).
const MAX_SOURCES: usize = 64;

/// The context paths the Dockerfile names (COPY/ADD/bind sources other than
/// the root), first line of each, deduplicated.
pub(crate) fn named_sources(ctx: &Ctx<'_>) -> Vec<(String, usize, SourceKind)> {
    let Some(a) = ctx.dockerfile else { return Vec::new() };
    if !a.context_use.context_used {
        return Vec::new();
    }
    let mut seen = HashSet::new();
    a.sources
        .iter()
        .filter(|s| !s.path.is_empty() && s.path != "." && s.kind != SourceKind::TmpfsMount)
        .filter(|s| seen.insert(s.path.clone()))
        .map(|s| (s.path.clone(), s.line, s.kind))
        .collect()
}

fn is_data(tree: &crate::tree::ContextTree, id: NodeId) -> bool {
    tree.kind(id) != EntryKind::Dir
}

/// One context path the Dockerfile names, and what it reads.
#[derive(Debug, Clone)]
pub(crate) struct SourceNeed {
    pub(crate) path: String,
    /// First Dockerfile line naming it.
    pub(crate) line: usize,
    pub(crate) kind: SourceKind,
    /// The source's own node when it is a single file or symlink.
    pub(crate) single: Option<NodeId>,
    /// Files and symlinks it reads without any ignore rules.
    pub(crate) all: Vec<NodeId>,
    /// Those it still reads with the current rules.
    pub(crate) kept: Vec<NodeId>,
    /// Those the current rules take away, each with the deciding rule.
    pub(crate) dropped: Vec<(NodeId, Option<u32>)>,
    /// The source is a directory that is sent (possibly empty).
    pub(crate) dir_sent: bool,
    /// The restricted transfer failed (lazy pattern error).
    pub(crate) error: bool,
}

/// The Dockerfile's named sources with what each reads (computed once).
pub(crate) fn sources<'c>(ctx: &'c Ctx<'_>) -> &'c [SourceNeed] {
    ctx.sources.get_or_init(|| {
        let mut out = Vec::new();
        for (path, line, kind) in named_sources(ctx).into_iter().take(MAX_SOURCES) {
            let follow = [path.clone()];
            let all_t = transfer(ctx.tree, &TransferOptions { rules: None, follow_paths: Some(&follow) });
            let all: Vec<NodeId> = all_t.entries.iter().map(|e| e.node).filter(|&n| is_data(ctx.tree, n)).collect();
            let node = ctx.tree.lookup(path.as_bytes()).filter(|&n| n != ROOT);
            let single = node.filter(|&n| is_data(ctx.tree, n));
            let (kept, dropped, dir_sent, error) = match ctx.rules {
                Some(rules) => {
                    let t = transfer(ctx.tree, &TransferOptions { rules: Some(rules), follow_paths: Some(&follow) });
                    let kept = all.iter().copied().filter(|&n| t.is_sent(n)).collect();
                    let dropped = all
                        .iter()
                        .copied()
                        .filter(|&n| !t.is_sent(n))
                        .map(|n| {
                            let mut cur = n;
                            while t.verdict(cur).state == NodeState::NotVisited && cur != ROOT {
                                cur = ctx.tree.parent(cur);
                            }
                            (n, t.verdict(cur).rule)
                        })
                        .collect();
                    let dir_sent = node.is_some_and(|n| ctx.tree.kind(n) == EntryKind::Dir && t.is_sent(n));
                    (kept, dropped, dir_sent, t.error.is_some())
                }
                None => (all.clone(), Vec::new(), false, false),
            };
            out.push(SourceNeed { path, line, kind, single, all, kept, dropped, dir_sent, error });
        }
        out
    })
}

/// The files (and symlinks) that the Dockerfile's named sources read with
/// the current rules; `None` without a Dockerfile or named sources.
pub(crate) fn needed_files<'c>(ctx: &'c Ctx<'_>) -> Option<&'c HashSet<NodeId>> {
    ctx.needed
        .get_or_init(|| {
            let s = sources(ctx);
            if s.is_empty() {
                return None;
            }
            Some(s.iter().flat_map(|s| s.kept.iter().copied()).collect())
        })
        .as_ref()
}

/// Whether the Dockerfile reads only named paths (no `COPY . .`), so that
/// what it never copies is known.
pub(crate) fn reads_named_only(ctx: &Ctx<'_>) -> bool {
    ctx.dockerfile.is_some_and(|a| a.context_use.follow_paths.is_some())
}

/// Whether `after` breaks a source the Dockerfile names: a named file no
/// longer sent, or a directory or wildcard source left with nothing.
/// (Leaving out part of a copied directory is what ignore rules are for.)
pub(crate) fn loses_needed_in(ctx: &Ctx<'_>, after: &Transfer) -> bool {
    sources(ctx).iter().any(|s| match s.single {
        Some(n) => ctx.base.is_sent(n) && !after.is_sent(n),
        None => !s.kept.is_empty() && s.kept.iter().all(|&n| !after.is_sent(n)),
    })
}

/// How many of the files `after` stops sending the Dockerfile's named sources read.
pub(crate) fn copied_among_removed(ctx: &Ctx<'_>, after: &Transfer) -> usize {
    needed_files(ctx).map_or(0, |n| n.iter().filter(|&&id| ctx.base.is_sent(id) && !after.is_sent(id)).count())
}

fn kind_word(k: SourceKind) -> &'static str {
    match k {
        SourceKind::Copy => "COPY",
        SourceKind::Add => "ADD",
        SourceKind::BindMount => "RUN --mount",
        SourceKind::TmpfsMount => "RUN --mount=type=tmpfs",
    }
}

/// COPY/ADD/bind sources that the rules empty or cut.
pub(crate) fn copy_lints(ctx: &Ctx<'_>, out: &mut Vec<Lint>) {
    if ctx.rules.is_none() {
        return;
    }
    for src in sources(ctx) {
        let (path, df_line, kind) = (&src.path, src.line, src.kind);
        let need = &src.all;
        if need.is_empty() || src.error || src.dropped.is_empty() {
            continue;
        }
        let missing: Vec<NodeId> = src.dropped.iter().map(|d| d.0).collect();
        // Which rules take them away (bytes per rule).
        let mut by_rule: BTreeMap<usize, u64> = BTreeMap::new();
        let mut bytes = 0;
        for &(id, rule) in &src.dropped {
            let size = if ctx.tree.kind(id) == EntryKind::File { ctx.tree.size(id) } else { 0 };
            bytes = u64::saturating_add(bytes, size);
            if let Some(r) = rule {
                *by_rule.entry(r as usize).or_default() += size.max(1);
            }
        }
        let Some((&main, _)) = by_rule.iter().max_by_key(|&(r, b)| (*b, std::cmp::Reverse(*r))) else { continue };
        let refs: Vec<String> = by_rule.keys().take(3).map(|&r| ctx.rule_ref(r)).collect();
        let all_gone = missing.len() == need.len();
        let what = format!("{} `{path}` (Dockerfile line {df_line})", kind_word(kind));
        let (code, severity, message) = if all_gone {
            let consequence = if src.dir_sent {
                "BuildKit sends the directory empty, so the build gets none of its files"
            } else {
                "BuildKit does not send it at all, so the build fails (source not found)"
            };
            (
                "copy_source_excluded",
                Severity::Error,
                format!(
                    "{what} needs {} ({}), but {} {} all of it: {consequence}",
                    count(need.len() as u64, "file", "files"),
                    human(bytes),
                    refs.join(", "),
                    if refs.len() == 1 { "excludes" } else { "exclude" },
                ),
            )
        } else {
            (
                "copy_source_partial",
                Severity::Info,
                format!(
                    "{what} gets {} of its {} files: {} {} the other {} ({}), exceptions included; add a `!` rule \
                     if the image needs them",
                    need.len() - missing.len(),
                    need.len(),
                    refs.join(", "),
                    if refs.len() == 1 { "excludes" } else { "exclude" },
                    missing.len(),
                    human(bytes)
                ),
            )
        };
        let mut sample: Vec<NodeId> = missing.clone();
        sample.sort_by(|a, b| ctx.tree.size(*b).cmp(&ctx.tree.size(*a)).then(a.cmp(b)));
        out.push(Lint {
            line: Some(ctx.line(main)),
            code,
            severity,
            message,
            paths: sample.iter().take(MAX_SAMPLE_PATHS).map(|&id| ctx.show(id)).collect(),
            path_count: missing.len() as u64,
            bytes,
            rule: Some(ctx.rule_text(main)),
            dockerfile_line: Some(df_line),
            fix: None,
        });
    }
}

/// The Dockerfile-derived suggestions: allow-list, FollowPaths, narrower
/// context, cache mounts.
pub(crate) fn suggestions(ctx: &Ctx<'_>, out: &mut Vec<Suggestion>) {
    allow_list(ctx, out);
    follow_paths(ctx, out);
    narrower_context(ctx, out);
    cache_mounts(ctx, out);
}

/// `*` then `!` each path the Dockerfile reads, verified to keep every file
/// those instructions need.
fn allow_list(ctx: &Ctx<'_>, out: &mut Vec<Suggestion>) {
    let Some(named) = ctx.dockerfile.and_then(|a| a.context_use.follow_paths.clone()) else { return };
    if named.is_empty() {
        return;
    }
    let Some(needed) = needed_files(ctx) else { return };
    // The paths with symlinks along them resolved, as BuildKit sends them.
    let resolved: Vec<String> = crate::eval::include_patterns(ctx.tree, &named)
        .map(|v| v.into_iter().map(|p| String::from_utf8_lossy(&p).into_owned()).collect())
        .unwrap_or_else(|| named.clone());
    let mut head = String::from(
        "# Allow-list derived from the Dockerfile's COPY/ADD/RUN --mount sources:\n# exclude everything, then \
         re-include what the build reads.\n*\n",
    );
    for p in &resolved {
        head.push('!');
        head.push_str(p);
        head.push('\n');
    }
    let old: Vec<String> = ctx
        .rules
        .map(|r| {
            r.rules()
                .iter()
                .filter(|r| !r.exception && r.pattern != "*" && r.pattern != "**")
                // A line that is a pattern only because `#` is not in column 0
                // must stay a pattern once trimmed.
                .map(|r| r.text.trim())
                .map(|t| if t.starts_with('#') { format!("\\{t}") } else { t.to_string() })
                .collect()
        })
        .unwrap_or_default();
    let mut candidates = Vec::new();
    if !old.is_empty() {
        candidates
            .push(format!("{head}# Previous exclusions, still applied inside the kept paths:\n{}\n", old.join("\n")));
    }
    candidates.push(head);
    for text in candidates {
        let Some(pats) = super::parse_patterns(&text) else { continue };
        // Projected without FollowPaths: what any build with this file sends.
        let Some(projected) = ctx.evaluate_with(&pats, None) else { continue };
        if needed.iter().any(|&id| !projected.transfer.is_sent(id)) {
            continue;
        }
        let same = ctx.follow.is_none();
        let m = if same {
            projected.transfer.clone()
        } else {
            ctx.evaluate(&pats).map(|m| m.transfer).unwrap_or_else(|| projected.transfer.clone())
        };
        let saving_bytes = ctx.base.totals.file_bytes as i64 - m.totals.file_bytes as i64;
        let saving_files = ctx.base.totals.files as i64 - m.totals.files as i64;
        let need_bytes: u64 =
            needed.iter().filter(|&&id| ctx.tree.kind(id) == EntryKind::File).map(|&id| ctx.tree.size(id)).sum();
        let reason = format!(
            "An allow-list built from the {} the Dockerfile reads ({}): verified with the engine to keep all {} \
             ({}) that its COPY/ADD/bind sources need; any build with this file sends {} in {} files{}",
            count(named.len() as u64, "path", "paths"),
            named.iter().take(4).map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "),
            count(needed.len() as u64, "entry", "entries"),
            human(need_bytes),
            human(projected.transfer.totals.file_bytes),
            projected.transfer.totals.files,
            if ctx.follow.is_some() {
                " (BuildKit already restricts this Dockerfile's transfer to these paths; the allow-list protects \
                 the classic builder and other Dockerfiles)"
            } else {
                ""
            }
        );
        out.push(Suggestion {
            rule: text.clone(),
            saving_bytes: Some(saving_bytes),
            saving_files: Some(saving_files),
            reason,
            kind: "allow_list",
            edit: Edit { action: Action::ReplaceFile, line: None, text, after: None },
            projected_bytes: Some(projected.transfer.totals.file_bytes),
            paths: ctx.moved_sample(&m, true),
            dockerfile_line: None,
        });
        return;
    }
}

/// BuildKit sends only what the Dockerfile reads; say how much that is when
/// the figures shown are for the whole context.
fn follow_paths(ctx: &Ctx<'_>, out: &mut Vec<Suggestion>) {
    if ctx.follow.is_some() || ctx.base.include_patterns.is_some() {
        return;
    }
    let Some(named) = ctx.dockerfile.and_then(|a| a.context_use.follow_paths.clone()) else { return };
    if named.is_empty() {
        return;
    }
    let pats = ctx.patterns();
    let Some(m) = ctx.evaluate_with(&pats, Some(&named)) else { return };
    if m.saving_bytes <= 0 && m.saving_files <= 0 {
        return;
    }
    out.push(Suggestion {
        rule: "DOCKER_BUILDKIT=1".into(),
        saving_bytes: Some(m.saving_bytes),
        saving_files: Some(m.saving_files),
        reason: format!(
            "This Dockerfile only reads {} ({}); BuildKit transfers just those paths (FollowPaths), {} in {} files \
             instead of the whole context's {} — the classic builder always sends everything",
            count(named.len() as u64, "path", "paths"),
            named.iter().take(4).map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "),
            human(m.transfer.totals.file_bytes),
            m.transfer.totals.files,
            human(ctx.base.totals.file_bytes)
        ),
        kind: "follow_paths",
        edit: Edit { action: Action::Build, line: None, text: "DOCKER_BUILDKIT=1".into(), after: None },
        projected_bytes: Some(m.transfer.totals.file_bytes),
        paths: ctx.moved_sample(&m.transfer, true),
        dockerfile_line: None,
    });
}

/// All sources under one directory: that directory could be the context.
fn narrower_context(ctx: &Ctx<'_>, out: &mut Vec<Suggestion>) {
    let Some(named) = ctx.dockerfile.and_then(|a| a.context_use.follow_paths.clone()) else { return };
    if named.is_empty() {
        return;
    }
    let literal = |c: &str| !c.bytes().any(|b| b"*?[]\\".contains(&b));
    let mut prefix: Option<Vec<&str>> = None;
    for p in &named {
        let comps: Vec<&str> = p.split('/').collect();
        // The directory part: a source's last component may be a file.
        let dir: Vec<&str> = comps[..comps.len() - 1].iter().copied().take_while(|c| literal(c)).collect();
        let dir = match ctx.tree.lookup(p.as_bytes()) {
            Some(id) if ctx.tree.kind(id) == EntryKind::Dir && literal(p) => comps.clone(),
            _ => dir,
        };
        prefix = Some(match prefix {
            None => dir,
            Some(pre) => pre.iter().zip(dir.iter()).take_while(|(a, b)| a == b).map(|(a, _)| *a).collect(),
        });
    }
    let Some(prefix) = prefix.filter(|p| !p.is_empty()) else { return };
    let dir = prefix.join("/");
    let Some(node) = ctx.tree.lookup(dir.as_bytes()).filter(|&n| ctx.tree.kind(n) == EntryKind::Dir) else {
        return;
    };
    // What the current rules send below it, in a walk of the whole context.
    let full = if ctx.follow.is_none() { None } else { ctx.evaluate_with(&ctx.patterns(), None).map(|m| m.transfer) };
    let t = full.as_ref().unwrap_or(ctx.base);
    let (mut bytes, mut files) = (0u64, 0u64);
    for e in &t.entries {
        if matches!(e.kind, crate::eval::SentKind::File) {
            let mut cur = e.node;
            while cur != ROOT && cur != node {
                cur = ctx.tree.parent(cur);
            }
            if cur == node {
                bytes = u64::saturating_add(bytes, ctx.tree.size(e.node));
                files += 1;
            }
        }
    }
    let saving_bytes = t.totals.file_bytes as i64 - bytes as i64;
    let saving_files = t.totals.files as i64 - files as i64;
    if saving_bytes <= 0 {
        return;
    }
    let own_ignore = ctx.tree.lookup(format!("{dir}/.dockerignore").as_bytes()).is_some();
    out.push(Suggestion {
        rule: format!("docker build {dir}"),
        saving_bytes: Some(saving_bytes),
        saving_files: Some(saving_files),
        reason: format!(
            "Everything the Dockerfile reads is under `{dir}/`: with `{dir}` as the build context (COPY sources \
             then relative to it) a build sends {} in {} files instead of {}, counted with the current rules{}",
            human(bytes),
            files,
            human(t.totals.file_bytes),
            if own_ignore {
                format!("; `{dir}/.dockerignore` would then apply instead of the root one")
            } else {
                String::new()
            }
        ),
        kind: "narrower_context",
        edit: Edit { action: Action::Build, line: None, text: format!("docker build {dir}"), after: None },
        projected_bytes: Some(bytes),
        paths: Vec::new(),
        dockerfile_line: None,
    });
}

struct Tool {
    /// Substrings of the command that mark a download.
    triggers: &'static [&'static str],
    mounts: &'static [&'static str],
    what: &'static str,
    /// Directories in the input that hold what the tool downloads.
    local: &'static [&'static str],
}

const TOOLS: &[Tool] = &[
    Tool {
        triggers: &["go mod download", "go build", "go install", "go test", "go generate"],
        mounts: &["type=cache,target=/go/pkg/mod", "type=cache,target=/root/.cache/go-build"],
        what: "Go modules and build cache",
        local: &["vendor"],
    },
    Tool {
        triggers: &["npm ci", "npm install", "npm i "],
        mounts: &["type=cache,target=/root/.npm"],
        what: "npm's download cache",
        local: &["node_modules"],
    },
    Tool {
        triggers: &["yarn install", "yarn --frozen-lockfile", "yarn --immutable"],
        mounts: &["type=cache,target=/usr/local/share/.cache/yarn"],
        what: "Yarn's cache",
        local: &["node_modules"],
    },
    Tool {
        triggers: &["pnpm install", "pnpm i "],
        mounts: &["type=cache,target=/root/.local/share/pnpm/store"],
        what: "the pnpm store",
        local: &["node_modules"],
    },
    Tool {
        triggers: &["pip install", "pip3 install"],
        mounts: &["type=cache,target=/root/.cache/pip"],
        what: "pip's cache",
        local: &[".venv", "venv"],
    },
    Tool {
        triggers: &["uv sync", "uv pip install"],
        mounts: &["type=cache,target=/root/.cache/uv"],
        what: "uv's cache",
        local: &[".venv"],
    },
    Tool {
        triggers: &["poetry install"],
        mounts: &["type=cache,target=/root/.cache/pypoetry"],
        what: "Poetry's cache",
        local: &[".venv"],
    },
    Tool {
        triggers: &["cargo build", "cargo fetch", "cargo install"],
        mounts: &["type=cache,target=/usr/local/cargo/registry", "type=cache,target=/usr/local/cargo/git"],
        what: "Cargo's registry",
        local: &[],
    },
    Tool { triggers: &["mvn "], mounts: &["type=cache,target=/root/.m2"], what: "Maven's repository", local: &[] },
    Tool { triggers: &["gradle "], mounts: &["type=cache,target=/root/.gradle"], what: "Gradle's caches", local: &[] },
];

/// RUN instructions that download packages without a cache mount.
fn cache_mounts(ctx: &Ctx<'_>, out: &mut Vec<Suggestion>) {
    let (Some(parsed), Some(a)) = (ctx.parsed, ctx.dockerfile) else { return };
    for &s in &a.built_stages {
        let Some(stage) = parsed.stages.get(s) else { continue };
        for ins in &stage.instructions {
            let InstructionKind::Run(run) = &ins.kind else { continue };
            let text = format!("{} ", ins.text);
            let has_cache = |m: &str| {
                let target = m.split(',').find_map(|kv| kv.strip_prefix("target=")).unwrap_or("");
                run.mounts.iter().any(|x| x.contains("type=cache") && x.contains(target))
            };
            let mut mounts: Vec<&str> = Vec::new();
            let mut whats: Vec<&str> = Vec::new();
            let mut locals: Vec<&str> = Vec::new();
            let trimmed = ins.text.trim_end();
            let bare_yarn = trimmed.ends_with(" yarn") || text.contains(" yarn &&") || text.contains(" yarn;");
            for tool in TOOLS {
                let yarn = bare_yarn && tool.what.starts_with("Yarn");
                if !yarn && !tool.triggers.iter().any(|t| text.contains(t)) {
                    continue;
                }
                let go_download_only = tool.what.starts_with("Go")
                    && !text.contains("go build")
                    && !text.contains("go install")
                    && !text.contains("go test")
                    && !text.contains("go generate");
                let wanted: Vec<&str> = tool
                    .mounts
                    .iter()
                    .copied()
                    .filter(|m| !(go_download_only && m.contains("go-build")))
                    .filter(|m| !has_cache(m))
                    .collect();
                if wanted.is_empty() {
                    continue;
                }
                whats.push(if wanted.iter().all(|m| !m.contains("go-build")) && tool.what.starts_with("Go") {
                    "Go modules"
                } else {
                    tool.what
                });
                mounts.extend(wanted);
                locals.extend(tool.local);
            }
            if mounts.is_empty() {
                continue;
            }
            // Numbers from the input: what the local equivalents hold.
            let mut local_bytes = 0u64;
            let mut local_dirs = 0u64;
            for id in ctx.tree.walk() {
                if ctx.tree.kind(id) == EntryKind::Dir && locals.iter().any(|l| ctx.tree.name(id) == l.as_bytes()) {
                    let mut cur = ctx.tree.parent(id);
                    let mut nested = false;
                    while cur != ROOT {
                        if locals.iter().any(|l| ctx.tree.name(cur) == l.as_bytes()) {
                            nested = true;
                        }
                        cur = ctx.tree.parent(cur);
                    }
                    if !nested {
                        local_bytes = u64::saturating_add(local_bytes, ctx.all[id as usize].0);
                        local_dirs += 1;
                    }
                }
            }
            let rest = ins.text.trim_start().get(3..).unwrap_or("").trim_start();
            let flags: String = mounts.iter().map(|m| format!("--mount={m} ")).collect();
            let new = format!("RUN {flags}{rest}");
            let numbers = if local_bytes > 0 {
                format!(
                    "; for scale, the input's own {} {} {}",
                    locals.first().copied().unwrap_or_default(),
                    if local_dirs == 1 { "directory holds" } else { "directories hold" },
                    human(local_bytes)
                )
            } else {
                String::new()
            };
            out.push(Suggestion {
                rule: new.clone(),
                saving_bytes: None,
                saving_files: None,
                reason: format!(
                    "Dockerfile line {} fetches or builds dependencies, and each time this layer is rebuilt (any \
                     change to what it copies before) it starts from nothing; a BuildKit cache mount keeps {} \
                     between builds (not a context saving: it saves download and build time){}",
                    ins.line,
                    whats.join(" and "),
                    numbers
                ),
                kind: "cache_mount",
                edit: Edit { action: Action::Dockerfile, line: None, text: new, after: None },
                projected_bytes: None,
                paths: Vec::new(),
                dockerfile_line: Some(ins.line),
            });
        }
    }
}
