//! The shell-word lexer of the Dockerfile frontend (BuildKit `shell.Lex`):
//! quote removal, escapes and `$VAR` / `${VAR...}` expansion of one word.
//!
//! Input is Go bytes, decoded rune by rune like Go's `text/scanner` (an
//! invalid byte becomes U+FFFD, a leading U+FEFF is skipped); output is a
//! Rust string.

use std::collections::{BTreeMap, BTreeSet};

use regex::Regex;

use super::golike;

/// Where variables are looked up.
pub(crate) trait Env {
    /// The value of `key`, if set.
    fn get(&self, key: &str) -> Option<&str>;
}

/// An environment with replace-on-add semantics (LLB `EnvList`; only
/// lookups matter here, not the order).
#[derive(Debug, Clone, Default)]
pub(crate) struct EnvList {
    entries: BTreeMap<String, String>,
}

impl EnvList {
    /// `AddOrReplace`.
    pub(crate) fn add(&mut self, key: &str, value: &str) {
        self.entries.insert(key.to_owned(), value.to_owned());
    }

    /// All keys.
    pub(crate) fn keys(&self) -> Vec<String> {
        self.entries.keys().cloned().collect()
    }
}

impl Env for EnvList {
    fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }
}

/// The empty environment.
pub(crate) struct NoEnv;

impl Env for NoEnv {
    fn get(&self, _key: &str) -> Option<&str> {
        None
    }
}

/// Lexer options (`shell.Lex` fields).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lex {
    pub(crate) escape: char,
    pub(crate) raw_quotes: bool,
    pub(crate) raw_escapes: bool,
    pub(crate) skip_process_quotes: bool,
    pub(crate) skip_unset_env: bool,
}

/// The result of processing one word; `error` is set when BuildKit fails.
#[derive(Debug, Clone, Default)]
pub(crate) struct Processed {
    /// The word after quote removal and expansion (`ProcessWord`).
    pub(crate) word: String,
    /// The words it splits into (`ProcessWords`).
    pub(crate) words: Vec<String>,
    /// Variables looked up and found.
    pub(crate) matched: BTreeSet<String>,
    /// Variables looked up and not found.
    pub(crate) unmatched: BTreeSet<String>,
    /// BuildKit's error, `failed to process "...": ...`.
    pub(crate) error: Option<String>,
}

impl Lex {
    /// A lexer with the given escape token and default options.
    pub(crate) fn new(escape: char) -> Lex {
        Lex { escape, raw_quotes: false, raw_escapes: false, skip_process_quotes: false, skip_unset_env: false }
    }

    /// `ProcessWord` / `ProcessWords` / `ProcessWordWithMatches` in one.
    pub(crate) fn process(&self, word: &[u8], env: &dyn Env) -> Processed {
        let mut chars: Vec<char> = golike::runes(word).map(|(_, c, _)| c).collect();
        if chars.first() == Some(&'\u{FEFF}') {
            chars.remove(0);
        }
        let mut sw = ShellWord {
            chars,
            pos: 0,
            depth: 0,
            env,
            escape: self.escape,
            raw_quotes: self.raw_quotes,
            raw_escapes: self.raw_escapes,
            skip_unset: self.skip_unset_env,
            skip_quotes: self.skip_process_quotes,
            matches: BTreeSet::new(),
            nonmatches: BTreeSet::new(),
        };
        let raw = sw.raw_escapes;
        match sw.process_stop_on(None, raw) {
            Ok((w, ws)) => Processed { word: w, words: ws, matched: sw.matches, unmatched: sw.nonmatches, error: None },
            Err(e) => Processed {
                word: String::new(),
                words: Vec::new(),
                matched: sw.matches,
                unmatched: sw.nonmatches,
                error: Some(format!("failed to process {}: {e}", golike::quote_bytes(word))),
            },
        }
    }
}

/// How deeply `${...}` and quotes may nest inside each other. BuildKit has
/// no limit (Go stacks grow); this keeps absurd inputs from exhausting the
/// stack and reports them as an expansion error instead.
const MAX_NESTING: usize = 100;

struct ShellWord<'a> {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
    env: &'a dyn Env,
    escape: char,
    raw_quotes: bool,
    raw_escapes: bool,
    skip_unset: bool,
    skip_quotes: bool,
    matches: BTreeSet<String>,
    nonmatches: BTreeSet<String>,
}

#[derive(Default)]
struct Words {
    word: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if golike::is_space(ch) && self.in_word {
            if !self.word.is_empty() {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else if !golike::is_space(ch) {
            self.add_raw_char(ch);
        }
    }

    fn add_raw_char(&mut self, ch: char) {
        self.word.push(ch);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str) {
        for ch in s.chars() {
            self.add_char(ch);
        }
    }

    fn add_raw_string(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }

    fn get_words(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.words.push(std::mem::take(&mut self.word));
        }
        self.words
    }
}

