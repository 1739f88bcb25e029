//! Reading a Dockerfile for the context paths its build uses (BuildKit's
//! FollowPaths).
//!
//! BuildKit's Dockerfile frontend only asks the client for the parts of the
//! build context that the build reads: the sources of `COPY` (without
//! `--from`), `ADD` (except `http(s)://` URLs) and `RUN --mount` binds
//! without `from`, collected over the stages reachable from the target. This
//! module re-implements that frontend (`dockerfile2llb`, built-in, as in
//! moby/buildkit master of 2026) closely enough to give the same answer,
//! including its quirks and the errors that stop a build before anything is
//! sent:
//!
//! * the line parser: continuations, comments, `# escape=`/`# syntax=`/
//!   `# check=` directives, heredocs, JSON (exec) form;
//! * instruction parsing: flags, argument counts, stage names;
//! * conversion: global and stage `ARG`s, build args, `ENV`, variable
//!   expansion (`$V`, `${V:-x}`, `${V:+x}`, `${V:?msg}`, `${V#p}`, ...),
//!   stage reachability (`FROM <stage>`, `COPY --from`, `RUN --mount
//!   from=`, ONBUILD triggers), and the lint rules that `# check=error=true`
//!   makes fatal.
//!
//! Base images are taken as BuildKit's conformance generator saw them: a
//! registry stub whose images set only `PATH`, except images named
//! `…example/onbuild…`, which carry the triggers `COPY onbuild-src/ /app/`
//! and `RUN --mount=type=bind,source=onbuild-mnt,target=/m true`. Sources
//! whose value could change with a real base image's environment are listed
//! in [`ContextUse::unresolved`].
//!
//! The module does no I/O and never panics, whatever the input bytes.

mod convert;
mod golike;
mod instructions;
mod json;
mod lex;
mod lint;
mod parser;
mod refs;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub use lint::{LintRule, LintWarning};

/// Options of `docker build` that change what the Dockerfile reads.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// `--build-arg NAME=value` (a value may be empty).
    pub build_args: BTreeMap<String, String>,
    /// `--target` (stage name, any case); `None` builds the last stage.
    pub target: Option<String>,
}

/// What a build reads from its main context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextUse {
    /// Whether the context is used at all.
    pub context_used: bool,
    /// The paths the transfer is restricted to (relative, cleaned, dedup, byte-wise sorted, wildcards kept), or None when unrestricted / unused.
    pub follow_paths: Option<Vec<String>>,
    /// Sources that could not be resolved exactly (for reporting, never guessed); may be empty.
    ///
    /// Each entry is a source as written in the Dockerfile whose expansion
    /// used a variable the Dockerfile does not set (or `PATH`) in a stage
    /// not built `FROM scratch`: a real base image's environment could give
    /// it another value than the one used for [`ContextUse::follow_paths`].
    pub unresolved: Vec<String>,
}

/// Why BuildKit's frontend rejects a Dockerfile (the build fails before any
/// transfer). Lines are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DockerfileError {
    /// The Dockerfile is zero bytes long.
    #[error("the Dockerfile is empty")]
    Empty,
    /// The line parser failed (bad `# escape=`, unterminated heredoc, no
    /// instructions at all, a line over 64 KiB, malformed exec form).
    #[error("line {line}: {message}")]
    Syntax {
        /// Line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
        /// The offending text, when there is one.
        text: Option<String>,
    },
    /// An instruction is invalid (unknown instruction or flag, missing
    /// arguments, instruction before the first `FROM`, ...).
    #[error("line {line}: {message}")]
    Instruction {
        /// Line of the instruction.
        line: usize,
        /// What is wrong.
        message: String,
        /// The instruction as written.
        text: Option<String>,
    },
    /// The Dockerfile has global `ARG`s only.
    #[error("the Dockerfile contains no stage to build (no FROM instruction)")]
    NoStages,
    /// `--target` names no stage.
    #[error("target stage {target:?} not found{}", suggestion.as_ref().map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default())]
    TargetNotFound {
        /// The requested target.
        target: String,
        /// A stage with a close name, if any.
        suggestion: Option<String>,
    },
    /// Stages read from each other in a cycle.
    #[error("circular dependency between stages, detected on stage {stage:?}")]
    CircularDependency {
        /// The stage where the cycle was detected.
        stage: String,
        /// Its `FROM` line.
        line: Option<usize>,
    },
    /// `# check=error=true` and at least one check fired.
    #[error("Dockerfile checks failed (# check=error=true): {}", rules.join(", "))]
    Lint {
        /// The rules that fired, sorted.
        rules: Vec<String>,
        /// Line of the first warning.
        line: Option<usize>,
    },
    /// Any other error while converting (variable expansion errors, an
    /// unbalanced quote, `--from=$VAR`, an unknown mount type, a bad
    /// `--chmod`, an invalid image name, ...).
    #[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    Convert {
        /// Line of the instruction, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
        /// The offending text, when there is one.
        text: Option<String>,
    },
}

