//! Catalogues: what usually is junk in a build context, and what looks like
//! a credential. Names only — the engine decides what a rule really does.

use serde::Serialize;

/// What a junk entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JunkKind {
    /// Version-control metadata.
    Vcs,
    /// Installed dependencies the image installs itself.
    Dependencies,
    /// Build output the image can build itself.
    BuildOutput,
    /// Caches of tools.
    Cache,
    /// Test results, coverage, profiles, test binaries.
    TestOutput,
    /// Logs and temporary files.
    Temporary,
    /// Editor and OS litter.
    Editor,
}

/// How a catalogue entry matches a name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Name {
    /// The whole name.
    Exact(&'static str),
    /// The name ends with this (`*.log`); the name is longer than the suffix.
    Suffix(&'static str),
}

impl Name {
    pub(crate) fn matches(self, name: &[u8]) -> bool {
        match self {
            Name::Exact(n) => name == n.as_bytes(),
            Name::Suffix(s) => name.len() > s.len() && name.ends_with(s.as_bytes()),
        }
    }

    /// The Docker pattern for this name at any depth.
    pub(crate) fn any_depth(self) -> String {
        match self {
            Name::Exact(n) => format!("**/{n}"),
            Name::Suffix(s) => format!("**/*{s}"),
        }
    }

    /// The Docker pattern for this name at the root only (directories get a
    /// trailing `/`, which Docker cleans away).
    pub(crate) fn root(self, dir: bool) -> String {
        match self {
            Name::Exact(n) if dir => format!("{n}/"),
            Name::Exact(n) => n.to_string(),
            Name::Suffix(s) => format!("*{s}"),
        }
    }
}

/// One kind of junk.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Junk {
    pub(crate) name: Name,
    /// Only directories match (`None`: files and directories).
    pub(crate) dir_only: bool,
    /// Only at the context root's level.
    pub(crate) top_only: bool,
    pub(crate) kind: JunkKind,
    /// What it is, for the reason text.
    pub(crate) what: &'static str,
    /// When excluding it can hurt.
    pub(crate) caveat: Option<&'static str>,
}

const fn j(name: Name, dir_only: bool, kind: JunkKind, what: &'static str) -> Junk {
    Junk { name, dir_only, top_only: false, kind, what, caveat: None }
}

const fn jc(name: Name, dir_only: bool, kind: JunkKind, what: &'static str, caveat: &'static str) -> Junk {
    Junk { name, dir_only, top_only: false, kind, what, caveat: Some(caveat) }
}

const fn top(name: Name, kind: JunkKind, what: &'static str) -> Junk {
    Junk { name, dir_only: true, top_only: true, kind, what, caveat: None }
}

use JunkKind::*;
use Name::{Exact, Suffix};

