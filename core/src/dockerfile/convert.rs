//! The conversion step (BuildKit `dockerfile2llb.toDispatchState`), reduced to
//! what decides the build context: global and stage ARGs, stage resolution
//! and reachability from the target, ONBUILD triggers, variable expansion,
//! the checks that fail a build, and the context paths each COPY, ADD and
//! RUN mount records (`ctxPaths`).

use std::collections::{BTreeMap, BTreeSet};

use super::golike;
use super::instructions::{self, ArgKv, Command, Kind, MetaArg, StageDecl};
use super::lex::{Env, EnvList, Lex, NoEnv, Processed};
use super::lint::{self, LintRule, LintWarning, Linter};
use super::parser;
use super::refs::{self, GitRef, Platform};
use super::{ContextSource, DockerfileError, SourceKind};

/// `system.DefaultPathEnv("linux")`.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/// Triggers of the stub registry's `example/onbuild` images.
const STUB_ONBUILD: [&str; 2] = ["COPY onbuild-src/ /app/", "RUN --mount=type=bind,source=onbuild-mnt,target=/m true"];
/// ARGs that never enter the environment.
const NON_ENV_ARGS: [&str; 2] = ["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

/// What the conversion found.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    pub(crate) context_used: bool,
    /// Cleaned absolute paths (`/` = the whole context).
    pub(crate) ctx_paths: BTreeSet<String>,
    pub(crate) sources: Vec<ContextSource>,
    pub(crate) unresolved: Vec<String>,
    pub(crate) warnings: Vec<LintWarning>,
    pub(crate) target_stage: usize,
    pub(crate) built_stages: Vec<usize>,
}

#[derive(Debug, Clone)]
struct Entry {
    cmd: Command,
    sources: Vec<usize>,
    onbuild: bool,
}

/// A `dispatchState`: a stage of the Dockerfile, or an image named by
/// `COPY --from` / `RUN --mount from=` ("unregistered").
#[derive(Debug, Clone, Default)]
struct Ds {
    stage: Option<usize>,
    base_name: String,
    name: String,
    stage_name: String,
    line: usize,
    platform: Option<Platform>,
    base: Option<usize>,
    deps: Vec<usize>,
    commands: Vec<Entry>,
    unregistered: bool,
    dispatched: bool,
    resolved: bool,
    onbuild_init: bool,
    // The image config.
    /// `Config.Env`: value, and whether it comes from the base image.
    img_env: BTreeMap<String, (String, bool)>,
    img_onbuild: Vec<Vec<u8>>,
    img_shell: bool,
    img_workdir: String,
    img_scratch: bool,
    // The LLB state.
    env: EnvList,
    external_keys: BTreeSet<String>,
    dir: String,
    build_args: BTreeSet<String>,
    workdir_set: bool,
    cmd_seen: Option<usize>,
    entrypoint_seen: Option<usize>,
    healthcheck_seen: Option<usize>,
    ctx_paths: BTreeSet<String>,
    uses_context: bool,
}

struct Converter<'a> {
    shlex: Lex,
    lint: Linter,
    build_args: &'a BTreeMap<String, String>,
    global_args: EnvList,
    stages: Vec<StageDecl>,
    states: Vec<Ds>,
    by_name: BTreeMap<String, usize>,
    sources: Vec<ContextSource>,
    unresolved: Vec<String>,
    unresolved_seen: BTreeSet<String>,
}

fn stub_env() -> BTreeMap<String, (String, bool)> {
    BTreeMap::from([("PATH".to_owned(), (DEFAULT_PATH.to_owned(), true))])
}

fn convert_err(line: usize, message: impl Into<String>, text: Option<String>) -> DockerfileError {
    DockerfileError::Convert { line: (line > 0).then_some(line), message: message.into(), text }
}

/// Run the conversion.
pub(crate) fn convert(
    dt: &[u8],
    build_args: &BTreeMap<String, String>,
    target: Option<&str>,
) -> Result<Outcome, DockerfileError> {
    if dt.is_empty() {
        return Err(DockerfileError::Empty);
    }
    let check = parser::parse_directive("check", dt).unwrap_or_default();
    let config = lint::parse_lint_options(&check)
        .map_err(|e| convert_err(0, format!("failed to parse check options: {e}"), Some(check.clone())))?;
    let mut linter = Linter::new(config);

    let parsed =
        parser::parse(dt).map_err(|e| DockerfileError::Syntax { line: e.line, message: e.message, text: e.text })?;
    for &line in &parsed.empty_continuations {
        linter.run(LintRule::NoEmptyContinuation, line, "Empty continuation line".into());
    }
    let (stages, meta) = instructions::parse(&parsed.nodes, &mut linter).map_err(|e| DockerfileError::Instruction {
        line: e.line,
        message: e.message,
        text: e.text,
    })?;
    if stages.is_empty() {
        return Err(DockerfileError::NoStages);
    }
    validate_stage_names(&stages, &mut linter);
    validate_command_casing(&stages, &mut linter);

    let target = target.filter(|t| !t.is_empty());
    let mut target_name =
        target.map_or_else(|| stages.last().map(|s| s.name.clone()).unwrap_or_default(), str::to_owned);
    if target_name.is_empty() {
        target_name = "default".into();
    }
    let mut c = Converter {
        shlex: Lex::new(parsed.escape),
        lint: linter,
        build_args,
        global_args: default_args(build_args, &target_name),
        stages,
        states: Vec::new(),
        by_name: BTreeMap::new(),
        sources: Vec::new(),
        unresolved: Vec::new(),
        unresolved_seen: BTreeSet::new(),
    };
    c.validate_base_images_with_default_args(&meta);
    let (global, known) = c.build_meta_args(c.global_args.clone(), &meta, true)?;
    c.global_args = global;
    c.create_states(&known)?;

    let target_idx = match target {
        None => c.stages.len().saturating_sub(1),
        Some(t) => c.find_state_by_name(t).ok_or_else(|| DockerfileError::TargetNotFound {
            target: t.to_owned(),
            suggestion: golike::suggest(t, &c.states.iter().map(|s| s.stage_name.clone()).collect::<Vec<_>>(), true),
        })?,
    };

    c.fill_commands()?;
    c.validate_circular_dependency()?;
    let reachable = c.resolve_and_init_onbuild(target_idx)?;
    c.dispatch_all(&reachable)?;

    if let Some((rules, line)) = c.lint.error() {
        return Err(DockerfileError::Lint { rules, line: (line > 0).then_some(line) });
    }

    let mut out =
        Outcome { target_stage: c.states.get(target_idx).and_then(|s| s.stage).unwrap_or(0), ..Outcome::default() };
    for (i, d) in c.states.iter().enumerate() {
        if !reachable.contains(&i) || d.unregistered {
            continue;
        }
        out.ctx_paths.extend(d.ctx_paths.iter().cloned());
        out.context_used |= d.uses_context;
        if let Some(s) = d.stage {
            out.built_stages.push(s);
        }
    }
    out.built_stages.sort_unstable();
    out.sources = c.sources;
    out.unresolved = c.unresolved;
    out.warnings = c.lint.warnings;
    Ok(out)
}