impl DockerfileError {
    /// The error category, as named in the conformance corpus: `empty`,
    /// `syntax`, `instruction`, `no_stages`, `target_not_found`,
    /// `circular_dependency`, `lint` or `convert`.
    pub fn category(&self) -> &'static str {
        match self {
            DockerfileError::Empty => "empty",
            DockerfileError::Syntax { .. } => "syntax",
            DockerfileError::Instruction { .. } => "instruction",
            DockerfileError::NoStages => "no_stages",
            DockerfileError::TargetNotFound { .. } => "target_not_found",
            DockerfileError::CircularDependency { .. } => "circular_dependency",
            DockerfileError::Lint { .. } => "lint",
            DockerfileError::Convert { .. } => "convert",
        }
    }

    /// The 1-based line the error is about, when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            DockerfileError::Syntax { line, .. } | DockerfileError::Instruction { line, .. } => Some(*line),
            DockerfileError::CircularDependency { line, .. }
            | DockerfileError::Lint { line, .. }
            | DockerfileError::Convert { line, .. } => *line,
            DockerfileError::Empty | DockerfileError::NoStages | DockerfileError::TargetNotFound { .. } => None,
        }
    }
}

/// How a context source is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A `COPY` source (without `--from`).
    Copy,
    /// An `ADD` source that is not an `http(s)://` URL.
    Add,
    /// `RUN --mount=type=bind` without `from`.
    BindMount,
    /// `RUN --mount=type=tmpfs`: reads nothing, but BuildKit records its
    /// (root) source, which lifts any restriction.
    TmpfsMount,
}

/// One context path recorded by the build (BuildKit's `ctxPaths`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextSource {
    /// Index of the stage in [`Dockerfile::stages`].
    pub stage: usize,
    /// 1-based line of the instruction (for ONBUILD triggers, the `FROM`
    /// line of the stage that runs them).
    pub line: usize,
    /// What reads it.
    pub kind: SourceKind,
    /// The source as written (before variable expansion).
    pub source: String,
    /// The source after variable expansion and quote removal.
    pub expanded: String,
    /// The context path it becomes: relative, cleaned; `""` is the whole
    /// context.
    pub path: String,
    /// The destination (COPY/ADD) or mount target, expanded.
    pub destination: Option<String>,
    /// Whether it comes from an ONBUILD trigger.
    pub from_onbuild: bool,
}

/// Everything [`analyze`] finds out about a build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Analysis {
    /// What the build reads from the context.
    pub context_use: ContextUse,
    /// Index of the target stage in [`Dockerfile::stages`].
    pub target_stage: usize,
    /// Indexes of the stages that are built (reachable from the target).
    pub built_stages: Vec<usize>,
    /// Every context source the built stages record, in build order.
    pub sources: Vec<ContextSource>,
    /// Warnings of BuildKit's Dockerfile checks (the rules that ran).
    pub lint_warnings: Vec<LintWarning>,
}

/// Compute which build-context paths a build of `dockerfile` transfers.
///
/// `dockerfile` is the raw file (any bytes: BOM, CRLF, invalid UTF-8 are
/// handled as BuildKit handles them).
pub fn context_use(dockerfile: &[u8], opts: &BuildOptions) -> Result<ContextUse, DockerfileError> {
    analyze(dockerfile, opts).map(|a| a.context_use)
}

/// Like [`context_use`], with the details: each recorded source, the stages
/// built, and the lint warnings.
pub fn analyze(dockerfile: &[u8], opts: &BuildOptions) -> Result<Analysis, DockerfileError> {
    let out = convert::convert(dockerfile, &opts.build_args, opts.target.as_deref())?;
    let follow_paths = if !out.context_used || out.ctx_paths.contains("/") {
        None
    } else {
        let rel: BTreeSet<String> = out.ctx_paths.iter().map(|p| golike::path_join(&[".", p])).collect();
        Some(rel.into_iter().collect())
    };
    Ok(Analysis {
        context_use: ContextUse { context_used: out.context_used, follow_paths, unresolved: out.unresolved },
        target_stage: out.target_stage,
        built_stages: out.built_stages,
        sources: out.sources,
        lint_warnings: out.warnings,
    })
}