pub(crate) const JUNK: &[Junk] = &[
    jc(Exact(".git"), false, Vcs, "git metadata", "keep it if the build runs git (version stamps)"),
    j(Exact(".hg"), true, Vcs, "Mercurial metadata"),
    j(Exact(".svn"), true, Vcs, "Subversion metadata"),
    j(Exact("node_modules"), true, Dependencies, "installed npm packages (the image should install its own)"),
    j(Exact("bower_components"), true, Dependencies, "installed Bower packages"),
    j(Exact(".venv"), true, Dependencies, "a Python virtualenv"),
    j(Exact("venv"), true, Dependencies, "a Python virtualenv"),
    j(Exact(".terraform"), true, Dependencies, "Terraform providers and modules"),
    j(Exact(".pnpm-store"), true, Cache, "the pnpm store"),
    j(Exact("__pycache__"), true, Cache, "Python bytecode caches"),
    j(Exact(".pytest_cache"), true, Cache, "pytest caches"),
    j(Exact(".mypy_cache"), true, Cache, "mypy caches"),
    j(Exact(".ruff_cache"), true, Cache, "ruff caches"),
    j(Exact(".tox"), true, Cache, "tox environments"),
    j(Exact(".nox"), true, Cache, "nox environments"),
    j(Exact(".gradle"), true, Cache, "Gradle caches"),
    j(Exact(".next"), true, BuildOutput, "Next.js build output and cache"),
    j(Exact(".nuxt"), true, BuildOutput, "Nuxt build output"),
    j(Exact(".svelte-kit"), true, BuildOutput, "SvelteKit build output"),
    j(Exact(".turbo"), true, Cache, "Turborepo caches"),
    j(Exact(".parcel-cache"), true, Cache, "Parcel caches"),
    j(Exact(".angular"), true, Cache, "Angular CLI caches"),
    jc(
        Exact("target"),
        true,
        BuildOutput,
        "Cargo/Maven build output",
        "keep it if the Dockerfile copies built artefacts",
    ),
    jc(Exact("dist"), true, BuildOutput, "build output", "keep it if the Dockerfile copies prebuilt files"),
    jc(
        Exact("build"),
        true,
        BuildOutput,
        "build output",
        "keep it if it holds sources or prebuilt files the image needs",
    ),
    j(Exact("obj"), true, BuildOutput, ".NET intermediate output"),
    j(Exact("storybook-static"), true, BuildOutput, "a Storybook build"),
    j(Exact("coverage"), true, TestOutput, "coverage reports"),
    j(Exact("htmlcov"), true, TestOutput, "coverage reports"),
    j(Exact(".nyc_output"), true, TestOutput, "coverage data"),
    j(Exact("test-results"), true, TestOutput, "test results"),
    j(Exact("test-output"), true, TestOutput, "test output"),
    j(Exact("test-reports"), true, TestOutput, "test reports"),
    j(Exact("playwright-report"), true, TestOutput, "Playwright reports"),
    j(Exact("allure-results"), true, TestOutput, "Allure results"),
    top(Suffix("-results"), TestOutput, "results of test or audit runs"),
    top(Suffix("_results"), TestOutput, "results of test or audit runs"),
    top(Suffix("-reports"), TestOutput, "reports of test or audit runs"),
    j(Suffix(".test"), false, TestOutput, "Go test binaries"),
    j(Suffix(".out"), false, TestOutput, "coverage and profile output"),
    j(Suffix(".prof"), false, TestOutput, "profiles"),
    j(Suffix(".pprof"), false, TestOutput, "profiles"),
    j(Exact(".coverage"), false, TestOutput, "coverage data"),
    j(Suffix(".log"), false, Temporary, "log files"),
    j(Suffix(".pyc"), false, Cache, "Python bytecode"),
    j(Suffix(".tsbuildinfo"), false, Cache, "TypeScript incremental build info"),
    j(Suffix(".swp"), false, Editor, "editor swap files"),
    j(Exact(".DS_Store"), false, Editor, "macOS Finder metadata"),
    j(Exact("Thumbs.db"), false, Editor, "Windows thumbnail caches"),
    j(Exact(".idea"), true, Editor, "JetBrains project settings"),
    j(Exact(".vscode"), true, Editor, "VS Code settings"),
];

/// Directory names under which keys, env files and logs are usually test
/// material, committed on purpose.
pub(crate) const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "testdata",
    "test-data",
    "test_data",
    "testing",
    "fixtures",
    "fixture",
    "__fixtures__",
    "__tests__",
    "spec",
    "specs",
    "e2e",
    "integration",
    "examples",
    "example",
    "samples",
    "sample",
    "docs",
    "doc",
    "mocks",
    "mock",
    "__mocks__",
    "data_fixtures",
    ".github",
    ".gitlab",
    ".circleci",
];

/// Whether a path lies under a test, example, docs or CI directory.
pub(crate) fn under_test_dir(path: &[u8]) -> bool {
    let comps: Vec<&[u8]> = path.split(|&b| b == b'/').collect();
    comps[..comps.len().saturating_sub(1)].iter().any(|c| TEST_DIRS.iter().any(|t| t.as_bytes() == *c))
}

/// The junk entry a node's name belongs to (`is_dir`: whether it is a
/// directory; `top`: at the context root's level).
pub(crate) fn junk_of(name: &[u8], is_dir: bool, top: bool) -> Option<&'static Junk> {
    JUNK.iter().find(|j| (!j.dir_only || is_dir) && (!j.top_only || top) && j.name.matches(name))
}

/// Whether a name is common junk in a build context, and which kind.
pub fn is_junk_name(name: &[u8], is_dir: bool) -> Option<JunkKind> {
    junk_of(name, is_dir, false).map(|j| j.kind)
}

/// A kind of secret.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Secret {
    /// What one is, and what several are.
    pub(crate) label: (&'static str, &'static str),
    /// Info (may hold a token) rather than warning.
    pub(crate) maybe: bool,
}

const ENV: Secret = Secret { label: ("env file", "env files"), maybe: false };
const ENV_LOCAL: Secret = Secret { label: ("local env file", "local env files"), maybe: false };
const SSH: Secret = Secret { label: ("SSH private key", "SSH private keys"), maybe: false };
const KEYS: Secret = Secret { label: ("private key or keystore", "private keys and keystores"), maybe: false };
const CREDS: Secret = Secret { label: ("credential file", "credential files"), maybe: false };
const CLOUD: Secret = Secret { label: ("cloud or cluster credential", "cloud and cluster credentials"), maybe: false };
const REGISTRY: Secret = Secret { label: ("package-registry config", "package-registry configs"), maybe: true };

