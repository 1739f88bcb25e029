//! The Dockerfile line parser (BuildKit `frontend/dockerfile/parser`): lines,
//! continuations, comments, parser directives, heredocs, and the per
//! instruction argument splitting. Produces one [`Node`] per instruction.

use std::sync::OnceLock;

use regex::bytes::Regex;

use super::golike;
use super::json::{self, JsonArray};
use super::lex::{Lex, NoEnv};

/// `bufio.MaxScanTokenSize`: a line this long (without its newline) stops
/// the scanner.
const MAX_LINE: usize = 64 * 1024;

/// A heredoc attached to an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heredoc {
    pub(crate) name: String,
    pub(crate) expand: bool,
    pub(crate) chomp: bool,
    pub(crate) content: Vec<u8>,
}

/// One instruction as the line parser sees it.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// The instruction word as written.
    pub(crate) value: Vec<u8>,
    /// The arguments (`nodeArgs`); for ONBUILD the sub-instruction's word
    /// followed by its arguments.
    pub(crate) args: Vec<Vec<u8>>,
    /// ONBUILD's sub-instruction.
    pub(crate) child: Option<Box<Node>>,
    /// Exec (JSON) form.
    pub(crate) json: bool,
    /// The whole logical line (continuations joined).
    pub(crate) original: Vec<u8>,
    /// `--flags` before the arguments (as BuildKit builds them, each byte
    /// taken as a Latin-1 rune).
    pub(crate) flags: Vec<String>,
    pub(crate) heredocs: Vec<Heredoc>,
    pub(crate) start_line: usize,
    pub(crate) end_line: usize,
    pub(crate) prev_comment: Vec<String>,
}

/// The parse of a whole file.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub(crate) nodes: Vec<Node>,
    pub(crate) escape: char,
    /// Lines where an empty continuation line was found (NoEmptyContinuation).
    pub(crate) empty_continuations: Vec<usize>,
}

/// A line parser error (category `syntax`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub(crate) message: String,
    pub(crate) line: usize,
    pub(crate) text: Option<String>,
}

/// Parser directive state (`directives` + `DirectiveParser`).
struct Directives {
    escape: u8,
    done: bool,
    seen: Vec<String>,
}

/// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` with Go's ASCII `\s`.
pub(crate) fn match_directive(line: &[u8]) -> Option<(String, Vec<u8>)> {
    let is_ws = |b: u8| matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ');
    let rest = line.strip_prefix(b"#")?;
    let mut i = 0;
    while rest.get(i).copied().is_some_and(is_ws) {
        i += 1;
    }
    let key_start = i;
    if !rest.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    while rest.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        i += 1;
    }
    let key = std::str::from_utf8(rest.get(key_start..i)?).ok()?.to_ascii_lowercase();
    while rest.get(i).copied().is_some_and(is_ws) {
        i += 1;
    }
    if rest.get(i) != Some(&b'=') {
        return None;
    }
    let after = rest.get(i + 1..)?;
    if after.is_empty() || after.contains(&b'\n') {
        return None;
    }
    // Greedy `\s*` then a lazy non-empty value then `\s*$`.
    let mut start = 0;
    while after.get(start).copied().is_some_and(is_ws) {
        start += 1;
    }
    let mut end = after.len();
    while end > start && after.get(end - 1).copied().is_some_and(is_ws) {
        end -= 1;
    }
    if start == after.len() {
        // Only whitespace: the value is its last character.
        start = after.len() - 1;
        end = after.len();
    }
    Some((key, after.get(start..end)?.to_vec()))
}

impl Directives {
    fn new() -> Directives {
        Directives { escape: b'\\', done: false, seen: Vec::new() }
    }

    fn possible(&mut self, line: &[u8]) -> Result<(), String> {
        if self.done {
            return Ok(());
        }
        let Some((key, value)) = match_directive(line) else {
            self.done = true;
            return Ok(());
        };
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            self.done = true;
            return Ok(());
        }
        if self.seen.contains(&key) {
            return Err(format!("only one {key} parser directive can be used"));
        }
        self.seen.push(key.clone());
        if key == "escape" {
            match value.as_slice() {
                b"`" => self.escape = b'`',
                b"\\" => self.escape = b'\\',
                _ => {
                    return Err(format!("invalid escape token '{}' does not match ` or \\", golike::lossy(&value)));
                }
            }
        }
        Ok(())
    }
}