/// The automatic platform ARGs (build and target platform linux/amd64).
fn default_args(build_args: &BTreeMap<String, String>, target: &str) -> EnvList {
    let pairs = [
        ("BUILDPLATFORM", "linux/amd64"),
        ("BUILDOS", "linux"),
        ("BUILDOSVERSION", ""),
        ("BUILDARCH", "amd64"),
        ("BUILDVARIANT", ""),
        ("TARGETPLATFORM", "linux/amd64"),
        ("TARGETOS", "linux"),
        ("TARGETOSVERSION", ""),
        ("TARGETARCH", "amd64"),
        ("TARGETVARIANT", ""),
        ("TARGETSTAGE", target),
    ];
    let mut env = EnvList::default();
    for (k, v) in pairs {
        let v = build_args.get(k).map_or(v, String::as_str);
        env.add(k, v);
    }
    env
}

fn validate_stage_names(stages: &[StageDecl], lint: &mut Linter) {
    let mut seen = BTreeSet::new();
    for s in stages {
        if s.name.is_empty() {
            continue;
        }
        if s.name == "context" || s.name == "scratch" {
            lint.run(
                LintRule::ReservedStageName,
                s.start_line,
                format!("Stage name should not use the same name as reserved stage {}", golike::quote(&s.name)),
            );
        }
        if !seen.insert(s.name.clone()) {
            lint.run(
                LintRule::DuplicateStageName,
                s.start_line,
                format!("Duplicate stage name {}, stage names should be unique", golike::quote(&s.name)),
            );
        }
    }
}

fn validate_command_casing(stages: &[StageDecl], lint: &mut Linter) {
    let consistent = |n: &[u8]| golike::to_lower(n) == n || golike::to_upper(n) == n;
    let (mut lower, mut upper) = (0usize, 0usize);
    let names = stages.iter().flat_map(|s| {
        std::iter::once((s.orig_cmd.as_slice(), s.start_line))
            .chain(s.commands.iter().map(|c| (c.name.as_slice(), c.start_line)))
    });
    for (n, _) in names.clone() {
        if consistent(n) {
            if golike::to_lower(n) == n {
                lower += 1;
            } else {
                upper += 1;
            }
        }
    }
    let majority_lower = lower > upper;
    for (n, line) in names {
        let casing = if majority_lower && golike::to_lower(n) != n {
            "lowercase"
        } else if !majority_lower && golike::to_upper(n) != n {
            "uppercase"
        } else {
            continue;
        };
        lint.run(
            LintRule::ConsistentInstructionCasing,
            line,
            format!("Command '{}' should match the case of the command majority ({casing})", golike::lossy(n)),
        );
    }
}