/// Names that are templates, not secrets.
const TEMPLATE_SUFFIXES: &[&str] =
    &[".example", ".sample", ".template", ".dist", ".tmpl", ".tpl", ".erb", ".defaults", ".default", ".schema", ".j2"];

/// The secret kind of a sent file, by its path; `None` when it does not look
/// like one (templates and test material are left alone).
pub(crate) fn secret_of(path: &[u8]) -> Option<(Secret, String)> {
    let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    let s = std::str::from_utf8(name).ok()?;
    if TEMPLATE_SUFFIXES.iter().any(|t| s.ends_with(t)) || under_test_dir(path) {
        return None;
    }
    let parent: Option<&[u8]> = path.iter().rposition(|&b| b == b'/').map(|i| {
        let p = &path[..i];
        p.rsplit(|&b| b == b'/').next().unwrap_or(p)
    });
    let comps = |c: &str| path.split(|&b| b == b'/').any(|x| x == c.as_bytes());
    if s == ".env" {
        return Some((ENV, "**/.env".into()));
    }
    if s.starts_with(".env") && s.ends_with(".local") {
        return Some((ENV_LOCAL, "**/.env*.local".into()));
    }
    if matches!(s, "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519") {
        return Some((SSH, format!("**/{s}")));
    }
    let lower = s.to_ascii_lowercase();
    if lower.ends_with(".pem") && (lower.contains("key") || lower.contains("priv")) {
        return Some((KEYS, "**/*key*.pem".into()));
    }
    for ext in [".key", ".p12", ".pfx", ".jks", ".keystore"] {
        if lower.ends_with(ext) && lower.len() > ext.len() {
            return Some((KEYS, format!("**/*{ext}")));
        }
    }
    if matches!(s, ".netrc" | "_netrc" | ".git-credentials" | ".pgpass" | ".htpasswd" | ".dockercfg") {
        return Some((CREDS, format!("**/{s}")));
    }
    if s.ends_with(".tfstate") || s.ends_with(".tfstate.backup") {
        return Some((CREDS, "**/*.tfstate*".into()));
    }
    if comps(".aws") || comps(".ssh") || comps(".kube") || comps(".gnupg") {
        let dir = [".aws", ".ssh", ".kube", ".gnupg"].into_iter().find(|d| comps(d)).unwrap_or(".aws");
        return Some((CLOUD, format!("**/{dir}")));
    }
    if s == "config.json" && parent == Some(b".docker") {
        return Some((CLOUD, "**/.docker/config.json".into()));
    }
    if matches!(s, ".npmrc" | ".pypirc" | ".yarnrc.yml" | ".gem/credentials") {
        return Some((REGISTRY, format!("**/{s}")));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_by_name_templates_and_test_material_excluded() {
        let rule = |p: &str| secret_of(p.as_bytes()).map(|(_, r)| r);
        assert_eq!(rule(".env").as_deref(), Some("**/.env"));
        assert_eq!(rule("web/.env.production.local").as_deref(), Some("**/.env*.local"));
        assert_eq!(rule("deploy/id_ed25519").as_deref(), Some("**/id_ed25519"));
        assert_eq!(rule("config/master.key").as_deref(), Some("**/*.key"));
        assert_eq!(rule("home/.aws/credentials").as_deref(), Some("**/.aws"));
        assert_eq!(rule(".env.example"), None);
        assert_eq!(rule(".env.production"), None, "committed by convention");
        assert_eq!(rule("test/certs/server.key"), None);
        assert_eq!(rule("certs/ca-bundle.pem"), None, "certificates are public");
        assert!(secret_of(b".npmrc").unwrap().0.maybe);
    }

    #[test]
    fn junk_by_name() {
        assert_eq!(is_junk_name(b"node_modules", true), Some(JunkKind::Dependencies));
        assert_eq!(is_junk_name(b"node_modules", false), None, "only directories");
        assert_eq!(is_junk_name(b"svc.test", false), Some(JunkKind::TestOutput));
        assert!(junk_of(b"audit-results", true, true).is_some());
        assert!(junk_of(b"search-results", true, false).is_none(), "only at the root");
        assert!(is_junk_name(b"main.go", false).is_none());
    }
}