type LexResult<T> = Result<T, String>;

impl ShellWord<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// `processStopOn`: up to `stop` (consumed) or the end of the word.
    fn process_stop_on(&mut self, stop: Option<char>, raw_escapes: bool) -> LexResult<(String, Vec<String>)> {
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let r = self.stop_on_inner(stop);
        self.raw_escapes = saved;
        r
    }

    fn stop_on_inner(&mut self, stop: Option<char>) -> LexResult<(String, Vec<String>)> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(ch) = self.peek() {
            if stop == Some(ch) {
                self.pos += 1;
                return Ok((result, words.get_words()));
            }
            if ch == '$' {
                let tmp = self.process_dollar()?;
                result.push_str(&tmp);
                words.add_string(&tmp);
            } else if !self.skip_quotes && (ch == '\'' || ch == '"') {
                let tmp = if ch == '\'' { self.process_single_quote()? } else { self.process_double_quote()? };
                result.push_str(&tmp);
                words.add_raw_string(&tmp);
            } else {
                let Some(mut ch) = self.next() else { break };
                if ch == self.escape {
                    if self.raw_escapes {
                        words.add_raw_char(ch);
                        result.push(ch);
                    }
                    match self.next() {
                        None => break,
                        Some(c) => ch = c,
                    }
                    words.add_raw_char(ch);
                } else {
                    words.add_char(ch);
                }
                result.push(ch);
            }
        }
        if let Some(s) = stop {
            return Err(format!("unexpected end of statement while looking for matching {s}"));
        }
        Ok((result, words.get_words()))
    }

    fn process_single_quote(&mut self) -> LexResult<String> {
        let mut result = String::new();
        let open = self.next();
        if self.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.next() {
                None => {
                    return Err("unexpected end of statement while looking for matching single-quote".into());
                }
                Some('\'') => {
                    if self.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn process_double_quote(&mut self) -> LexResult<String> {
        let mut result = String::new();
        let open = self.next();
        if self.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.peek() {
                None => {
                    return Err("unexpected end of statement while looking for matching double-quote".into());
                }
                Some('"') => {
                    self.pos += 1;
                    if self.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let v = self.process_dollar()?;
                    result.push_str(&v);
                }
                Some(_) => {
                    let Some(mut ch) = self.next() else { continue };
                    if ch == self.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            // Ignore an escape at the end of the word.
                            None => continue,
                            Some(c) if c == '"' || c == '$' || c == self.escape => {
                                self.pos += 1;
                                ch = c;
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn get_env(&mut self, name: &str) -> (String, bool) {
        match self.env.get(name) {
            Some(v) => {
                self.matches.insert(name.to_owned());
                (v.to_owned(), true)
            }
            None => {
                self.nonmatches.insert(name.to_owned());
                (String::new(), false)
            }
        }
    }

    fn process_dollar(&mut self) -> LexResult<String> {
        if self.depth >= MAX_NESTING {
            return Err("variable substitutions nested too deeply".into());
        }
        self.depth += 1;
        let r = self.process_dollar_inner();
        self.depth -= 1;
        r
    }

    fn process_dollar_inner(&mut self) -> LexResult<String> {
        self.next(); // '$'
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".into());
            }
            let (value, found) = self.get_env(&name);
            if !found && self.skip_unset {
                return Ok(format!("${name}"));
            }
            return Ok(value);
        }
        self.next(); // '{'
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        let name = self.process_name();
        let ch = self.next();
        let mut chs: String = ch.unwrap_or(golike::RUNE_ERROR).to_string();
        match ch {
            Some('}') => {
                let (value, found) = self.get_env(&name);
                if !found && self.skip_unset {
                    return Ok(format!("${{{name}}}"));
                }
                Ok(value)
            }
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                let mut op = ch;
                let null_is_unset = op == Some(':');
                if null_is_unset {
                    op = self.next();
                    chs.push(op.unwrap_or(golike::RUNE_ERROR));
                }
                let raw = matches!(op, Some('#' | '%'));
                if null_is_unset && raw {
                    return Err(format!("unsupported modifier ({chs}) in substitution"));
                }
                let word = match self.process_stop_on(Some('}'), raw) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.peek().is_none() {
                            return Err("syntax error: missing '}'".into());
                        }
                        return Err(e);
                    }
                };
                let (value, set) = self.get_env(&name);
                if self.skip_unset && !set {
                    return Ok(format!("${{{name}{chs}{word}}}"));
                }
                match op {
                    Some('-') => Ok(if !set || (null_is_unset && value.is_empty()) { word } else { value }),
                    Some('+') => Ok(if !set || (null_is_unset && value.is_empty()) { String::new() } else { word }),
                    Some('?') => {
                        if !set {
                            let msg = if word.is_empty() { "is not allowed to be unset".to_owned() } else { word };
                            return Err(format!("{name}: {msg}"));
                        }
                        if null_is_unset && value.is_empty() {
                            let msg = if word.is_empty() { "is not allowed to be empty".to_owned() } else { word };
                            return Err(format!("{name}: {msg}"));
                        }
                        Ok(value)
                    }
                    Some(c @ ('%' | '#')) => {
                        let (greedy, pattern) = match word.strip_prefix(c) {
                            Some(rest) => (true, rest.to_owned()),
                            None => (false, word),
                        };
                        if c == '%' {
                            trim_suffix(&pattern, &value, greedy)
                        } else {
                            trim_prefix(&pattern, &value, greedy)
                        }
                    }
                    _ => Err(format!("unsupported modifier ({chs}) in substitution")),
                }
            }
            Some('/') => {
                let replace_all = self.peek() == Some('/');
                if replace_all {
                    self.pos += 1;
                }
                let pattern = match self.process_stop_on(Some('/'), true) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.peek().is_none() {
                            return Err("syntax error: missing '/' in ${}".into());
                        }
                        return Err(e);
                    }
                };
                let replacement = match self.process_stop_on(Some('}'), true) {
                    Ok((w, _)) => w,
                    Err(e) => {
                        if self.peek().is_none() {
                            return Err("syntax error: missing '}'".into());
                        }
                        return Err(e);
                    }
                };
                let (value, set) = self.get_env(&name);
                if self.skip_unset && !set {
                    return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
                }
                let re = shell_pattern_regex(&pattern, true, false)
                    .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
                if replace_all {
                    Ok(re.replace_all(&value, replacement.as_str()).into_owned())
                } else {
                    Ok(match re.find(&value) {
                        Some(m) => {
                            let mut out = String::new();
                            out.push_str(value.get(..m.start()).unwrap_or_default());
                            out.push_str(&replacement);
                            out.push_str(value.get(m.end()..).unwrap_or_default());
                            out
                        }
                        None => value,
                    })
                }
            }
            _ => Err(format!("unsupported modifier ({chs}) in substitution")),
        }
    }

    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && golike::is_digit(ch) {
                while let Some(d) = self.peek() {
                    if !golike::is_digit(d) {
                        break;
                    }
                    self.pos += 1;
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.pos += 1;
                return ch.to_string();
            }
            if !golike::is_letter(ch) && !golike::is_digit(ch) && ch != '_' {
                break;
            }
            self.pos += 1;
            name.push(ch);
        }
        name
    }
}