impl Converter<'_> {
    fn find_state_by_name(&self, name: &str) -> Option<usize> {
        self.by_name.get(&golike::to_lower_str(name)).copied()
    }

    fn add_state(&mut self, mut ds: Ds) -> usize {
        if let Some(&b) = self.by_name.get(&ds.base_name) {
            ds.base = Some(b);
        }
        let idx = self.states.len();
        if !ds.name.is_empty() {
            self.by_name.insert(golike::to_lower_str(&ds.name), idx);
        }
        self.states.push(ds);
        idx
    }

    fn new_unregistered(&mut self, base_name: &str, line: usize) -> usize {
        self.add_state(Ds { base_name: base_name.to_owned(), line, unregistered: true, ..Ds::default() })
    }

    /// `buildMetaArgs`: global ARG values, with (or without) build args.
    fn build_meta_args(
        &mut self,
        mut args: EnvList,
        meta: &[MetaArg],
        with_build_args: bool,
    ) -> Result<(EnvList, BTreeSet<String>), DockerfileError> {
        let mut known = BTreeSet::new();
        for cmd in meta {
            for kp in &cmd.args {
                let key = golike::lossy(&kp.key);
                known.insert(key.clone());
                let given = if with_build_args { self.build_args.get(&key).cloned() } else { None };
                let value = match (given, &kp.value) {
                    (Some(v), _) => Some(v),
                    (None, Some(def)) => {
                        let p = self.shlex.process(def, &args);
                        if let Some(e) = p.error {
                            return Err(convert_err(cmd.start_line, e, Some(golike::lossy(def))));
                        }
                        Some(p.word)
                    }
                    (None, None) => None,
                };
                if let Some(v) = value {
                    args.add(&key, &v);
                }
            }
        }
        Ok((args, known))
    }

    fn validate_base_images_with_default_args(&mut self, meta: &[MetaArg]) {
        let Ok((args, _)) = self.build_meta_args(self.global_args.clone(), meta, false) else {
            return;
        };
        let mut hits = Vec::new();
        for st in &self.stages {
            let p = self.shlex.process(&st.base_name, &args);
            if p.error.is_some() {
                break;
            }
            if refs::parse_normalized_named(&p.word).is_err() {
                hits.push((st.start_line, golike::lossy(&st.base_name)));
            }
        }
        for (line, name) in hits {
            self.lint.run(
                LintRule::InvalidDefaultArgInFrom,
                line,
                format!("Default value for ARG {name} results in empty or invalid base image name"),
            );
        }
    }

    fn report_unused_from_args(&mut self, known: &BTreeSet<String>, unmatched: &BTreeSet<String>, line: usize) {
        let options: Vec<String> = known.iter().cloned().collect();
        for arg in unmatched {
            if known.contains(arg) {
                continue;
            }
            let mut msg = format!("FROM argument '{arg}' is not declared");
            if let Some(s) = golike::suggest(arg, &options, true) {
                msg.push_str(&format!(" (did you mean {s}?)"));
            }
            self.lint.run(LintRule::UndefinedArgInFrom, line, msg);
        }
    }

    /// One dispatch state per stage: expanded base name and platform.
    fn create_states(&mut self, meta_known: &BTreeSet<String>) -> Result<(), DockerfileError> {
        let mut known = meta_known.clone();
        known.extend(self.global_args.keys());
        for i in 0..self.stages.len() {
            let Some(st) = self.stages.get(i).cloned() else {
                continue;
            };
            let line = st.start_line;
            let p = self.shlex.process(&st.base_name, &self.global_args);
            self.report_unused_from_args(&known, &p.unmatched, line);
            if let Some(e) = p.error {
                return Err(convert_err(line, e, Some(golike::lossy(&st.base_name))));
            }
            if p.word.is_empty() {
                return Err(convert_err(
                    line,
                    format!("base name ({}) should not be blank", golike::lossy(&st.base_name)),
                    Some(golike::lossy(&st.base_name)),
                ));
            }
            let mut ds = Ds {
                stage: Some(i),
                base_name: p.word,
                name: st.name.clone(),
                stage_name: if st.name.is_empty() { format!("stage-{i}") } else { st.name.clone() },
                line,
                ..Ds::default()
            };
            if !st.platform.is_empty() {
                let pm = self.shlex.process(st.platform.as_bytes(), &self.global_args);
                self.report_unused_from_args(&known, &pm.unmatched, line);
                if pm.matched.len() == 1
                    && pm.unmatched.is_empty()
                    && pm.matched.contains("TARGETPLATFORM")
                    && self.global_args.get("TARGETPLATFORM") == Some(pm.word.as_str())
                {
                    self.lint.run(
                        LintRule::RedundantTargetPlatform,
                        line,
                        format!(
                            "Setting platform to predefined {} in FROM is redundant as this is the default behavior",
                            st.platform
                        ),
                    );
                }
                if pm.matched.is_empty()
                    && pm.unmatched.is_empty()
                    && let Ok(p) = refs::parse_platform(&pm.word)
                    && !st.name.contains(&p.os)
                    && !st.name.contains(&p.arch)
                {
                    self.lint.run(
                        LintRule::FromPlatformFlagConstDisallowed,
                        line,
                        format!("FROM --platform flag should not use constant value {}", golike::quote(&pm.word)),
                    );
                }
                if let Some(e) = pm.error {
                    return Err(convert_err(
                        line,
                        format!("failed to process arguments for platform {}: {e}", pm.word),
                        Some(st.platform.clone()),
                    ));
                }
                if pm.word.is_empty() {
                    return Err(convert_err(
                        line,
                        format!("empty platform value from expression {}", st.platform),
                        Some(st.platform.clone()),
                    ));
                }
                let p = refs::parse_platform(&pm.word).map_err(|e| {
                    convert_err(
                        line,
                        format!("failed to parse platform {}: {e}", st.platform),
                        Some(st.platform.clone()),
                    )
                })?;
                ds.platform = Some(p);
            }
            self.add_state(ds);
        }
        Ok(())
    }

    /// `toCommand`: the states a command reads from (`COPY --from`, mounts).
    fn command_sources(&mut self, cmd: &Command) -> Result<Vec<usize>, DockerfileError> {
        let line = cmd.start_line;
        match &cmd.kind {
            Kind::Copy(cc) if !cc.from.is_empty() => {
                let p = self.shlex.process(cc.from.as_bytes(), &NoEnv);
                if let Some(e) = p.error {
                    return Err(convert_err(line, e, Some(cc.from.clone())));
                }
                if p.word != cc.from {
                    return Err(convert_err(
                        line,
                        "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround",
                        Some(cc.from.clone()),
                    ));
                }
                let src = match golike::atoi(&cc.from) {
                    Some(i) => match usize::try_from(i).ok().filter(|&u| u < self.states.len()) {
                        Some(u) => u,
                        None => {
                            return Err(convert_err(line, format!("invalid stage index {i}"), Some(cc.from.clone())));
                        }
                    },
                    None => match self.find_state_by_name(&cc.from) {
                        Some(s) => s,
                        None => self.new_unregistered(&cc.from, line),
                    },
                };
                Ok(vec![src])
            }
            Kind::Run(rc) => {
                let mut out = Vec::new();
                for f in &rc.mount_froms {
                    let from = if f.is_empty() { "scratch" } else { f.as_str() };
                    let s = match self.find_state_by_name(from) {
                        Some(s) => s,
                        None => self.new_unregistered(from, line),
                    };
                    out.push(s);
                }
                Ok(out)
            }
            _ => Ok(Vec::new()),
        }
    }

    fn add_deps(&mut self, d: usize, sources: &[usize]) {
        if let Some(ds) = self.states.get_mut(d) {
            for &s in sources {
                if !ds.deps.contains(&s) {
                    ds.deps.push(s);
                }
            }
        }
    }

    fn fill_commands(&mut self) -> Result<(), DockerfileError> {
        let n = self.states.len();
        for i in 0..n {
            let Some(si) = self.states.get(i).and_then(|s| s.stage) else {
                continue;
            };
            let cmds = self.stages.get(si).map(|s| s.commands.clone()).unwrap_or_default();
            let mut entries = Vec::with_capacity(cmds.len());
            for cmd in cmds {
                let sources = self.command_sources(&cmd)?;
                self.add_deps(i, &sources);
                entries.push(Entry { cmd, sources, onbuild: false });
            }
            if let Some(ds) = self.states.get_mut(i) {
                ds.commands = entries;
            }
        }
        Ok(())
    }

    /// `validateCircularDependency` (iterative depth-first search).
    fn validate_circular_dependency(&self) -> Result<(), DockerfileError> {
        let n = self.states.len();
        let mut visited = vec![false; n];
        let mut on_path = vec![false; n];
        for root in 0..n {
            if visited.get(root).copied().unwrap_or(true) {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            if let Some(v) = visited.get_mut(root) {
                *v = true;
            }
            if let Some(p) = on_path.get_mut(root) {
                *p = true;
            }
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let deps = self.states.get(node).map(|s| s.deps.as_slice()).unwrap_or_default();
                if let Some(&dep) = deps.get(*next) {
                    *next += 1;
                    if on_path.get(dep).copied().unwrap_or(false) {
                        let st = self.states.get(root);
                        return Err(DockerfileError::CircularDependency {
                            stage: st.map(|s| s.stage_name.clone()).unwrap_or_default(),
                            line: st.map(|s| s.line).filter(|&l| l > 0),
                        });
                    }
                    if !visited.get(dep).copied().unwrap_or(true) {
                        if let Some(v) = visited.get_mut(dep) {
                            *v = true;
                        }
                        if let Some(p) = on_path.get_mut(dep) {
                            *p = true;
                        }
                        stack.push((dep, 0));
                    }
                } else {
                    if let Some(p) = on_path.get_mut(node) {
                        *p = false;
                    }
                    stack.pop();
                }
            }
        }
        Ok(())
    }

    /// `allReachableStages`.
    fn reachable(&self, target: usize) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![target];
        while let Some(s) = todo.pop() {
            if !seen.insert(s) {
                continue;
            }
            if let Some(ds) = self.states.get(s) {
                todo.extend(ds.base);
                todo.extend(ds.deps.iter().copied());
            }
        }
        seen
    }

    /// Resolve base images (every stage's name must parse; reachable ones
    /// get the stub registry's config) and prepend ONBUILD triggers, until
    /// the triggers add no new dependency.
    fn resolve_and_init_onbuild(&mut self, target: usize) -> Result<BTreeSet<usize>, DockerfileError> {
        loop {
            let reachable = self.reachable(target);
            for i in 0..self.states.len() {
                let r = reachable.contains(&i);
                let Some(d) = self.states.get_mut(i) else {
                    continue;
                };
                if d.base.is_some() || d.dispatched || d.resolved {
                    continue;
                }
                d.resolved = r;
                if d.base_name == "scratch" {
                    d.img_env = stub_env();
                    d.img_workdir = "/".into();
                    d.img_scratch = true;
                    if d.unregistered {
                        d.dispatched = true;
                    }
                    continue;
                }
                let normalized = refs::parse_normalized_named(&d.base_name).map_err(|e| {
                    convert_err(
                        d.line,
                        format!("failed to parse stage name {}: {e}", golike::quote(&d.base_name)),
                        Some(d.base_name.clone()),
                    )
                })?;
                d.base_name = normalized;
                // The stub registry's config sets only PATH (no layers, so
                // BuildKit treats it like scratch and InvalidBaseImagePlatform
                // never runs); `example/onbuild` images add two triggers.
                if r {
                    d.img_env = stub_env();
                    if d.base_name.contains("example/onbuild") {
                        d.img_onbuild = STUB_ONBUILD.iter().map(|t| t.as_bytes().to_vec()).collect();
                    }
                }
                if d.unregistered {
                    d.dispatched = true;
                }
            }

            let mut new_deps = false;
            for &i in &reachable {
                let Some(d) = self.states.get(i) else {
                    continue;
                };
                let mut triggers = if d.base.is_none() { d.img_onbuild.clone() } else { Vec::new() };
                if let Some(b) = d.base
                    && !d.onbuild_init
                {
                    if let Some(base) = self.states.get(b) {
                        for e in &base.commands {
                            if let Kind::Onbuild(expr) = &e.cmd.kind {
                                triggers.push(expr.clone());
                            }
                        }
                    }
                    if let Some(d) = self.states.get_mut(i) {
                        d.onbuild_init = true;
                    }
                }
                if !triggers.is_empty() {
                    new_deps |= self.init_onbuild_triggers(i, &triggers)?;
                    if let Some(d) = self.states.get_mut(i) {
                        d.img_onbuild.clear();
                    }
                }
            }
            if !new_deps {
                return Ok(self.reachable(target));
            }
        }
    }

    /// `initOnBuildTriggers`: parse each trigger and run it first.
    fn init_onbuild_triggers(&mut self, i: usize, triggers: &[Vec<u8>]) -> Result<bool, DockerfileError> {
        let line = self.states.get(i).map_or(0, |d| d.line);
        let mut has_new = false;
        let mut entries = Vec::new();
        for t in triggers {
            let text = Some(golike::lossy(t));
            let p = parser::parse(t).map_err(|e| convert_err(line, e.message, text.clone()))?;
            let [node] = p.nodes.as_slice() else {
                return Err(convert_err(line, "onbuild trigger should be a single expression", text));
            };
            let mut node = node.clone();
            node.start_line = line;
            node.end_line = line;
            let cmd = instructions::parse_command(&node).map_err(|e| convert_err(line, e, text.clone()))?;
            let sources = self.command_sources(&cmd)?;
            if !sources.is_empty() {
                has_new = true;
            }
            self.add_deps(i, &sources);
            entries.push(Entry { cmd, sources, onbuild: true });
        }
        if let Some(d) = self.states.get_mut(i) {
            entries.append(&mut d.commands);
            d.commands = entries;
        }
        Ok(has_new)
    }

    /// `dispatchState.init` plus the image metadata the stage starts from.
    fn init_state(&mut self, i: usize) {
        let inherited = self.states.get(i).and_then(|d| d.base).and_then(|b| self.states.get(b)).map(|b| Ds {
            env: b.env.clone(),
            external_keys: b.external_keys.clone(),
            dir: b.dir.clone(),
            img_env: b.img_env.clone(),
            img_shell: b.img_shell,
            img_workdir: b.img_workdir.clone(),
            img_scratch: b.img_scratch,
            platform: b.platform.clone(),
            build_args: b.build_args.clone(),
            workdir_set: b.workdir_set,
            ..Ds::default()
        });
        let Some(d) = self.states.get_mut(i) else {
            return;
        };
        if let Some(b) = inherited {
            d.env = b.env;
            d.external_keys = b.external_keys;
            d.dir = b.dir;
            d.img_env = b.img_env;
            d.img_shell = b.img_shell;
            d.img_workdir = b.img_workdir;
            d.img_scratch = b.img_scratch;
            d.platform = b.platform;
            d.build_args = b.build_args;
            d.workdir_set = b.workdir_set;
        }
        d.img_env.entry("PATH".into()).or_insert_with(|| (DEFAULT_PATH.into(), true));
        for (k, (v, external)) in &d.img_env {
            d.env.add(k, v);
            if *external {
                d.external_keys.insert(k.clone());
            } else {
                d.external_keys.remove(k);
            }
        }
        if !d.img_workdir.is_empty() {
            let wd = d.img_workdir.clone();
            d.dir = normalize_workdir(&wd, &wd);
        }
    }

    fn dispatch_all(&mut self, reachable: &BTreeSet<usize>) -> Result<(), DockerfileError> {
        for i in 0..self.states.len() {
            let skip = self.states.get(i).is_none_or(|d| d.dispatched);
            if !reachable.contains(&i) || skip {
                continue;
            }
            self.init_state(i);
            if let Some(d) = self.states.get_mut(i) {
                d.dispatched = true;
            }
            let entries = self.states.get(i).map(|d| d.commands.clone()).unwrap_or_default();
            for e in &entries {
                self.dispatch(i, e)?;
            }
        }
        Ok(())
    }

    /// Expand one word with the stage's environment (`ProcessWord`),
    /// reporting undefined variables.
    fn expand(&mut self, i: usize, word: &[u8], line: usize) -> Result<Processed, DockerfileError> {
        let p = match self.states.get(i) {
            Some(d) => self.shlex.process(word, &d.env),
            None => self.shlex.process(word, &NoEnv),
        };
        self.report_unmatched(i, &p.unmatched, line);
        if let Some(e) = p.error.clone() {
            return Err(convert_err(line, e, Some(golike::lossy(word))));
        }
        Ok(p)
    }

    fn report_unmatched(&mut self, i: usize, unmatched: &BTreeSet<String>, line: usize) {
        let Some(d) = self.states.get(i) else { return };
        let left: Vec<String> = unmatched
            .iter()
            .filter(|k| !d.build_args.contains(k.as_str()) && !NON_ENV_ARGS.contains(&k.as_str()))
            .cloned()
            .collect();
        if left.is_empty() || !self.lint.reports(LintRule::UndefinedVar) {
            return;
        }
        // Suggestions only feed the message; keep them cheap.
        let options: Vec<String> = d.env.keys().into_iter().take(1000).collect();
        for v in left {
            let mut msg = format!("Usage of undefined variable '${v}'");
            if let Some(s) = golike::suggest(&v, &options, true) {
                msg.push_str(&format!(" (did you mean ${s}?)"));
            }
            self.lint.run(LintRule::UndefinedVar, line, msg);
        }
    }

    /// Whether an expansion may differ with a real base image: it used a
    /// variable the Dockerfile does not set, on a stage not built FROM scratch.
    fn depends_on_image(&self, i: usize, p: &Processed) -> bool {
        let Some(d) = self.states.get(i) else {
            return false;
        };
        !d.img_scratch && (!p.unmatched.is_empty() || p.matched.iter().any(|k| d.external_keys.contains(k)))
    }

    fn lint_secret_key(&mut self, instr: &str, key: &str, line: usize) {
        const DENY: [&str; 10] =
            ["apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token"];
        const ALLOW: [&str; 3] = ["public", "file", "version"];
        // Go's `(?i)` folds only ASCII letters here, plus the Kelvin sign
        // (k) and the long s (s).
        let lower: String = key
            .chars()
            .map(|c| match c {
                '\u{212A}' => 'k',
                '\u{17F}' => 's',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        let words: Vec<&str> = lower.split('_').collect();
        let has = |list: &[&str]| {
            // `(?:_|^)word(?:_|$)`: the word is a whole `_`-separated part.
            words.iter().any(|w| list.contains(w))
        };
        if has(&DENY) && !has(&ALLOW) {
            self.lint.run(
                LintRule::SecretsUsedInArgOrEnv,
                line,
                format!("Do not use ARG or ENV instructions for sensitive data ({instr} {})", golike::quote(key)),
            );
        }
    }

    fn dispatch(&mut self, i: usize, e: &Entry) -> Result<(), DockerfileError> {
        let c = &e.cmd;
        let line = c.start_line;
        let name = golike::lossy(&c.name);
        match &c.kind {
            Kind::Env(kvs) => {
                let mut pairs = Vec::new();
                for kv in kvs {
                    let k = self.expand(i, &kv.key, line)?.word;
                    let v = self.expand(i, &kv.value, line)?.word;
                    pairs.push((k, v, kv.no_delim));
                }
                for (k, v, no_delim) in pairs {
                    if no_delim {
                        self.lint.run(
                            LintRule::LegacyKeyValueFormat,
                            line,
                            format!(
                                "\"{name} key=value\" should be used instead of legacy \"{name} key value\" format"
                            ),
                        );
                    }
                    self.lint_secret_key("ENV", &k, line);
                    if let Some(d) = self.states.get_mut(i) {
                        d.env.add(&k, &v);
                        d.external_keys.remove(&k);
                        d.img_env.insert(k, (v, false));
                    }
                }
            }
            Kind::Label(kvs) => {
                for kv in kvs {
                    self.expand(i, &kv.key, line)?;
                    self.expand(i, &kv.value, line)?;
                }
                for kv in kvs {
                    if kv.no_delim {
                        self.lint.run(
                            LintRule::LegacyKeyValueFormat,
                            line,
                            format!(
                                "\"{name} key=value\" should be used instead of legacy \"{name} key value\" format"
                            ),
                        );
                    }
                }
            }
            Kind::Maintainer => {}
            Kind::Shell => {
                if let Some(d) = self.states.get_mut(i) {
                    d.img_shell = true;
                }
            }
            Kind::Add(_) | Kind::Copy(_) => self.dispatch_copy(i, e)?,
            Kind::Onbuild(expr) => {
                if let Some(d) = self.states.get_mut(i) {
                    d.img_onbuild.push(expr.clone());
                }
            }
            Kind::Workdir(p) => {
                let w = self.expand(i, p, line)?.word;
                let Some(d) = self.states.get_mut(i) else {
                    return Ok(());
                };
                let relative = !d.workdir_set && !w.starts_with('/');
                d.workdir_set = true;
                let wd = normalize_workdir(&d.img_workdir, &w);
                d.img_workdir = wd.clone();
                d.dir = wd;
                if relative {
                    self.lint.run(
                        LintRule::WorkdirRelativePath,
                        line,
                        format!(
                            "Relative workdir {} can have unexpected results if the base image changes",
                            golike::quote(&w)
                        ),
                    );
                }
            }
            Kind::Run(_) => self.dispatch_run(i, e)?,
            Kind::Cmd { json } | Kind::Entrypoint { json } => {
                let is_cmd = matches!(c.kind, Kind::Cmd { .. });
                self.used_once(i, if is_cmd { 0 } else { 1 }, line, &name);
                let shell = self.states.get(i).is_some_and(|d| d.img_shell);
                if !json && !shell {
                    self.lint.run(
                        LintRule::JsonArgsRecommended,
                        line,
                        format!(
                            "JSON arguments recommended for {name} to prevent unintended behavior related to OS signals"
                        ),
                    );
                }
            }
            Kind::Healthcheck => self.used_once(i, 2, line, &name),
            Kind::Expose(ports) => {
                let mut words = Vec::new();
                for p in ports {
                    let r = match self.states.get(i) {
                        Some(d) => self.shlex.process(p, &d.env),
                        None => self.shlex.process(p, &NoEnv),
                    };
                    if let Some(err) = r.error {
                        return Err(convert_err(line, err, Some(golike::lossy(p))));
                    }
                    words.extend(r.words);
                }
                for w in words {
                    let (proto_case, invalid_format) =
                        refs::parse_port(&w).map_err(|err| convert_err(line, err, Some(w.clone())))?;
                    if proto_case {
                        self.lint.run(
                            LintRule::ExposeProtoCasing,
                            line,
                            format!("Defined protocol '{w}' in EXPOSE instruction should be lowercase"),
                        );
                    }
                    if invalid_format {
                        self.lint.run(
                            LintRule::ExposeInvalidFormat,
                            line,
                            format!(
                                "EXPOSE instruction should not define an IP address or host-port mapping, found '{w}'"
                            ),
                        );
                    }
                }
            }
            Kind::User(u) => {
                self.expand(i, u, line)?;
            }
            Kind::Volume(vols) => {
                let mut expanded = Vec::new();
                for v in vols {
                    expanded.push(self.expand(i, v, line)?.word);
                }
                if expanded.iter().any(String::is_empty) {
                    return Err(convert_err(line, "VOLUME specified can not be an empty string", None));
                }
            }
            Kind::StopSignal(s) => {
                let w = self.expand(i, s, line)?.word;
                refs::parse_signal(&w).map_err(|err| convert_err(line, err, Some(w.clone())))?;
            }
            Kind::Arg(kvs) => self.dispatch_arg(i, kvs, line)?,
        }
        Ok(())
    }

    /// `validateUsedOnce` for CMD (0), ENTRYPOINT (1), HEALTHCHECK (2).
    fn used_once(&mut self, i: usize, which: usize, line: usize, name: &str) {
        let Some(d) = self.states.get_mut(i) else {
            return;
        };
        let slot = match which {
            0 => &mut d.cmd_seen,
            1 => &mut d.entrypoint_seen,
            _ => &mut d.healthcheck_seen,
        };
        let prev = slot.replace(line);
        if let Some(prev) = prev {
            self.lint.run(
                LintRule::MultipleInstructionsDisallowed,
                prev,
                format!(
                    "Multiple {name} instructions should not be used in the same stage because only the last one will be used"
                ),
            );
        }
    }

    /// `dispatchArg`.
    fn dispatch_arg(&mut self, i: usize, kvs: &[ArgKv], line: usize) -> Result<(), DockerfileError> {
        for kv in kvs {
            let key = golike::lossy(&kv.key);
            self.lint_secret_key("ARG", &key, line);
            let given = self.build_args.get(&key).cloned();
            let mut value: Option<String> = None;
            if kv.value.is_none() && given.is_none() {
                value = self.global_args.get(&key).map(str::to_owned);
            }
            if let Some(v) = given {
                value = Some(v);
            } else if let Some(def) = &kv.value {
                let p = match self.states.get(i) {
                    Some(d) => self.shlex.process(def, &d.env),
                    None => self.shlex.process(def, &NoEnv),
                };
                self.report_unmatched(i, &p.unmatched, line);
                if let Some(err) = p.error {
                    return Err(convert_err(line, err, Some(golike::lossy(def))));
                }
                value = Some(p.word);
            }
            let Some(d) = self.states.get_mut(i) else {
                continue;
            };
            if let Some(v) = value
                && !NON_ENV_ARGS.contains(&key.as_str())
            {
                d.env.add(&key, &v);
                d.external_keys.remove(&key);
            }
            d.build_args.insert(key);
        }
        Ok(())
    }

    fn record(&mut self, src: ContextSource, external: bool) {
        if external && self.unresolved_seen.insert(src.source.clone()) {
            self.unresolved.push(src.source.clone());
        }
        self.sources.push(src);
    }

    /// COPY and ADD: expansion, BuildKit's checks, and the context paths.
    fn dispatch_copy(&mut self, i: usize, e: &Entry) -> Result<(), DockerfileError> {
        let c = &e.cmd;
        let line = c.start_line;
        let (is_add, sd, chown, chmod, checksum, keep_git_dir, from) = match &c.kind {
            Kind::Add(a) => (true, &a.sd, &a.chown, &a.chmod, a.checksum.as_str(), a.keep_git_dir, ""),
            Kind::Copy(cc) => (false, &cc.sd, &cc.chown, &cc.chmod, "", None, cc.from.as_str()),
            _ => return Ok(()),
        };
        // Expand: --chown, --chmod (ADD: --checksum), sources, destination.
        self.expand(i, chown.as_bytes(), line)?;
        let chmod = self.expand(i, chmod.as_bytes(), line)?.word;
        let checksum = if is_add { self.expand(i, checksum.as_bytes(), line)?.word } else { String::new() };
        let mut srcs = Vec::new();
        for s in &sd.sources {
            srcs.push(self.expand(i, s, line)?);
        }
        let dest = self.expand(i, &sd.dest, line)?.word;
        // ExpandRaw: heredoc bodies with an unquoted delimiter.
        for content in sd.contents.iter().filter(|c| c.expand) {
            let mut raw = Lex::new('\\');
            raw.skip_process_quotes = true;
            let p = match self.states.get(i) {
                Some(d) => raw.process(&content.data, &d.env),
                None => raw.process(&content.data, &NoEnv),
            };
            self.report_unmatched(i, &p.unmatched, line);
            if let Some(err) = p.error {
                return Err(convert_err(line, err, Some(content.path.clone())));
            }
        }
        if !from.is_empty()
            && let Some(&src) = e.sources.first()
            && !self.states.get(src).is_some_and(|s| s.dispatched)
        {
            let stage = self.states.get(i).map(|d| d.stage_name.clone()).unwrap_or_default();
            return Err(convert_err(
                line,
                format!(
                    "cannot copy from stage {}, it needs to be defined before current stage {}",
                    golike::quote(from),
                    golike::quote(&stage)
                ),
                Some(from.to_owned()),
            ));
        }
        if !chmod.is_empty() {
            refs::validate_chmod(&chmod).map_err(|err| convert_err(line, err, Some(chmod.clone())))?;
        }
        if !checksum.is_empty() {
            if srcs.len() != 1 {
                return Err(convert_err(line, "checksum can't be specified for multiple sources", None));
            }
            let s = srcs.first().map(|p| p.word.as_str()).unwrap_or_default();
            if !is_http_source(s) && !matches!(refs::git_ref(s), GitRef::Git { .. }) {
                return Err(convert_err(line, "checksum requires HTTP(S) or Git sources", Some(s.to_owned())));
            }
        }
        let mut local = false;
        for p in &srcs {
            let s = p.word.as_str();
            match refs::git_ref(s) {
                GitRef::Invalid(err) => return Err(convert_err(line, err, Some(s.to_owned()))),
                GitRef::Git { keep_git_dir: q_keep, checksum: q_sum } => {
                    if !is_add {
                        return Err(convert_err(line, "source can't be a git ref for COPY", Some(s.to_owned())));
                    }
                    if let (Some(a), Some(b)) = (keep_git_dir, q_keep)
                        && a != b
                    {
                        return Err(convert_err(line, "inconsistent keep-git-dir configuration", Some(s.to_owned())));
                    }
                    if !checksum.is_empty() && !q_sum.is_empty() && checksum != q_sum {
                        return Err(convert_err(
                            line,
                            format!("checksum mismatch {} != {}", golike::quote(&checksum), golike::quote(&q_sum)),
                            Some(s.to_owned()),
                        ));
                    }
                    continue;
                }
                GitRef::NotGit => {}
            }
            if is_http_source(s) {
                if !is_add {
                    return Err(convert_err(line, "source can't be a URL for COPY", Some(s.to_owned())));
                }
                if !checksum.is_empty() {
                    refs::validate_digest(&checksum).map_err(|err| convert_err(line, err, Some(checksum.clone())))?;
                }
                continue;
            }
            local = true;
        }
        if !from.is_empty() {
            return Ok(());
        }
        let stage = self.states.get(i).and_then(|d| d.stage).unwrap_or(0);
        let kind = if is_add { SourceKind::Add } else { SourceKind::Copy };
        for (raw, p) in sd.sources.iter().zip(&srcs) {
            let s = p.word.as_str();
            if is_add && (s.starts_with("http://") || s.starts_with("https://")) {
                continue;
            }
            let abs = golike::path_join(&["/", s]);
            let external = self.depends_on_image(i, p);
            if let Some(d) = self.states.get_mut(i) {
                d.ctx_paths.insert(abs.clone());
                d.uses_context |= local;
            }
            self.record(
                ContextSource {
                    stage,
                    line,
                    kind,
                    source: golike::lossy(raw),
                    expanded: s.to_owned(),
                    path: relative(&abs),
                    destination: Some(dest.clone()),
                    from_onbuild: e.onbuild,
                },
                external,
            );
        }
        Ok(())
    }

    /// RUN: its mounts, parsed again with expansion, and what they read.
    fn dispatch_run(&mut self, i: usize, e: &Entry) -> Result<(), DockerfileError> {
        let Kind::Run(rc) = &e.cmd.kind else {
            return Ok(());
        };
        let line = e.cmd.start_line;
        let mut mounts = Vec::new();
        for m in &rc.mounts {
            mounts.push(self.parse_mount(i, m, line)?);
        }
        if rc.files > 0 && rc.json {
            return Err(convert_err(line, "parsing produced an invalid run command", None));
        }
        let stage = self.states.get(i).and_then(|d| d.stage).unwrap_or(0);
        for (k, (m, raw)) in mounts.into_iter().zip(&rc.mounts).enumerate() {
            let mut m = m;
            if m.from.is_empty() && m.typ == "cache" {
                m.from = "scratch".into();
            }
            if !m.from.is_empty()
                && let Some(&src) = e.sources.get(k)
                && !self.states.get(src).is_some_and(|s| s.dispatched)
            {
                return Err(convert_err(
                    line,
                    format!(
                        "cannot mount from stage {} to {}, stage needs to be defined before current command",
                        golike::quote(&m.from),
                        golike::quote(&m.target)
                    ),
                    Some(raw.clone()),
                ));
            }
            match m.typ.as_str() {
                "secret" => {
                    if m.id.is_empty() && m.source.is_empty() && m.target.is_empty() {
                        return Err(convert_err(line, "one of source, target required", Some(raw.clone())));
                    }
                    continue;
                }
                "ssh" => {
                    if !m.source.is_empty() {
                        return Err(convert_err(line, "ssh does not support source", Some(raw.clone())));
                    }
                    continue;
                }
                _ => {}
            }
            let dir = self.states.get(i).map(|d| d.dir.clone()).unwrap_or_default();
            let target = if golike::path_clean(&m.target).starts_with('/') {
                m.target.clone()
            } else {
                golike::path_join(&["/", &dir, &m.target])
            };
            if target == "/" {
                return Err(convert_err(
                    line,
                    format!("invalid mount target {}", golike::quote(&target)),
                    Some(raw.clone()),
                ));
            }
            if !m.from.is_empty() {
                continue;
            }
            let abs = golike::path_join(&["/", &m.source]);
            let reads = m.typ == "bind";
            if let Some(d) = self.states.get_mut(i) {
                d.ctx_paths.insert(abs.clone());
                d.uses_context |= reads;
            }
            let kind = if reads { SourceKind::BindMount } else { SourceKind::TmpfsMount };
            self.record(
                ContextSource {
                    stage,
                    line,
                    kind,
                    source: m.source_raw.clone(),
                    expanded: m.source.clone(),
                    path: relative(&abs),
                    destination: Some(m.target.clone()),
                    from_onbuild: e.onbuild,
                },
                m.external,
            );
        }
        Ok(())
    }

    /// `parseMount` with an expander.
    fn parse_mount(&mut self, i: usize, value: &str, line: usize) -> Result<Mount, DockerfileError> {
        let err = |m: String| convert_err(line, m, Some(value.to_owned()));
        let fields = instructions::csv_fields(value).map_err(|e| err(format!("failed to parse csv mounts: {e}")))?;
        let mut m = Mount { typ: "bind".into(), ..Mount::default() };
        let mut file_info = false;
        let mut sharing = false;
        for field in &fields {
            let Some((k, raw_v)) = field.split_once('=') else {
                let key = golike::to_lower_str(field);
                match key.as_str() {
                    "readonly" | "ro" | "readwrite" | "rw" => {}
                    "required" if m.typ == "secret" || m.typ == "ssh" => {}
                    "required" => {
                        return Err(err(format!("unexpected key '{key}' for mount type '{}'", m.typ)));
                    }
                    _ => {
                        return Err(err(format!("invalid field '{field}' must be a key=value pair")));
                    }
                }
                continue;
            };
            let key = golike::to_lower_str(k);
            let p = self.expand(i, raw_v.as_bytes(), line)?;
            let v = p.word.clone();
            let bad_value = || err(format!("invalid value for {key}: {v}"));
            match key.as_str() {
                "type" => {
                    let t = golike::to_lower_str(&v);
                    if !matches!(t.as_str(), "bind" | "cache" | "tmpfs" | "secret" | "ssh") {
                        return Err(err(format!("unsupported mount type {}", golike::quote(&v))));
                    }
                    m.typ = t;
                }
                "from" => m.from = v,
                "source" | "src" => {
                    m.source_raw = raw_v.to_owned();
                    m.external = self.depends_on_image(i, &p);
                    m.source = v;
                }
                "target" | "dst" | "destination" => m.target = v,
                "readonly" | "ro" | "readwrite" | "rw" => {
                    golike::parse_bool(&v).ok_or_else(bad_value)?;
                }
                "required" => {
                    if m.typ != "secret" && m.typ != "ssh" {
                        return Err(err(format!("unexpected key '{key}' for mount type '{}'", m.typ)));
                    }
                    golike::parse_bool(&v).ok_or_else(bad_value)?;
                }
                "size" => {
                    if m.typ != "tmpfs" {
                        return Err(err(format!("unexpected key '{key}' for mount type '{}'", m.typ)));
                    }
                    refs::ram_in_bytes(&v).map_err(|_| bad_value())?;
                }
                "id" => m.id = v,
                "sharing" => {
                    if !matches!(golike::to_lower_str(&v).as_str(), "shared" | "private" | "locked") {
                        return Err(err(format!("unsupported sharing value {}", golike::quote(&v))));
                    }
                    sharing = true;
                }
                "mode" => {
                    golike::parse_uint(&v, 8, 32).ok_or_else(|| err(format!("invalid value {v} for mode")))?;
                    file_info = true;
                }
                "uid" | "gid" => {
                    golike::parse_uint(&v, 10, 32).ok_or_else(|| err(format!("invalid value {v} for {key}")))?;
                    file_info = true;
                }
                "env" => {}
                _ => return Err(err(format!("unexpected key '{key}' in '{field}'"))),
            }
        }
        if file_info && !matches!(m.typ.as_str(), "secret" | "ssh" | "cache") {
            return Err(err(format!("mode/uid/gid not allowed for {} type mounts", golike::quote(&m.typ))));
        }
        if sharing && m.typ != "cache" {
            return Err(err(format!("invalid cache sharing set for {} mount", m.typ)));
        }
        if m.typ == "secret" {
            if !m.from.is_empty() {
                return Err(err("secret mount should not have a from".into()));
            }
            if sharing {
                return Err(err("secret mount should not define sharing".into()));
            }
            if m.source.is_empty() && m.target.is_empty() && m.id.is_empty() {
                return Err(err("invalid secret mount. one of source, target required".into()));
            }
            if !m.source.is_empty() && !m.id.is_empty() {
                return Err(err("both source and id can't be set".into()));
            }
        }
        Ok(m)
    }
}

/// A `--mount` after expansion.
#[derive(Debug, Clone, Default)]
struct Mount {
    typ: String,
    from: String,
    source: String,
    source_raw: String,
    target: String,
    id: String,
    external: bool,
}

fn is_http_source(s: &str) -> bool {
    (s.starts_with("http://") || s.starts_with("https://")) && !matches!(refs::git_ref(s), GitRef::Git { .. })
}

/// `system.NormalizeWorkdir` (Linux).
fn normalize_workdir(current: &str, wd: &str) -> String {
    if wd.starts_with('/') { golike::path_clean(wd) } else { golike::path_join(&["/", current, wd]) }
}

/// `/a/b` → `a/b`; `/` → `.` is never produced: the root stays "".
fn relative(abs: &str) -> String {
    abs.trim_start_matches('/').to_owned()
}
