//! Turning command-line arguments into a context: the tree (walked or read
//! from a listing), the Dockerfile and the ignore file BuildKit would pick.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use ctxlens_core::dockerfile::{self, BuildOptions, ContextUse};
use ctxlens_core::fs::{ReadOptions, read_context_with};
use ctxlens_core::ignore::RuleSet;
use ctxlens_core::listing::{self, ListingFormat};
use ctxlens_core::report::IgnoreSource;
use ctxlens_core::tree::ContextTree;

use crate::Failure;
use crate::args::{Builder, ContextArgs};

/// Everything the commands need to evaluate.
pub struct Loaded {
    /// The context directory or listing, as the user named it.
    pub name: String,
    /// The context.
    pub tree: ContextTree,
    /// `directory` or the listing format's name.
    pub input_kind: String,
    /// What the sizes mean (`apparent`, ...).
    pub sizes: String,
    /// The listing shows directories only (`du` without `-a`).
    pub directories_only: bool,
    /// The ignore rules, if any.
    pub rules: Option<RuleSet>,
    /// The ignore file's bytes (the classic builder re-reads them).
    pub ignore_bytes: Option<Vec<u8>>,
    /// Where they came from.
    pub ignore_source: IgnoreSource,
    /// Their file, as given or found.
    pub ignore_file: Option<String>,
    /// The Dockerfile path (as the user would write it) and its bytes, if found.
    pub dockerfile: Option<(String, Vec<u8>)>,
    /// Problems worth telling the user (unreadable listing lines, ...).
    pub warnings: Vec<String>,
    /// Paths the walk could not read, with the error text.
    pub unreadable: Vec<(Vec<u8>, String)>,
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

fn read_file(p: &Path, what: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(p).map_err(|e| Failure::Input(format!("cannot read {what} {}: {e}", display(p))))
}

/// Loads the context described by `args`.
pub fn load(dir: &Path, args: &ContextArgs) -> Result<Loaded, Failure> {
    load_with(dir, args, false)
}

/// [`load`], optionally skipping directories BuildKit would never enter
/// (for commands that only need what is sent).
pub fn load_with(dir: &Path, args: &ContextArgs, prune: bool) -> Result<Loaded, Failure> {
    let mut warnings = Vec::new();
    let mut unreadable = Vec::new();
    // `docker build -f` is relative to the current directory.
    let dockerfile_path: PathBuf = args.dockerfile.clone().unwrap_or_else(|| dir.join("Dockerfile"));
    let dockerfile = match std::fs::read(&dockerfile_path) {
        Ok(d) => Some((display(&dockerfile_path), d)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // The context can still be shown; only the build itself would fail.
            if args.dockerfile.is_some() {
                warnings.push(format!("Dockerfile {} not found: docker build would fail", display(&dockerfile_path)));
            }
            None
        }
        Err(e) => return Err(Failure::Input(format!("cannot read Dockerfile {}: {e}", display(&dockerfile_path)))),
    };

    let (ignore_source, ignore_path) = if args.no_ignore {
        (IgnoreSource::None, None)
    } else if let Some(f) = &args.ignore_file {
        (IgnoreSource::Explicit, Some(f.clone()))
    } else {
        // BuildKit: `<Dockerfile>.dockerignore` next to the Dockerfile wins,
        // even when empty; otherwise the context's root `.dockerignore`.
        let mut specific = dockerfile_path.clone().into_os_string();
        specific.push(".dockerignore");
        let specific = PathBuf::from(specific);
        let root = dir.join(".dockerignore");
        // The classic builder only ever reads the root `.dockerignore`.
        if specific.is_file() && args.builder == Builder::Buildkit {
            (IgnoreSource::Dockerfile, Some(specific))
        } else if root.is_file() {
            (IgnoreSource::Context, Some(root))
        } else {
            (IgnoreSource::None, None)
        }
    };
    let ignore_bytes = ignore_path.as_deref().map(|p| read_file(p, "ignore file")).transpose()?;
    let rules = match (&ignore_bytes, args.builder) {
        (Some(data), Builder::Buildkit) => Some(RuleSet::parse(data).map_err(|e| {
            Failure::Rules(format!("{}: {e}", ignore_path.as_deref().map(display).unwrap_or_default()))
        })?),
        // The classic builder reports its own errors, at the stage docker/cli would.
        (Some(data), Builder::Classic) => RuleSet::parse(data).ok(),
        (None, _) => None,
    };
    let (tree, input_kind, sizes, directories_only) = match &args.listing {
        Some(path) => {
            let data = if path.as_os_str() == "-" {
                let mut v = Vec::new();
                std::io::stdin().read_to_end(&mut v).map_err(|e| Failure::Input(format!("cannot read stdin: {e}")))?;
                v
            } else {
                read_file(path, "listing")?
            };
            let format = match (&args.listing_format, args.null) {
                (Some(name), _) => Some(ListingFormat::from_name(name).ok_or_else(|| {
                    let names: Vec<&str> = ListingFormat::ALL.iter().map(|f| f.name()).collect();
                    Failure::Input(format!("unknown listing format `{name}`; known: {}", names.join(", ")))
                })?),
                (None, true) => Some(ListingFormat::PathsNul),
                (None, false) => None,
            };
            let l = listing::parse_listing(&data, format).map_err(|e| {
                Failure::Input(format!("{}: {e}", if path.as_os_str() == "-" { "stdin".into() } else { display(path) }))
            })?;
            for p in &l.problems {
                warnings.push(format!("listing line {}: {} ({})", p.line, p.message, p.text));
            }
            let sizes =
                serde_json::to_value(l.sizes).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            (l.tree, l.format.name().to_string(), sizes, l.directories_only)
        }
        None => {
            if !dir.exists() {
                return Err(Failure::Input(format!("context directory {} does not exist", display(dir))));
            }
            let progress = crate::render::Progress::new("reading context");
            let report = |n: u64| progress.update(n);
            let opts =
                ReadOptions { prune: if prune { rules.as_ref() } else { None }, threads: 0, progress: Some(&report) };
            let ctx = read_context_with(dir, &opts)
                .map_err(|e| Failure::Input(format!("cannot read context {}: {e}", display(dir))))?;
            progress.finish();
            for p in ctx.problems {
                unreadable.push((p.path.clone(), p.source.to_string()));
            }
            (ctx.tree, "directory".to_string(), "apparent".to_string(), false)
        }
    };

    let name = match &args.listing {
        Some(p) if p.as_os_str() == "-" => "stdin".to_string(),
        Some(p) => display(p),
        None => display(dir),
    };
    Ok(Loaded {
        name,
        tree,
        directories_only,
        input_kind,
        sizes,
        rules,
        ignore_bytes,
        ignore_source,
        ignore_file: ignore_path.as_deref().map(display),
        dockerfile,
        warnings,
        unreadable,
    })
}

/// Parses `--build-arg` values (`KEY=VALUE`; a bare `KEY` takes the environment's value, as docker does).
pub fn build_options(args: &ContextArgs) -> Result<BuildOptions, Failure> {
    let mut build_args = BTreeMap::new();
    for a in &args.build_args {
        match a.split_once('=') {
            Some((k, v)) => {
                build_args.insert(k.to_string(), v.to_string());
            }
            None => {
                if let Ok(v) = std::env::var(a) {
                    build_args.insert(a.clone(), v);
                }
            }
        }
    }
    Ok(BuildOptions { build_args, target: args.target.clone() })
}

/// What the Dockerfile reads from the context; an error is a build Docker would reject.
pub fn context_use(loaded: &Loaded, args: &ContextArgs) -> Result<Option<ContextUse>, Failure> {
    let Some((path, data)) = &loaded.dockerfile else {
        return Ok(None);
    };
    let opts = build_options(args)?;
    dockerfile::context_use(data, &opts).map(Some).map_err(|e| Failure::Dockerfile(format!("{path}: {e}")))
}
