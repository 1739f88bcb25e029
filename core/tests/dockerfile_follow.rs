//! Conformance: every case of `dockerfile_follow.jsonl` (golden data produced
//! by BuildKit's own Dockerfile frontend) must give the same `context_used`,
//! `follow_paths` and error category. All failures are reported at once.

use std::collections::BTreeMap;

use ctxlens_core::dockerfile::{BuildOptions, context_use};
use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/conformance/dockerfile_follow.jsonl");

fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_array().map(|a| a.iter().map(|s| s.as_str().unwrap_or_default().to_owned()).collect())
}

#[test]
fn dockerfile_follow_corpus() {
    let text = std::fs::read_to_string(CORPUS).expect("corpus is readable");
    let mut total = 0usize;
    let mut failures: Vec<String> = Vec::new();
    // Split on '\n' only: values may hold U+0085 and other Unicode line breaks.
    for (n, line) in text.split('\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        total += 1;
        let case: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("line {}: not JSON: {e}", n + 1));
                continue;
            }
        };
        let id = case["id"].as_str().unwrap_or("?").to_owned();
        let dockerfile = case["dockerfile"].as_str().unwrap_or_default();
        let mut build_args = BTreeMap::new();
        if let Some(obj) = case["build_args"].as_object() {
            for (k, v) in obj {
                build_args.insert(k.clone(), v.as_str().unwrap_or_default().to_owned());
            }
        }
        let opts = BuildOptions { build_args, target: case["target"].as_str().map(str::to_owned) };
        let want_used = case["context_used"].as_bool().unwrap_or(false);
        let want_paths = string_list(&case["follow_paths"]);
        let want_err = case["error"]["category"].as_str().map(str::to_owned);

        match (context_use(dockerfile.as_bytes(), &opts), want_err) {
            (Ok(got), None) => {
                if got.context_used != want_used || got.follow_paths != want_paths {
                    failures.push(format!(
                        "{id}: want used={want_used} paths={want_paths:?}, got used={} paths={:?}",
                        got.context_used, got.follow_paths
                    ));
                }
            }
            (Ok(got), Some(cat)) => {
                failures.push(format!(
                    "{id}: want error {cat}, got used={} paths={:?}",
                    got.context_used, got.follow_paths
                ));
            }
            (Err(e), None) => {
                failures
                    .push(format!("{id}: want used={want_used} paths={want_paths:?}, got error {}: {e}", e.category()));
            }
            (Err(e), Some(cat)) => {
                if e.category() != cat {
                    failures.push(format!("{id}: want error {cat}, got error {}: {e}", e.category()));
                }
            }
        }
    }
    assert_eq!(total, 147, "the corpus has 147 cases");
    assert!(failures.is_empty(), "{} of {total} cases fail:\n{}", failures.len(), failures.join("\n"));
}

/// Pathological shapes: deep nesting, very long lines, many instructions.
#[test]
fn pathological_inputs_never_panic() {
    let opts = BuildOptions::default();
    let inputs: Vec<Vec<u8>> = vec![
        format!("FROM a\n{}COPY a b\n", "ONBUILD ".repeat(8000)).into_bytes(),
        format!("FROM a\nCOPY {}x{} /y\n", "${a:-".repeat(10_000), "}".repeat(10_000)).into_bytes(),
        format!("FROM a\nCOPY {}x{} /y\n", "${a:-\"".repeat(8_000), "\"}".repeat(8_000)).into_bytes(),
        format!("FROM a\nRUN [{}]\n", "[".repeat(20_000)).into_bytes(),
        format!("FROM a\nCOPY {} /y\n", "x".repeat(70_000)).into_bytes(),
        format!("FROM a\nCOPY <<{} /y\n", "E".repeat(60_000)).into_bytes(),
        (0..3000)
            .map(|i| format!("FROM a AS s{i}\nCOPY --from=s{} f /\n", i.max(1) - 1))
            .collect::<String>()
            .into_bytes(),
        vec![0xFF; 100_000],
        b"\\\n".repeat(30_000),
    ];
    for input in &inputs {
        let _ = context_use(input, &opts);
        let _ = ctxlens_core::dockerfile::parse(input);
    }
}

/// A deterministic generator of hostile inputs: random bytes, and Dockerfile
/// fragments glued together with random separators. Nothing may panic.
#[test]
fn random_input_never_panics() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const PIECES: &[&str] = &[
        "FROM ",
        "alpine",
        " AS ",
        "b",
        "\n",
        "\r\n",
        "COPY ",
        "ADD ",
        "RUN ",
        "--mount=",
        "type=bind,",
        "source=",
        "target=/x",
        "--from=",
        "0",
        "$",
        "${",
        "}",
        ":-",
        ":?",
        ":+",
        "#",
        "%",
        "/",
        "\\",
        "`",
        "\"",
        "'",
        "<<",
        "EOF",
        "-",
        "[",
        "]",
        ",",
        "ARG ",
        "ENV ",
        "=",
        "ONBUILD ",
        "# escape=`\n",
        "# check=error=true\n",
        "\u{feff}",
        "\u{85}",
        "\u{a0}",
        "é",
        "\t",
        " ",
        "*",
        "..",
        ".",
        "http://",
        "git@h:r",
        "--chmod=",
        "--parents ",
        "WORKDIR ",
        "EXPOSE ",
        "80/tcp",
        "HEALTHCHECK ",
        "CMD ",
        "SHELL ",
        "[\"a\"]",
        "scratch",
        "example/onbuild",
        "\0",
    ];
    let targets = [None, Some("b".to_owned()), Some("nope".to_owned())];
    for round in 0..4000u32 {
        let mut input: Vec<u8> = Vec::new();
        let len = (next() % 60) as usize;
        for _ in 0..len {
            let r = next();
            if r % 5 == 0 {
                input.push((r >> 8) as u8);
            } else {
                let piece = PIECES[(r >> 8) as usize % PIECES.len()];
                input.extend_from_slice(piece.as_bytes());
            }
        }
        if round % 3 == 0 {
            let mut with_from = b"FROM alpine\n".to_vec();
            with_from.extend_from_slice(&input);
            input = with_from;
        }
        let mut build_args = BTreeMap::new();
        if next() % 2 == 0 {
            build_args.insert("A".to_owned(), "x y".to_owned());
        }
        let opts = BuildOptions { build_args, target: targets[(next() % 3) as usize].clone() };
        let _ = context_use(&input, &opts);
        let _ = ctxlens_core::dockerfile::parse(&input);
    }
}