/// A parsed Dockerfile (line parser and instruction parser only: no
/// variable expansion, no stage resolution).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dockerfile {
    /// The escape character (`\` or, with `# escape=`, a backtick).
    pub escape: char,
    /// The value of the `# check=` directive, if any.
    pub check_directive: Option<String>,
    /// `ARG`s before the first `FROM`.
    pub global_args: Vec<ArgDecl>,
    /// The stages, in file order.
    pub stages: Vec<Stage>,
}

/// An `ARG` declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArgDecl {
    /// The name.
    pub name: String,
    /// The default value as written (quotes and variables unprocessed).
    pub default: Option<String>,
    /// 1-based line.
    pub line: usize,
}

/// A build stage: a `FROM` and its instructions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// The stage name (`AS name`), lower-cased.
    pub name: Option<String>,
    /// The base as written (may hold variables).
    pub base: String,
    /// `--platform`, as written.
    pub platform: Option<String>,
    /// Line of the `FROM`.
    pub line: usize,
    /// Last line of the stage.
    pub end_line: usize,
    /// The instructions after the `FROM`.
    pub instructions: Vec<Instruction>,
}

/// One instruction of a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instruction {
    /// The keyword, upper-cased (`COPY`).
    pub keyword: String,
    /// First line.
    pub line: usize,
    /// Last line (continuations and heredocs included).
    pub end_line: usize,
    /// The instruction text (continuations joined, heredoc bodies excluded).
    pub text: String,
    /// Details for the instructions that can read the context.
    pub kind: InstructionKind,
}

/// Instruction details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstructionKind {
    /// `COPY`.
    Copy(FileSpec),
    /// `ADD`.
    Add(FileSpec),
    /// `RUN`.
    Run(RunSpec),
    /// `ARG`.
    Arg(Vec<ArgDecl>),
    /// `ENV` (key, value as written).
    Env(Vec<(String, String)>),
    /// `WORKDIR`, as written.
    Workdir(String),
    /// `ONBUILD`: the trigger text.
    Onbuild(String),
    /// Any other instruction.
    Other,
}

/// The file arguments of `COPY`/`ADD`, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSpec {
    /// The sources (heredoc sources excluded).
    pub sources: Vec<String>,
    /// Names of heredoc sources (`<<EOF`).
    pub heredocs: Vec<String>,
    /// The destination.
    pub destination: String,
    /// `--from` (COPY only).
    pub from: Option<String>,
    /// `--parents`.
    pub parents: bool,
    /// `--exclude` patterns.
    pub excludes: Vec<String>,
    /// Exec (JSON) form.
    pub json: bool,
}

/// The parts of `RUN` that can read the context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunSpec {
    /// The `--mount` values, as written.
    pub mounts: Vec<String>,
}

fn arg_decls(args: &[instructions::ArgKv], line: usize) -> Vec<ArgDecl> {
    args.iter()
        .map(|a| ArgDecl { name: golike::lossy(&a.key), default: a.value.as_deref().map(golike::lossy), line })
        .collect()
}

fn file_spec(
    sd: &instructions::SourcesAndDest,
    from: Option<String>,
    parents: bool,
    excludes: &[String],
    json: bool,
) -> FileSpec {
    FileSpec {
        sources: sd.sources.iter().map(|s| golike::lossy(s)).collect(),
        heredocs: sd.contents.iter().map(|c| c.path.clone()).collect(),
        destination: golike::lossy(&sd.dest),
        from,
        parents,
        excludes: excludes.to_vec(),
        json,
    }
}