/// `convertShellPatternToRegex`: `*` and `?` wildcards, `\` escapes.
fn shell_pattern_regex(pattern: &str, greedy: bool, anchored: bool) -> Result<Regex, String> {
    let mut chars: Vec<char> = pattern.chars().collect();
    if chars.first() == Some(&'\u{FEFF}') {
        chars.remove(0);
    }
    let mut out = String::new();
    if anchored {
        out.push('^');
    }
    let star = if greedy { ".*" } else { ".*?" };
    let mut i = 0;
    while let Some(&tok) = chars.get(i) {
        i += 1;
        match tok {
            '*' => {
                out.push_str(star);
                continue;
            }
            '?' => {
                out.push('.');
                continue;
            }
            '\\' => {
                if matches!(chars.get(i), Some('}' | '/')) {
                    continue;
                }
                out.push('\\');
                let next = chars.get(i).copied();
                i += 1;
                match next {
                    Some(c @ ('*' | '?' | '\\')) => out.push(c),
                    Some(c) => return Err(format!("invalid escape '\\{c}'")),
                    None => return Err(format!("invalid escape '\\{}'", golike::RUNE_ERROR)),
                }
                continue;
            }
            '[' | ']' | '{' | '}' | '.' | '+' | '(' | ')' | '|' | '^' | '$' => out.push('\\'),
            _ => {}
        }
        out.push(tok);
    }
    Regex::new(&out).map_err(|e| e.to_string())
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> LexResult<String> {
    let re = shell_pattern_regex(pattern, greedy, true)
        .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
    Ok(match re.find(value) {
        Some(m) => value.get(m.end()..).unwrap_or_default().to_owned(),
        None => value.to_owned(),
    })
}

/// `reversePattern`: reverse a pattern keeping each escape before its char.
fn reverse_pattern(pattern: &str) -> String {
    let runes: Vec<char> = pattern.chars().collect();
    let n = runes.len();
    let mut out = vec!['\0'; n];
    let mut i = 0;
    while i < n {
        let tok = runes.get(i).copied().unwrap_or('\0');
        let out_idx = n - 1 - i;
        if tok == '\\' && i != n - 1 {
            if let Some(slot) = out_idx.checked_sub(1).and_then(|j| out.get_mut(j)) {
                *slot = tok;
            }
            if let (Some(slot), Some(&c)) = (out.get_mut(out_idx), runes.get(i + 1)) {
                *slot = c;
            }
            i += 2;
        } else {
            if let Some(slot) = out.get_mut(out_idx) {
                *slot = tok;
            }
            i += 1;
        }
    }
    out.into_iter().collect()
}

fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> LexResult<String> {
    let rp = reverse_pattern(pattern);
    let rv: String = value.chars().rev().collect();
    let s = trim_prefix(&rp, &rv, greedy)?;
    Ok(s.chars().rev().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> EnvList {
        let mut e = EnvList::default();
        for (k, v) in pairs {
            e.add(k, v);
        }
        e
    }

    fn word(s: &str, e: &EnvList) -> Result<String, String> {
        let p = Lex::new('\\').process(s.as_bytes(), e);
        match p.error {
            Some(err) => Err(err),
            None => Ok(p.word),
        }
    }

    #[test]
    fn expansion_forms() {
        let e = env(&[("V", "val"), ("E", "")]);
        assert_eq!(word("$V/x", &e).unwrap(), "val/x");
        assert_eq!(word("${V}x", &e).unwrap(), "valx");
        assert_eq!(word("${U:-def}", &e).unwrap(), "def");
        assert_eq!(word("${E:-def}", &e).unwrap(), "def");
        assert_eq!(word("${E-def}", &e).unwrap(), "");
        assert_eq!(word("${V:+alt}", &e).unwrap(), "alt");
        assert_eq!(word("${E:+alt}", &e).unwrap(), "");
        assert_eq!(word("${E+alt}", &e).unwrap(), "alt");
        assert_eq!(word("${U:+alt}", &e).unwrap(), "");
        assert_eq!(word("${V:?msg}", &e).unwrap(), "val");
        assert_eq!(word("${U:?needU}", &e).unwrap_err(), "failed to process \"${U:?needU}\": U: needU");
        assert_eq!(word("${E:?}", &e).unwrap_err(), "failed to process \"${E:?}\": E: is not allowed to be empty");
        assert_eq!(word("${E?}", &e).unwrap(), "");
        assert_eq!(word("${U:?need", &e).unwrap_err(), "failed to process \"${U:?need\": syntax error: missing '}'");
        assert!(word("${}", &e).unwrap_err().ends_with("bad substitution"));
        assert_eq!(word("$", &e).unwrap(), "$");
        assert_eq!(word("a$-b", &e).unwrap(), "ab");
    }

    #[test]
    fn pattern_forms() {
        let e = env(&[("P", "dir/sub/file.tar.gz")]);
        assert_eq!(word("${P#*/}", &e).unwrap(), "sub/file.tar.gz");
        assert_eq!(word("${P##*/}", &e).unwrap(), "file.tar.gz");
        assert_eq!(word("${P%.*}", &e).unwrap(), "dir/sub/file.tar");
        assert_eq!(word("${P%%.*}", &e).unwrap(), "dir/sub/file");
        assert_eq!(word("${P/sub/x}", &e).unwrap(), "dir/x/file.tar.gz");
        assert_eq!(word("${P//\\//_}", &e).unwrap(), "dir_sub_file.tar.gz");
    }

    #[test]
    fn quotes_and_escapes() {
        let e = env(&[("H", "home")]);
        assert_eq!(word("\"a b\"'c'", &e).unwrap(), "a bc");
        assert_eq!(word("\\$H", &e).unwrap(), "$H");
        assert_eq!(word("my\\", &e).unwrap(), "my");
        assert_eq!(word("\"a\\nb\"", &e).unwrap(), "a\\nb");
        assert_eq!(word("a\\nb", &e).unwrap(), "anb");
        assert!(word("\"a", &e).unwrap_err().contains("matching double-quote"));
        let bt = Lex::new('`').process(b"dir\\sub", &e);
        assert_eq!(bt.word, "dir\\sub");
        let p = Lex::new('\\').process(b"a \"b c\"  d", &e);
        assert_eq!(p.words, vec!["a", "b c", "d"]);
    }

    #[test]
    fn tracks_lookups() {
        let e = env(&[("A", "1")]);
        let p = Lex::new('\\').process(b"$A${B:-x}", &e);
        assert!(p.matched.contains("A"));
        assert!(p.unmatched.contains("B"));
    }
}
