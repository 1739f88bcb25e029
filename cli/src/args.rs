//! The command line, defined once with clap (completions and the man page
//! are generated from it).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// See a Docker build context before you send it: what is in it, which
/// `.dockerignore` rule excluded what, and how big it is — exactly as
/// Docker/BuildKit would decide.
#[derive(Debug, Parser)]
#[command(name = "ctxlens", version, about, long_about = None, args_conflicts_with_subcommands = true)]
#[command(after_help = "Exit status: 0 fine, 1 over the --max-size budget, 2 error (bad rules, unreadable input, \
                        a Dockerfile or pattern Docker would reject).")]
pub struct Cli {
    /// What to do; without a command, print a summary of the context.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The build context directory (also where `.dockerignore` and the
    /// Dockerfile are looked up when a listing is read).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Options of the summary.
    #[command(flatten)]
    pub summary: ContextArgs,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the entries BuildKit would send, in transfer order (directories end in `/`).
    Ls(LsArgs),
    /// Say, for each path, whether it is sent and which rule decided it, and why.
    Explain(ExplainArgs),
    /// Show what changes between two rule sets: paths that move in or out, bytes and files.
    Diff(DiffArgs),
    /// For every service of a Compose project that builds an image: its
    /// context, Dockerfile, ignore file, context size and COPY-aware transfer.
    Compose(ComposeArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

/// `ctxlens compose`.
#[derive(Debug, Args)]
pub struct ComposeArgs {
    /// Compose files, merged in order as `docker compose -f A -f B` does
    /// (default: compose.yaml / docker-compose.yml and its override in the current directory).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `ctxlens diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Compare the current rules with these older ones (default: the rules found as usual).
    #[arg(long, value_name = "OLD")]
    pub against: Option<PathBuf>,
    /// The build context directory.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Options shared by every command; `--ignore-file NEW` gives the new rules.
    #[command(flatten)]
    pub context: ContextArgs,
}

/// `ctxlens explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Paths relative to the context (or under DIR).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The build context directory.
    #[arg(short = 'C', long = "context", value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Options shared by every command.
    #[command(flatten)]
    pub context: ContextArgs,
}

/// `ctxlens ls`.
#[derive(Debug, Args)]
pub struct LsArgs {
    /// List what is left out instead of what is sent.
    #[arg(long)]
    pub excluded: bool,
    /// The build context directory (also where `.dockerignore` and the
    /// Dockerfile are looked up when a listing is read).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Options shared by every command.
    #[command(flatten)]
    pub context: ContextArgs,
}

/// How to obtain the context and its rules; shared by every command.
#[derive(Debug, Args, Clone)]
pub struct ContextArgs {
    /// Read a listing (a path per line, a trailing `/` marks a directory;
    /// parent directories are implied) instead of walking DIR; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    pub listing: Option<PathBuf>,

    /// The listing's format, when autodetection guesses wrong (e.g. `du-ab`,
    /// `find`, `ls-lR`, `tree-J`, `tar-tv`, `ncdu`, `git-ls-tree`, `paths`).
    #[arg(long, value_name = "NAME", requires = "listing")]
    pub listing_format: Option<String>,

    /// Listing entries are separated by NUL bytes, and `ls` prints NUL-separated paths.
    #[arg(short = '0', long = "null")]
    pub null: bool,

    /// Use these rules instead of looking for `<Dockerfile>.dockerignore` and `.dockerignore`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_ignore")]
    pub ignore_file: Option<PathBuf>,

    /// Use no ignore rules at all.
    #[arg(long)]
    pub no_ignore: bool,

    /// The Dockerfile, as in `docker build -f` (relative to the current
    /// directory; default DIR/Dockerfile). Selects `<name>.dockerignore`.
    #[arg(short = 'f', long = "dockerfile", value_name = "FILE")]
    pub dockerfile: Option<PathBuf>,

    /// Restrict the context to what the Dockerfile's COPY/ADD sources and bind
    /// mounts use, as BuildKit does.
    #[arg(long)]
    pub copy_only: bool,

    /// A build argument, as in `docker build --build-arg` (repeatable).
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    pub build_args: Vec<String>,

    /// The target stage, as in `docker build --target`.
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,

    /// Which builder's rules to apply: BuildKit (default) or the classic
    /// builder (`DOCKER_BUILDKIT=0`), whose context is a tar stream.
    #[arg(long, value_enum, default_value_t = Builder::Buildkit)]
    pub builder: Builder,

    /// Fail (exit status 1) when the context is larger than SIZE (e.g. `200MB`, `1.5GiB`).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_size: Option<u64>,

    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,

    /// Skip lints and suggestions (they re-evaluate edited rule sets, which
    /// takes a few seconds on million-entry contexts).
    #[arg(long)]
    pub no_insight: bool,

    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `--builder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Builder {
    /// BuildKit (Docker 23+ default, buildx, compose).
    Buildkit,
    /// The classic builder (`DOCKER_BUILDKIT=0`).
    Classic,
}

/// Parses `200MB`, `1.5GiB`, `512k`, `1000`: decimal units for `kB MB GB TB`,
/// binary for `KiB MiB GiB TiB`; a bare `k`/`M`/`G` is decimal too.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.parse().map_err(|_| format!("`{s}` is not a size (try 200MB or 1.5GiB)"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        u => return Err(format!("unknown unit `{u}` in `{s}` (use B, kB, MB, GB, TB, KiB, MiB, GiB, TiB)")),
    };
    let bytes = value * mult;
    if !bytes.is_finite() || bytes < 0.0 || bytes > u64::MAX as f64 {
        return Err(format!("`{s}` is out of range"));
    }
    Ok(bytes.round() as u64)
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless `NO_COLOR` is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}