/// `parser.ParseDirective(key, dt)`: the first word of a directive's value,
/// read the way BuildKit reads `# check=` before parsing.
pub(crate) fn parse_directive(key: &str, dt: &[u8]) -> Option<String> {
    let dt = dt.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(dt);
    let first_end = dt.iter().position(|&b| b == b'\n').unwrap_or(dt.len());
    let dt = if dt.starts_with(b"#!") { dt.get(first_end + 1..).unwrap_or_default() } else { dt };
    let mut seen: Vec<String> = Vec::new();
    let mut found: Option<Vec<u8>> = None;
    let mut start = 0;
    while start < dt.len() {
        let rest = dt.get(start..).unwrap_or_default();
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (rest.get(..i).unwrap_or_default(), start + i + 1),
            None => (rest, dt.len()),
        };
        if line.len() >= MAX_LINE {
            break;
        }
        // bufio.ScanLines drops a trailing \r.
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some((k, v)) = match_directive(line) else {
            break;
        };
        if !matches!(k.as_str(), "syntax" | "escape" | "check") || seen.contains(&k) {
            break;
        }
        if k == key && found.is_none() {
            found = Some(v);
        }
        seen.push(k);
        start = next;
    }
    let v = found?;
    let first = v.split(|&b| b == b' ').next().unwrap_or_default();
    Some(golike::lossy(first))
}

fn trim_newline(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && matches!(b.get(end - 1), Some(b'\r' | b'\n')) {
        end -= 1;
    }
    b.get(..end).unwrap_or_default()
}

fn is_comment(line: &[u8]) -> bool {
    golike::trim_left_space(trim_newline(line)).starts_with(b"#")
}

fn is_empty_continuation_line(line: &[u8]) -> bool {
    golike::trim_left_space(trim_newline(line)).is_empty()
}

/// `processLine`: the line without its newline (left-trimmed on request),
/// comments removed, and checked for a parser directive.
fn process_line(d: &mut Directives, token: &[u8], strip_left: bool) -> (Vec<u8>, Result<(), String>) {
    let mut t = trim_newline(token);
    if strip_left {
        t = golike::trim_left_space(t);
    }
    let res = d.possible(t);
    let out = if t.starts_with(b"#") { Vec::new() } else { t.to_vec() };
    (out, res)
}

/// `trimContinuationCharacter`: `(line, isEndOfLine)`.
fn trim_continuation(line: &[u8], esc: u8) -> (&[u8], bool) {
    let mut end = line.len();
    while end > 0 && matches!(line.get(end - 1), Some(b' ' | b'\t')) {
        end -= 1;
    }
    if end == 0 || line.get(end - 1) != Some(&esc) {
        return (line, true);
    }
    let esc_pos = end - 1;
    if esc_pos > 0 && line.get(esc_pos - 1) == Some(&esc) {
        return (line, true);
    }
    (line.get(..esc_pos).unwrap_or_default(), false)
}

/// The scanner's tokens: lines including their `\n`, and whether a line was
/// too long (which ends the scan there).
fn scan_lines(dt: &[u8]) -> (Vec<&[u8]>, bool) {
    let mut toks = Vec::new();
    let mut start = 0;
    while start < dt.len() {
        let rest = dt.get(start..).unwrap_or_default();
        match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                if i >= MAX_LINE {
                    return (toks, true);
                }
                toks.push(rest.get(..=i).unwrap_or_default());
                start += i + 1;
            }
            None => {
                if rest.len() >= MAX_LINE {
                    return (toks, true);
                }
                toks.push(rest);
                break;
            }
        }
    }
    (toks, false)
}

