//! Shared helpers for the data-driven conformance tests.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

/// Reads a JSON Lines fixture (split on `\n` only: strings may hold U+0085).
pub fn jsonl(name: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conformance").join(name);
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
