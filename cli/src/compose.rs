//! `ctxlens compose`: the build contexts of a Compose project, as `docker
//! compose build` would send them.
//!
//! Files are merged the way Compose merges `-f` files (mappings key by key,
//! later files win); relative paths resolve against the first file's
//! directory; `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$$` are
//! interpolated from the environment and the project's `.env`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use ctxlens_core::dockerfile::{BuildOptions, context_use};
use ctxlens_core::eval::{TransferOptions, transfer};
use ctxlens_core::ignore::RuleSet;
use serde::Serialize;
use serde_yaml_ng::Value;

use crate::Failure;

/// One service that builds an image.
#[derive(Debug, Serialize)]
pub struct ServiceBuild {
    /// Service name.
    pub service: String,
    /// The context directory (as resolved).
    pub context: String,
    /// The Dockerfile.
    pub dockerfile: String,
    /// The ignore file BuildKit uses, if any.
    pub ignore_file: Option<String>,
    /// Bytes BuildKit sends without COPY filtering.
    pub context_bytes: u64,
    /// Files sent without COPY filtering.
    pub context_files: u64,
    /// Bytes BuildKit sends with the Dockerfile's FollowPaths (the real transfer).
    pub transfer_bytes: Option<u64>,
    /// The FollowPaths, or `None` when unrestricted.
    pub follow_paths: Option<Vec<String>>,
    /// How many directory levels the context sits above the Compose file.
    pub levels_up: usize,
    /// Other services sharing this context directory.
    pub shared_with: Vec<String>,
    /// Problems and advice.
    pub warnings: Vec<String>,
}

fn default_files(cwd: &Path) -> Result<Vec<PathBuf>, Failure> {
    for (base, over) in [
        ("compose.yaml", "compose.override.yaml"),
        ("compose.yml", "compose.override.yml"),
        ("docker-compose.yml", "docker-compose.override.yml"),
        ("docker-compose.yaml", "docker-compose.override.yaml"),
    ] {
        if cwd.join(base).is_file() {
            let mut files = vec![cwd.join(base)];
            if cwd.join(over).is_file() {
                files.push(cwd.join(over));
            }
            return Ok(files);
        }
    }
    Err(Failure::Input(format!("no compose.yaml or docker-compose.yml in {} (use -f)", cwd.display())))
}

/// Compose's merge: mappings merge key by key, anything else is replaced.
fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Mapping(b), Value::Mapping(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

fn read_dotenv(dir: &Path) -> HashMap<String, String> {
    let mut vars = HashMap::new();
    if let Ok(text) = std::fs::read_to_string(dir.join(".env")) {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some((k, v)) = line.split_once('=') {
                let v = v.trim().trim_matches('"').trim_matches('\'');
                vars.insert(k.trim().trim_start_matches("export ").to_string(), v.to_string());
            }
        }
    }
    vars
}

