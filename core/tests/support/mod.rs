//! Shared helpers for the data-driven conformance tests.
#![allow(dead_code)]

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use serde_json::Value;

/// The conformance corpus, from core's tests or from a sibling crate's.
pub fn fixtures() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let own = here.join("tests/fixtures/conformance");
    if own.is_dir() { own } else { here.join("../core/tests/fixtures/conformance") }
}

/// Reads a JSON Lines fixture (split on `\n` only: strings may hold U+0085).
pub fn jsonl(name: &str) -> Vec<Value> {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.split('\n')
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{name} line {}: {e}", i + 1)))
        .collect()
}

/// Collects failures so that one run reports every failing case.
#[derive(Default)]
pub struct Failures(pub Vec<String>);

impl Failures {
    pub fn check(&mut self, id: &str, what: &str, ok: bool, detail: impl FnOnce() -> String) {
        if !ok {
            self.0.push(format!("{id}: {what}: {}", detail()));
        }
    }

    pub fn assert_none(self, total: usize) {
        if !self.0.is_empty() {
            let shown: Vec<_> = self.0.iter().take(60).cloned().collect();
            panic!("{} of {total} checks failed:\n{}", self.0.len(), shown.join("\n"));
        }
    }
}

/// Creates the case's tree under `root`, as the generator did.
pub fn materialise(root: &Path, tree: &[Value]) {
    for e in tree {
        let p = root.join(e["path"].as_str().unwrap());
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        match e["type"].as_str().unwrap() {
            "dir" => std::fs::create_dir_all(&p).unwrap(),
            "file" => {
                if let Some(c) = e["content"].as_str() {
                    std::fs::write(&p, c).unwrap();
                } else {
                    let f = std::fs::File::create(&p).unwrap();
                    f.set_len(e["size"].as_u64().unwrap_or(0)).unwrap();
                }
            }
            "symlink" => symlink(e["target"].as_str().unwrap(), &p).unwrap(),
            "hardlink" => std::fs::hard_link(root.join(e["target"].as_str().unwrap()), &p).unwrap(),
            t => panic!("unknown type {t}"),
        }
        let mode = e["mode"].as_str().map(|m| u32::from_str_radix(m, 8).unwrap());
        let mode = match (e["type"].as_str().unwrap(), mode) {
            ("symlink", _) => None,
            (_, Some(m)) => Some(m),
            ("dir", None) => Some(0o755),
            (_, None) => Some(0o644),
        };
        if let Some(m) = mode {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
        }
    }
    // Implied directories get 0755 too (create_dir_all honours the umask).
    for e in tree {
        let mut p = Path::new(e["path"].as_str().unwrap()).parent();
        while let Some(d) = p.filter(|d| !d.as_os_str().is_empty()) {
            let full = root.join(d);
            let explicit = tree.iter().any(|x| x["path"] == d.to_str().unwrap() && x["mode"].is_string());
            if !explicit {
                std::fs::set_permissions(&full, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
            p = d.parent();
        }
    }
}