/// Parse a Dockerfile into stages and instructions, as BuildKit's parser
/// does (same errors: `syntax` and `instruction` categories).
pub fn parse(dockerfile: &[u8]) -> Result<Dockerfile, DockerfileError> {
    if dockerfile.is_empty() {
        return Err(DockerfileError::Empty);
    }
    let parsed = parser::parse(dockerfile).map_err(|e| DockerfileError::Syntax {
        line: e.line,
        message: e.message,
        text: e.text,
    })?;
    let mut linter = lint::Linter::disabled();
    let (stages, meta) = instructions::parse(&parsed.nodes, &mut linter).map_err(|e| DockerfileError::Instruction {
        line: e.line,
        message: e.message,
        text: e.text,
    })?;
    let global_args = meta.iter().flat_map(|m| arg_decls(&m.args, m.start_line)).collect();
    let stages = stages
        .iter()
        .map(|s| Stage {
            name: (!s.name.is_empty()).then(|| s.name.clone()),
            base: golike::lossy(&s.base_name),
            platform: (!s.platform.is_empty()).then(|| s.platform.clone()),
            line: s.start_line,
            end_line: s.end_line,
            instructions: s
                .commands
                .iter()
                .map(|c| Instruction {
                    keyword: golike::lossy(&golike::to_upper(&c.name)),
                    line: c.start_line,
                    end_line: c.end_line,
                    text: golike::lossy(&c.original),
                    kind: match &c.kind {
                        instructions::Kind::Copy(cc) => InstructionKind::Copy(file_spec(
                            &cc.sd,
                            (!cc.from.is_empty()).then(|| cc.from.clone()),
                            cc.parents,
                            &cc.excludes,
                            cc.json,
                        )),
                        instructions::Kind::Add(a) => {
                            InstructionKind::Add(file_spec(&a.sd, None, false, &a.excludes, a.json))
                        }
                        instructions::Kind::Run(r) => InstructionKind::Run(RunSpec { mounts: r.mounts.clone() }),
                        instructions::Kind::Arg(a) => InstructionKind::Arg(arg_decls(a, c.start_line)),
                        instructions::Kind::Env(kvs) => InstructionKind::Env(
                            kvs.iter().map(|kv| (golike::lossy(&kv.key), golike::lossy(&kv.value))).collect(),
                        ),
                        instructions::Kind::Workdir(w) => InstructionKind::Workdir(golike::lossy(w)),
                        instructions::Kind::Onbuild(e) => InstructionKind::Onbuild(golike::lossy(e)),
                        _ => InstructionKind::Other,
                    },
                })
                .collect(),
        })
        .collect();
    Ok(Dockerfile {
        escape: parsed.escape,
        check_directive: parser::parse_directive("check", dockerfile),
        global_args,
        stages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(df: &str) -> Result<Analysis, DockerfileError> {
        analyze(df.as_bytes(), &BuildOptions::default())
    }

    fn paths(df: &str) -> Option<Vec<String>> {
        run(df).expect("builds").context_use.follow_paths
    }

    #[test]
    fn continuation_escape_and_heredocs_end_to_end() {
        assert_eq!(paths("FROM a\nCOPY x \\\n  y /d/\n"), Some(vec!["x".into(), "y".into()]));
        assert_eq!(paths("# escape=`\nFROM a\nCOPY x\\y `\n z /d/\n"), Some(vec!["x\\y".into(), "z".into()]));
        assert_eq!(paths("FROM a\nRUN <<EOF\nCOPY nope /\nEOF\nCOPY yes /\n"), Some(vec!["yes".into()]));
        assert!(!run("FROM a\nCOPY <<EOF /x\nbody\nEOF\n").unwrap().context_use.context_used);
    }

    #[test]
    fn expansion_forms_end_to_end() {
        let opts = BuildOptions { build_args: BTreeMap::from([("SET".to_owned(), "s".to_owned())]), target: None };
        let df = "FROM a\nARG SET\nARG UNSET\nCOPY ${UNSET:-dflt} ${SET:+alt} ${SET:?m}/x [\"j\"] /d/\n";
        let got = context_use(df.as_bytes(), &opts).unwrap();
        assert_eq!(got.follow_paths, Some(vec!["[j]".into(), "alt".into(), "dflt".into(), "s/x".into()]));
        let err = run("FROM a\nARG V\nCOPY ${V:?need V set} /x\n").unwrap_err();
        assert_eq!(err.category(), "convert");
        assert_eq!(paths("FROM a\nCOPY [\"a b\", \"$HOME/c\", \"/d\"]\n"), Some(vec!["a b".into(), "c".into()]));
    }

    #[test]
    fn sources_and_unresolved() {
        let a = run("FROM alpine\nWORKDIR /w\nCOPY $NOPE/x ./\nRUN --mount=source=m,target=t true\n").unwrap();
        assert_eq!(a.context_use.unresolved, vec!["$NOPE/x".to_owned()]);
        let s = &a.sources;
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].kind, s[0].line, s[0].expanded.as_str(), s[0].path.as_str()),
            (SourceKind::Copy, 3, "/x", "x")
        );
        assert_eq!(s[0].destination.as_deref(), Some("./"));
        assert_eq!((s[1].kind, s[1].source.as_str(), s[1].path.as_str()), (SourceKind::BindMount, "m", "m"));
        assert!(a.lint_warnings.iter().any(|w| w.rule == LintRule::UndefinedVar));
        assert!(run("FROM scratch\nCOPY $NOPE/x /\n").unwrap().context_use.unresolved.is_empty());
    }

    #[test]
    fn stages_onbuild_and_mounts() {
        let df = "FROM alpine AS base\nONBUILD COPY onb /\nCOPY b /\nFROM base AS mid\nFROM mid\nCOPY c /\n";
        // The trigger runs in the direct child only.
        assert_eq!(paths(df), Some(vec!["b".into(), "c".into(), "onb".into()]));
        let a = run("FROM example/onbuild:2\n").unwrap();
        assert_eq!(a.context_use.follow_paths, Some(vec!["onbuild-mnt".into(), "onbuild-src".into()]));
        assert!(a.sources.iter().all(|s| s.from_onbuild));
        assert!(!run("FROM a\nRUN --mount=type=tmpfs,target=/t true\n").unwrap().context_use.context_used);
        assert_eq!(paths("FROM a\nRUN --mount=type=tmpfs,target=/t true\nCOPY x /\n"), None);
        assert_eq!(run("FROM a\nRUN --mount=type=bind,source=x true\n").unwrap_err().category(), "convert");
        assert_eq!(run("FROM a\nRUN --mount=from=$X,target=/x true\n").unwrap_err().category(), "instruction");
    }

    #[test]
    fn error_categories() {
        assert_eq!(run("").unwrap_err(), DockerfileError::Empty);
        assert_eq!(run("\n\n").unwrap_err().category(), "syntax");
        assert_eq!(run("FROM a\nCOPY --nope a b\n").unwrap_err().category(), "instruction");
        assert_eq!(run("ARG A\n").unwrap_err().category(), "no_stages");
        let t = analyze(b"FROM a AS one\n", &BuildOptions { target: Some("onee".into()), ..BuildOptions::default() });
        assert!(
            matches!(t, Err(DockerfileError::TargetNotFound { ref suggestion, .. }) if suggestion.as_deref() == Some("one"))
        );
        assert_eq!(run("FROM a AS x\nCOPY --from=x a b\n").unwrap_err().category(), "circular_dependency");
        assert_eq!(run("# check=error=true\nFROM a\nCMD echo\n").unwrap_err().category(), "lint");
        assert_eq!(run("FROM a\nCOPY --chmod=8 a b\n").unwrap_err().line(), Some(2));
    }

    #[test]
    fn parse_representation() {
        let df = parse(b"ARG V=1\nFROM alpine AS Build\nCOPY --from=x --parents a/./b \"c\" /d/\nADD <<EOF u /v\nhi\nEOF\nRUN --mount=type=bind,source=s,target=/t make\n").unwrap();
        assert_eq!(df.global_args, vec![ArgDecl { name: "V".into(), default: Some("1".into()), line: 1 }]);
        let st = &df.stages[0];
        assert_eq!((st.name.as_deref(), st.base.as_str(), st.line), (Some("build"), "alpine", 2));
        let InstructionKind::Copy(c) = &st.instructions[0].kind else { panic!("COPY") };
        assert_eq!(c.sources, vec!["a/./b", "\"c\""]);
        assert_eq!((c.destination.as_str(), c.from.as_deref(), c.parents), ("/d/", Some("x"), true));
        let InstructionKind::Add(a) = &st.instructions[1].kind else { panic!("ADD") };
        assert_eq!((a.sources.clone(), a.heredocs.clone()), (vec!["u".to_owned()], vec!["EOF".to_owned()]));
        assert_eq!((st.instructions[1].line, st.instructions[1].end_line), (4, 6));
        let InstructionKind::Run(r) = &st.instructions[2].kind else { panic!("RUN") };
        assert_eq!(r.mounts, vec!["type=bind,source=s,target=/t"]);
        assert!(serde_json::to_string(&df).is_ok());
    }
}