/// Compose interpolation of one string.
fn interpolate(s: &str, vars: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(r) = rest.strip_prefix('{') {
            let end = r.find('}').ok_or_else(|| format!("unterminated `${{` in `{s}`"))?;
            let expr = &r[..end];
            rest = &r[end + 1..];
            let (name, op, word) = match expr.find([':', '-', '?', '+']) {
                Some(j) => {
                    let op_len =
                        if expr[j..].starts_with(":-") || expr[j..].starts_with(":?") || expr[j..].starts_with(":+") {
                            2
                        } else {
                            1
                        };
                    (&expr[..j], &expr[j..j + op_len], &expr[j + op_len..])
                }
                None => (expr, "", ""),
            };
            let val = vars(name);
            let set_nonempty = val.as_deref().is_some_and(|v| !v.is_empty());
            match op {
                "" => out.push_str(&val.unwrap_or_default()),
                ":-" => out.push_str(&if set_nonempty { val.unwrap_or_default() } else { word.to_string() }),
                "-" => out.push_str(&val.unwrap_or_else(|| word.to_string())),
                ":+" => out.push_str(if set_nonempty { word } else { "" }),
                "+" => out.push_str(if val.is_some() { word } else { "" }),
                ":?" | "?" => match val {
                    Some(v) if op == "?" || !v.is_empty() => out.push_str(&v),
                    _ => return Err(format!("required variable {name} is missing: {word}")),
                },
                _ => return Err(format!("unsupported interpolation `${{{expr}}}`")),
            }
        } else {
            let n = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            if n == 0 {
                out.push('$');
            } else {
                out.push_str(&vars(&rest[..n]).unwrap_or_default());
                rest = &rest[n..];
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn get_str(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn build_args(v: Option<&Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match v {
        Some(Value::Mapping(m)) => {
            for (k, val) in m {
                if let Some(k) = k.as_str() {
                    let s = match val {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => continue,
                    };
                    out.insert(k.to_string(), s);
                }
            }
        }
        Some(Value::Sequence(items)) => {
            for it in items {
                if let Some((k, v)) = it.as_str().and_then(|s| s.split_once('=')) {
                    out.insert(k.to_string(), v.to_string());
                }
            }
        }
        _ => {}
    }
    out
}

fn interpolate_all(v: &mut Value, vars: &dyn Fn(&str) -> Option<String>) -> Result<(), String> {
    match v {
        Value::String(s) => *s = interpolate(s, vars)?,
        Value::Sequence(items) => {
            for i in items {
                interpolate_all(i, vars)?;
            }
        }
        Value::Mapping(m) => {
            for (_, val) in m.iter_mut() {
                interpolate_all(val, vars)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Loads, merges and evaluates the project.
pub fn analyse(files: &[PathBuf]) -> Result<(PathBuf, Vec<ServiceBuild>), Failure> {
    let cwd = std::env::current_dir().map_err(|e| Failure::Input(e.to_string()))?;
    let files = if files.is_empty() { default_files(&cwd)? } else { files.to_vec() };
    let project_dir = files[0].parent().map(Path::to_path_buf).unwrap_or_else(|| cwd.clone());
    let project_dir = if project_dir.as_os_str().is_empty() { cwd.clone() } else { project_dir };
    let dotenv = read_dotenv(&project_dir);
    let vars = |k: &str| std::env::var(k).ok().or_else(|| dotenv.get(k).cloned());
    let mut merged = Value::Mapping(Default::default());
    for f in &files {
        let text =
            std::fs::read_to_string(f).map_err(|e| Failure::Input(format!("cannot read {}: {e}", f.display())))?;
        let mut v: Value =
            serde_yaml_ng::from_str(&text).map_err(|e| Failure::Input(format!("{}: {e}", f.display())))?;
        v.apply_merge().map_err(|e| Failure::Input(format!("{}: {e}", f.display())))?;
        interpolate_all(&mut v, &vars).map_err(|e| Failure::Input(format!("{}: {e}", f.display())))?;
        merge(&mut merged, v);
    }
    let services = match merged.get("services") {
        Some(Value::Mapping(m)) => m.clone(),
        _ => return Err(Failure::Input("the Compose files define no services".into())),
    };
    let project_abs = std::fs::canonicalize(&project_dir).unwrap_or(project_dir.clone());
    let mut out = Vec::new();
    // Each distinct context is read from disk once.
    let mut trees: HashMap<PathBuf, ctxlens_core::tree::ContextTree> = HashMap::new();
    for (name, svc) in &services {
        let name = name.as_str().unwrap_or_default().to_string();
        let Some(build) = svc.get("build") else { continue };
        let (ctx_raw, df_raw, args, target) = match build {
            Value::String(s) => (s.clone(), None, BTreeMap::new(), None),
            Value::Mapping(_) => (
                get_str(build, "context").unwrap_or_else(|| ".".into()),
                get_str(build, "dockerfile"),
                build_args(build.get("args")),
                get_str(build, "target"),
            ),
            _ => continue,
        };
        let mut warnings = Vec::new();
        if ctx_raw.contains("://") || ctx_raw.starts_with("git@") {
            warnings.push(format!("remote context `{ctx_raw}` is not read"));
            out.push(ServiceBuild {
                service: name,
                context: ctx_raw,
                dockerfile: df_raw.unwrap_or_else(|| "Dockerfile".into()),
                ignore_file: None,
                context_bytes: 0,
                context_files: 0,
                transfer_bytes: None,
                follow_paths: None,
                levels_up: 0,
                shared_with: Vec::new(),
                warnings,
            });
            continue;
        }
        let ctx = project_dir.join(&ctx_raw);
        let ctx_abs = std::fs::canonicalize(&ctx)
            .map_err(|e| Failure::Input(format!("service {name}: context {}: {e}", ctx.display())))?;
        let df_path = ctx.join(df_raw.clone().unwrap_or_else(|| "Dockerfile".into()));
        let levels_up = project_abs.strip_prefix(&ctx_abs).map(|rest| rest.components().count()).unwrap_or(0);
        if levels_up >= 1 {
            warnings.push(format!(
                "the context is {levels_up} level{} above the Compose file: everything below {} is sent",
                if levels_up == 1 { "" } else { "s" },
                ctx_abs.display()
            ));
        }
        if !trees.contains_key(&ctx_abs) {
            let c = ctxlens_core::fs::read_context(&ctx_abs)
                .map_err(|e| Failure::Input(format!("service {name}: {}: {e}", ctx_abs.display())))?;
            trees.insert(ctx_abs.clone(), c.tree);
        }
        let tree = &trees[&ctx_abs];
        let mut specific = df_path.clone().into_os_string();
        specific.push(".dockerignore");
        let specific = PathBuf::from(specific);
        let ignore = if specific.is_file() {
            Some(specific)
        } else if ctx.join(".dockerignore").is_file() {
            Some(ctx.join(".dockerignore"))
        } else {
            None
        };
        let rules = match &ignore {
            Some(p) => {
                let data = std::fs::read(p).map_err(|e| Failure::Input(format!("{}: {e}", p.display())))?;
                Some(
                    RuleSet::parse(&data)
                        .map_err(|e| Failure::Rules(format!("service {name}: {}: {e}", p.display())))?,
                )
            }
            None => None,
        };
        let full = transfer(tree, &TransferOptions { rules: rules.as_ref(), follow_paths: None });
        if let Some(e) = &full.error {
            warnings.push(format!("docker build would fail: {e}"));
        }
        let (transfer_bytes, follow_paths) = match std::fs::read(&df_path) {
            Ok(df) => match context_use(&df, &BuildOptions { build_args: args, target }) {
                Ok(cu) if !cu.context_used => (Some(0), None),
                Ok(cu) => match &cu.follow_paths {
                    None => (Some(full.totals.file_bytes), None),
                    Some(fp) => {
                        let t = transfer(tree, &TransferOptions { rules: rules.as_ref(), follow_paths: Some(fp) });
                        (Some(t.totals.file_bytes), Some(fp.clone()))
                    }
                },
                Err(e) => {
                    warnings.push(format!("Dockerfile rejected: {e}"));
                    (None, None)
                }
            },
            Err(e) => {
                warnings.push(format!("cannot read {}: {e}", df_path.display()));
                (None, None)
            }
        };
        out.push(ServiceBuild {
            service: name,
            context: ctx_abs.display().to_string(),
            dockerfile: df_path.display().to_string(),
            ignore_file: ignore.map(|p| p.display().to_string()),
            context_bytes: full.totals.file_bytes,
            context_files: full.totals.files,
            transfer_bytes,
            follow_paths,
            levels_up,
            shared_with: Vec::new(),
            warnings,
        });
    }
    let contexts: Vec<(String, String)> = out.iter().map(|s| (s.service.clone(), s.context.clone())).collect();
    for s in &mut out {
        s.shared_with =
            contexts.iter().filter(|(n, c)| *c == s.context && *n != s.service).map(|(n, _)| n.clone()).collect();
    }
    Ok((project_dir, out))
}

#[cfg(test)]
mod tests {
    use super::interpolate;

    #[test]
    fn interpolation_follows_compose() {
        let vars = |k: &str| match k {
            "SET" => Some("v".to_string()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        assert_eq!(interpolate("a/${SET}/$SET/$$x", &vars).unwrap(), "a/v/v/$x");
        assert_eq!(interpolate("${UNSET:-d} ${EMPTY:-d} ${EMPTY-d}", &vars).unwrap(), "d d ");
        assert_eq!(interpolate("${SET:+y}${UNSET:+n}", &vars).unwrap(), "y");
        assert!(interpolate("${UNSET:?need it}", &vars).is_err());
        assert!(interpolate("${SET", &vars).is_err());
    }
}