/// `parser.Parse`.
pub(crate) fn parse(dt: &[u8]) -> Result<Parsed, ParseError> {
    let mut d = Directives::new();
    let (tokens, too_long) = scan_lines(dt);
    let mut it = tokens.into_iter();
    let mut current_line = 0usize;
    let mut nodes: Vec<Node> = Vec::new();
    let mut comments: Vec<String> = Vec::new();
    let mut empty_continuations = Vec::new();
    let err = |message: String, line: usize, text: Option<&[u8]>| ParseError {
        message,
        line: line.max(1),
        text: text.map(golike::lossy),
    };

    while let Some(tok) = it.next() {
        let mut bytes_read = tok;
        if current_line == 0 {
            bytes_read = bytes_read.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes_read);
        }
        if is_comment(bytes_read) {
            let comment = golike::lossy(golike::trim_space(bytes_read.get(1..).unwrap_or_default()));
            if comment.is_empty() {
                comments.clear();
            } else {
                comments.push(comment);
            }
        }
        let (processed, res) = process_line(&mut d, bytes_read, true);
        if let Err(e) = res {
            return Err(err(e, current_line + 1, Some(trim_newline(bytes_read))));
        }
        current_line += 1;
        let start_line = current_line;
        let (first, mut is_end) = trim_continuation(&processed, d.escape);
        if is_end && first.is_empty() {
            continue;
        }
        let mut line = first.to_vec();
        let mut has_empty_continuation = false;
        while !is_end {
            let Some(tok) = it.next() else { break };
            let (processed, res) = process_line(&mut d, tok, false);
            if let Err(e) = res {
                return Err(err(e, current_line + 1, Some(trim_newline(tok))));
            }
            current_line += 1;
            if is_comment(tok) {
                continue;
            }
            if is_empty_continuation_line(&processed) {
                has_empty_continuation = true;
                continue;
            }
            let (part, end) = trim_continuation(&processed, d.escape);
            is_end = end;
            line.extend_from_slice(part);
        }
        if has_empty_continuation {
            empty_continuations.push(current_line);
        }

        let mut child = new_node_from_line(&line, d.escape, std::mem::take(&mut comments))
            .map_err(|e| err(e, start_line, Some(&line)))?;

        if child.can_contain_heredoc() && line.windows(2).any(|w| w == b"<<") {
            let heredocs = heredocs_from_line(&line).map_err(|e| err(e, start_line, Some(&line)))?;
            for mut h in heredocs {
                let mut terminated = false;
                for tok in it.by_ref() {
                    current_line += 1;
                    let mut possible = trim_newline(tok);
                    if h.chomp {
                        while let Some(rest) = possible.strip_prefix(b"\t") {
                            possible = rest;
                        }
                    }
                    if possible == h.name.as_bytes() {
                        terminated = true;
                        break;
                    }
                    h.content.extend_from_slice(tok);
                }
                if !terminated {
                    return Err(err("unterminated heredoc".into(), start_line, Some(&line)));
                }
                child.heredocs.push(h);
            }
        }
        child.start_line = start_line;
        child.end_line = current_line;
        nodes.push(child);
    }

    if nodes.is_empty() {
        return Err(err("file with no instructions".into(), current_line, None));
    }
    if too_long {
        return Err(err(
            format!("dockerfile line greater than max allowed size of {}", MAX_LINE - 1),
            current_line + 1,
            None,
        ));
    }
    Ok(Parsed { nodes, escape: char::from(d.escape), empty_continuations })
}

impl Node {
    /// `canContainHeredoc`: RUN, COPY and ADD (also under ONBUILD), not in
    /// exec form.
    fn can_contain_heredoc(&self) -> bool {
        let mut node = self;
        if golike::to_lower(&self.value) == b"onbuild"
            && let Some(c) = &self.child
        {
            node = c;
        }
        matches!(golike::to_lower(&node.value).as_slice(), b"add" | b"copy" | b"run") && !node.json
    }
}

/// `[\t\v\f\r ]+` split (Go `reWhitespace.Split(s, n)`; `n == 0` means all).
fn split_ws(s: &[u8], n: usize) -> Vec<&[u8]> {
    let is_ws = |b: u8| matches!(b, b'\t' | 0x0B | 0x0C | b'\r' | b' ');
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < s.len() {
        if n != 0 && out.len() + 1 == n {
            break;
        }
        if s.get(i).copied().is_some_and(is_ws) {
            out.push(s.get(start..i).unwrap_or_default());
            while s.get(i).copied().is_some_and(is_ws) {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(s.get(start..).unwrap_or_default());
    out
}

/// `extractBuilderFlags`: leading `--flag` words, quotes and escapes
/// removed; each byte becomes the rune of the same value (as Go's
/// `WriteRune(rune(line[pos]))` does).
fn extract_builder_flags(line: &[u8], esc: u8) -> (&[u8], Vec<String>) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut sb = String::new();
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut ch = 0u8;
    let mut pos = 0usize;
    while pos <= line.len() {
        if let Some(&c) = line.get(pos) {
            ch = c;
        }
        if phase == Phase::Spaces {
            if pos == line.len() {
                break;
            }
            if golike::is_space_byte(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || line.get(pos + 1) != Some(&b'-') {
                return (line.get(pos..).unwrap_or_default(), words);
            }
            phase = Phase::Word;
        }
        if pos == line.len() {
            if sb != "--" && (blank_ok || !sb.is_empty()) {
                words.push(sb);
            }
            break;
        }
        if phase == Phase::Word {
            if golike::is_space_byte(ch) {
                phase = Phase::Spaces;
                if sb == "--" {
                    return (line.get(pos..).unwrap_or_default(), words);
                }
                if blank_ok || !sb.is_empty() {
                    words.push(std::mem::take(&mut sb));
                }
                sb.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            if ch == esc {
                if pos + 1 == line.len() {
                    pos += 1;
                    continue;
                }
                pos += 1;
                ch = line.get(pos).copied().unwrap_or(ch);
            }
            sb.push(char::from(ch));
            pos += 1;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        if ch == esc {
            if pos + 1 == line.len() {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            ch = line.get(pos).copied().unwrap_or(ch);
        }
        sb.push(char::from(ch));
        pos += 1;
    }
    (&[], words)
}

/// `splitCommand`: instruction word, flags, remaining arguments.
fn split_command(line: &[u8], esc: u8) -> (&[u8], Vec<String>, &[u8]) {
    let trimmed = golike::trim_space(line);
    let parts = split_ws(trimmed, 2);
    let cmd = parts.first().copied().unwrap_or_default();
    let (args, flags) = match parts.get(1) {
        Some(rest) => extract_builder_flags(rest, esc),
        None => (&[][..], Vec::new()),
    };
    (cmd, flags, golike::trim_space(args))
}

/// What a per-instruction line parser returns: arguments and exec form.
struct Args {
    args: Vec<Vec<u8>>,
    json: bool,
}

impl Args {
    fn none() -> Args {
        Args { args: Vec::new(), json: false }
    }

    fn list(args: Vec<Vec<u8>>) -> Args {
        Args { args, json: false }
    }
}

const NOT_STRING_ARRAY: &str = "when using JSON array syntax, arrays must be comprised of strings only";

/// `newNodeFromLine`. ONBUILD nests (`ONBUILD ONBUILD ...` parses, and is
/// rejected later); the chain is walked iteratively and only the first
/// sub-instruction is kept, with the flattened arguments of the rest.
fn new_node_from_line(line: &[u8], esc: u8, comments: Vec<String>) -> Result<Node, String> {
    struct Level<'a> {
        value: &'a [u8],
        flags: Vec<String>,
        original: &'a [u8],
        args: Args,
    }
    let mut levels: Vec<Level<'_>> = Vec::new();
    let mut cur = line;
    loop {
        let (cmd, flags, rest) = split_command(cur, esc);
        let lower = golike::to_lower(cmd);
        let nested = lower == b"onbuild" && !rest.is_empty();
        let args = if nested { Args::none() } else { parse_args(&lower, rest, esc)? };
        levels.push(Level { value: cmd, flags, original: cur, args });
        cur = rest;
        if !nested {
            break;
        }
    }
    // `nodeArgs` of level k: the words of every deeper level, then the
    // innermost instruction's arguments.
    let flattened = |from: usize| -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = levels.iter().skip(from).map(|l| l.value.to_vec()).collect();
        if let Some(last) = levels.last() {
            out.extend(last.args.args.iter().cloned());
        }
        out
    };
    let make = |i: usize, child: Option<Box<Node>>| -> Option<Node> {
        let l = levels.get(i)?;
        let (args, json) = if child.is_some() || i + 1 < levels.len() {
            (flattened(i + 1), false)
        } else {
            (l.args.args.clone(), l.args.json)
        };
        Some(Node {
            value: l.value.to_vec(),
            args,
            child,
            json,
            original: l.original.to_vec(),
            flags: l.flags.clone(),
            heredocs: Vec::new(),
            start_line: 0,
            end_line: 0,
            prev_comment: Vec::new(),
        })
    };
    let child = make(1, None).map(Box::new);
    let mut node = make(0, child).ok_or_else(|| "empty instruction".to_owned())?;
    node.prev_comment = comments;
    Ok(node)
}

/// The per-instruction line parsers (`dispatch` table).
fn parse_args(lower: &[u8], rest: &[u8], esc: u8) -> Result<Args, String> {
    Ok(match lower {
        b"add" | b"copy" | b"volume" => parse_maybe_json_to_list(rest)?,
        b"arg" => Args::list(parse_words(rest, esc).into_iter().map(String::into_bytes).collect()),
        b"cmd" | b"entrypoint" | b"run" | b"shell" => parse_maybe_json(rest)?,
        b"env" => parse_name_val(rest, "ENV", esc)?,
        b"label" => parse_name_val(rest, "LABEL", esc)?,
        b"expose" | b"from" => Args::list(parse_strings_ws(rest)),
        b"healthcheck" => parse_health_config(rest)?,
        b"maintainer" | b"stopsignal" | b"user" | b"workdir" | b"onbuild" => {
            if rest.is_empty() {
                Args::none()
            } else {
                Args::list(vec![rest.to_vec()])
            }
        }
        // Unknown instructions keep one empty argument (parseIgnore).
        _ => Args::list(vec![Vec::new()]),
    })
}

fn parse_strings_ws(rest: &[u8]) -> Vec<Vec<u8>> {
    if rest.is_empty() {
        return Vec::new();
    }
    split_ws(rest, 0).into_iter().map(<[u8]>::to_vec).collect()
}

enum Json {
    List(Vec<Vec<u8>>),
    NotJson,
}

fn parse_json(rest: &[u8]) -> Result<Json, String> {
    let rest = golike::trim_left_space(rest);
    if !rest.starts_with(b"[") {
        return Ok(Json::NotJson);
    }
    match json::parse_string_array(rest) {
        JsonArray::Strings(v) => Ok(Json::List(v.into_iter().map(String::into_bytes).collect())),
        JsonArray::NotStrings => Err(NOT_STRING_ARRAY.to_owned()),
        JsonArray::Invalid => Ok(Json::NotJson),
    }
}

fn parse_maybe_json(rest: &[u8]) -> Result<Args, String> {
    if rest.is_empty() {
        return Ok(Args::none());
    }
    Ok(match parse_json(rest)? {
        Json::List(args) => Args { args, json: true },
        Json::NotJson => Args::list(vec![rest.to_vec()]),
    })
}

fn parse_maybe_json_to_list(rest: &[u8]) -> Result<Args, String> {
    Ok(match parse_json(rest)? {
        Json::List(args) => Args { args, json: true },
        Json::NotJson => Args::list(parse_strings_ws(rest)),
    })
}

fn parse_health_config(rest: &[u8]) -> Result<Args, String> {
    let mut sep = 0;
    while rest.get(sep).is_some_and(|&b| !golike::is_space_byte(b)) {
        sep += 1;
    }
    let mut next = sep;
    while rest.get(next).is_some_and(|&b| golike::is_space_byte(b)) {
        next += 1;
    }
    if sep == 0 {
        return Ok(Args::none());
    }
    let typ = rest.get(..sep).unwrap_or_default().to_vec();
    let cmd = parse_maybe_json(rest.get(next..).unwrap_or_default())?;
    let mut args = vec![typ];
    args.extend(cmd.args);
    Ok(Args { args, json: cmd.json })
}

/// `parseWords`: words split at whitespace, quotes kept (so that the lexer
/// removes them later), quoted whitespace kept inside a word.
pub(crate) fn parse_words(rest: &[u8], esc: u8) -> Vec<String> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let esc = char::from(esc);
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut ch = '\0';
    let mut width = 0usize;
    let mut pos = 0usize;
    while pos <= rest.len() {
        if pos != rest.len() {
            let (c, w) = golike::decode_rune(rest.get(pos..).unwrap_or_default());
            ch = c;
            width = w.max(1);
        }
        if phase == Phase::Spaces {
            if pos == rest.len() {
                break;
            }
            if golike::is_space(ch) {
                pos += width;
                continue;
            }
            phase = Phase::Word;
        }
        if pos == rest.len() {
            if blank_ok || !word.is_empty() {
                words.push(word);
            }
            break;
        }
        if phase == Phase::Word {
            if golike::is_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
                blank_ok = false;
                pos += width;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == esc {
                if pos + width == rest.len() {
                    pos += width;
                    continue;
                }
                word.push(ch);
                pos += width;
                let (c, w) = golike::decode_rune(rest.get(pos..).unwrap_or_default());
                ch = c;
                width = w.max(1);
            }
            word.push(ch);
            pos += width;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == esc && quote != '\'' {
            if pos + width == rest.len() {
                phase = Phase::Word;
                pos += width;
                continue;
            }
            pos += width;
            word.push(ch);
            let (c, w) = golike::decode_rune(rest.get(pos..).unwrap_or_default());
            ch = c;
            width = w.max(1);
        }
        word.push(ch);
        pos += width;
    }
    words
}

/// `parseNameVal` (ENV, LABEL): `key value delim` triples, `delim` empty for
/// the legacy `KEY value` form.
fn parse_name_val(rest: &[u8], key: &str, esc: u8) -> Result<Args, String> {
    let words = parse_words(rest, esc);
    let Some(first) = words.first() else {
        return Ok(Args::none());
    };
    if !first.contains('=') {
        let parts = split_ws(rest, 2);
        let (Some(k), Some(v)) = (parts.first(), parts.get(1)) else {
            return Err(format!("{key} must have two arguments"));
        };
        return Ok(Args::list(vec![k.to_vec(), v.to_vec(), Vec::new()]));
    }
    let mut args = Vec::new();
    for w in &words {
        let Some((k, v)) = w.split_once('=') else {
            return Err(format!(
                "Syntax error - can't find = in {}. Must be of the form: name=value",
                golike::quote(w)
            ));
        };
        args.push(k.as_bytes().to_vec());
        args.push(v.as_bytes().to_vec());
        args.push(b"=".to_vec());
    }
    Ok(Args::list(args))
}

fn heredoc_regex() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^([0-9]*)<<(-?)[\t\n\x0C\r ]*((?-u:[^<])*)$").ok()).as_ref()
}

/// `ParseHeredoc`: whether a word starts a heredoc, and its name.
pub(crate) fn parse_heredoc(src: &[u8]) -> Result<Option<Heredoc>, String> {
    let Some(caps) = heredoc_regex().and_then(|re| re.captures(src)) else {
        return Ok(None);
    };
    let chomp = caps.get(2).is_some_and(|m| m.as_bytes() == b"-");
    let rest = caps.get(3).map(|m| m.as_bytes()).unwrap_or_default();
    if rest.is_empty() {
        return Ok(None);
    }
    let mut lex = Lex::new('\\');
    lex.skip_unset_env = true;
    let plain = lex.process(rest, &NoEnv);
    if let Some(e) = plain.error {
        return Err(e);
    }
    if plain.words.len() != 1 {
        return Ok(None);
    }
    lex.raw_quotes = true;
    let raw = lex.process(rest, &NoEnv);
    if let Some(e) = raw.error {
        return Err(e);
    }
    if raw.words.len() != plain.words.len() {
        return Err(format!("internal lexing of heredoc produced inconsistent results: {}", golike::lossy(rest)));
    }
    let name = plain.words.into_iter().next().unwrap_or_default();
    let raw_word = raw.words.into_iter().next().unwrap_or_default();
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    Ok(Some(Heredoc { expand: quotes(&name) == quotes(&raw_word), name, chomp, content: Vec::new() }))
}

/// `MustParseHeredoc`.
pub(crate) fn must_parse_heredoc(src: &[u8]) -> Option<Heredoc> {
    parse_heredoc(src).ok().flatten()
}

fn heredocs_from_line(line: &[u8]) -> Result<Vec<Heredoc>, String> {
    let mut lex = Lex::new('\\');
    lex.raw_quotes = true;
    lex.raw_escapes = true;
    lex.skip_unset_env = true;
    let words = lex.process(line, &NoEnv).words;
    let mut docs = Vec::new();
    for w in words {
        if let Some(h) = parse_heredoc(w.as_bytes())? {
            docs.push(h);
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(src: &str) -> Vec<Node> {
        parse(src.as_bytes()).expect("parses").nodes
    }

    fn args(n: &Node) -> Vec<String> {
        n.args.iter().map(|a| golike::lossy(a)).collect()
    }

    #[test]
    fn line_continuation() {
        let n = nodes("FROM a\nCOPY a \\\n  b \\\n  /x/\n");
        assert_eq!(args(&n[1]), vec!["a", "b", "/x/"]);
        assert_eq!((n[1].start_line, n[1].end_line), (2, 4));
        // Comment lines inside a continuation are dropped, empty lines noted.
        let p = parse(b"FROM a\nRUN a \\\n# c\n\n  b\n").unwrap();
        assert_eq!(args(&p.nodes[1]), vec!["a   b"]);
        assert_eq!(p.empty_continuations, vec![5]);
        // An escaped escape is not a continuation.
        let n = nodes("FROM a\nRUN echo \\\\\nRUN b\n");
        assert_eq!(n.len(), 3);
    }

    #[test]
    fn escape_directive() {
        let p = parse(b"# escape=`\nFROM a\nCOPY dir\\sub `\n  other /x/\n").unwrap();
        assert_eq!(p.escape, '`');
        assert_eq!(args(&p.nodes[1]), vec!["dir\\sub", "other", "/x/"]);
        // A directive after another line is just a comment.
        let p = parse(b"# hello\n# escape=`\nFROM a\n").unwrap();
        assert_eq!(p.escape, '\\');
        let e = parse(b"# escape=x\nFROM a\n").unwrap_err();
        assert!(e.message.contains("invalid escape token"));
        let e = parse(b"# escape=`\n# escape=`\nFROM a\n").unwrap_err();
        assert!(e.message.contains("only one escape"));
    }

    #[test]
    fn heredocs_are_skipped() {
        let p = parse(b"FROM a\nCOPY <<EOF <<-\"TWO\" /x/\nhello\nEOF\n\tworld\n\tTWO\nRUN b\n").unwrap();
        assert_eq!(p.nodes.len(), 3);
        let h = &p.nodes[1].heredocs;
        assert_eq!(h.len(), 2);
        assert_eq!((h[0].name.as_str(), h[0].expand, h[0].content.as_slice()), ("EOF", true, &b"hello\n"[..]));
        assert_eq!((h[1].name.as_str(), h[1].expand, h[1].chomp), ("TWO", false, true));
        assert_eq!(p.nodes[2].start_line, 7);
        let e = parse(b"FROM a\nRUN <<EOF\nx\n").unwrap_err();
        assert_eq!(e.message, "unterminated heredoc");
        // Exec form cannot have heredocs; `cat<<EOF` is not one either.
        let p = parse(b"FROM a\nRUN [\"<<EOF\"]\nRUN cat<<EOF\n").unwrap();
        assert_eq!(p.nodes.len(), 3);
    }

    #[test]
    fn json_form_and_words() {
        let n = nodes("FROM a\nCOPY [\"a b\", \"/c\"]\nCOPY [\"a\", /x\nENV A=\"x y\" B=1\nENV C d e\n");
        assert!(n[1].json);
        assert_eq!(args(&n[1]), vec!["a b", "/c"]);
        assert!(!n[2].json);
        assert_eq!(args(&n[2]), vec!["[\"a\",", "/x"]);
        assert_eq!(args(&n[3]), vec!["A", "\"x y\"", "=", "B", "1", "="]);
        assert_eq!(args(&n[4]), vec!["C", "d e", ""]);
        let e = parse(b"FROM a\nCMD [1]\n").unwrap_err();
        assert!(e.message.contains("strings only"));
    }

    #[test]
    fn flags_and_bom() {
        let n = nodes("\u{feff}FROM --platform=$P a AS b\nCOPY --chown=\"a b\" --link x y\n");
        assert_eq!(n[0].flags, vec!["--platform=$P"]);
        assert_eq!(args(&n[0]), vec!["a", "AS", "b"]);
        assert_eq!(n[1].flags, vec!["--chown=a b", "--link"]);
        assert_eq!(args(&n[1]), vec!["x", "y"]);
        let n = nodes("FROM a\r\nCOPY a b /x/\r\n");
        assert_eq!(args(&n[1]), vec!["a", "b", "/x/"]);
    }

    #[test]
    fn errors() {
        assert_eq!(parse(b"# only\n# comments\n").unwrap_err().message, "file with no instructions");
        let long = format!("FROM a\nRUN {}\n", "x".repeat(70_000));
        assert!(parse(long.as_bytes()).unwrap_err().message.contains("max allowed size"));
        assert_eq!(parse_directive("check", b"# syntax=x\n# check=skip=A; error=true\nFROM a"), Some("skip=A;".into()));
        assert_eq!(parse_directive("check", b"FROM a\n# check=error=true"), None);
    }
}
