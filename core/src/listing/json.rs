//! A small JSON reader for the JSON exports (ncdu/gdu, `tree -J`, `dust -j`).
//!
//! Strings are kept as bytes (ncdu writes names that are not UTF-8 as they
//! are), numbers as their text. A document cut short (a truncated paste) is
//! closed where it ends and flagged, so that what was read can still be used.

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// The number's text.
    Num(Vec<u8>),
    Str(Vec<u8>),
    Arr(Vec<Value>),
    /// Fields, and the byte offset where the object starts.
    Obj(Vec<(Vec<u8>, Value)>, usize),
}

impl Value {
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Obj(fields, _) => fields.iter().find(|(k, _)| k == key.as_bytes()).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(crate) fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A non-negative integer (`4096`, `4096.0`, `4.096e3` are not accepted beyond plain digits).
    pub(crate) fn as_u64(&self) -> Option<Result<u64, &'static str>> {
        match self {
            Value::Num(t) => Some(super::num::parse_u64(t)),
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The byte offset of an object in the document.
    pub(crate) fn offset(&self) -> Option<usize> {
        match self {
            Value::Obj(_, at) => Some(*at),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Arr(a) => Some(a),
            _ => None,
        }
    }
}

/// Where and why reading stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    /// 1-based line of the offending byte.
    pub line: usize,
    pub message: String,
}

/// Nesting deeper than this is refused: no real directory tree is this deep,
/// and the readers recurse once per level.
const MAX_DEPTH: usize = 256;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

/// Parses one JSON document. On a syntax error or a premature end, returns
/// the value read so far (open containers closed) together with the error.
pub(crate) fn parse(s: &[u8]) -> (Option<Value>, Option<JsonError>) {
    let mut p = Parser { s, i: 0, depth: 0 };
    p.ws();
    let mut err = None;
    let v = p.value(&mut err);
    if err.is_none() {
        p.ws();
        if p.i < s.len() {
            err = Some(p.error("unexpected text after the end of the JSON document"));
        }
    }
    (v, err)
}

impl Parser<'_> {
    fn line_at(&self, i: usize) -> usize {
        self.s[..i.min(self.s.len())].iter().filter(|&&b| b == b'\n').count() + 1
    }

    fn error(&self, message: &str) -> JsonError {
        JsonError { line: self.line_at(self.i), message: message.to_string() }
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn value(&mut self, err: &mut Option<JsonError>) -> Option<Value> {
        self.ws();
        let Some(&c) = self.s.get(self.i) else {
            *err = Some(self.error("the JSON document ends early (cut short?)"));
            return None;
        };
        match c {
            b'[' | b'{' => {
                if self.depth >= MAX_DEPTH {
                    *err = Some(self.error("JSON nested too deeply"));
                    return None;
                }
                self.depth += 1;
                let v = if c == b'[' { self.array(err) } else { self.object(err) };
                self.depth -= 1;
                Some(v)
            }
            b'"' => match self.string() {
                Ok(s) => Some(Value::Str(s)),
                Err(e) => {
                    *err = Some(e);
                    None
                }
            },
            b't' | b'f' | b'n' => {
                for (word, v) in
                    [(&b"true"[..], Value::Bool(true)), (b"false", Value::Bool(false)), (b"null", Value::Null)]
                {
                    if self.s[self.i..].starts_with(word) {
                        self.i += word.len();
                        return Some(v);
                    }
                }
                *err = Some(self.error("invalid JSON literal"));
                None
            }
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                while self.i < self.s.len() && matches!(self.s[self.i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    self.i += 1;
                }
                Some(Value::Num(self.s[start..self.i].to_vec()))
            }
            _ => {
                *err = Some(self.error("unexpected character in JSON"));
                None
            }
        }
    }

    fn array(&mut self, err: &mut Option<JsonError>) -> Value {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Value::Arr(items);
        }
        loop {
            match self.value(err) {
                Some(v) => items.push(v),
                None => return Value::Arr(items),
            }
            if err.is_some() {
                return Value::Arr(items);
            }
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Value::Arr(items);
                }
                None => {
                    *err = Some(self.error("the JSON document ends early (cut short?)"));
                    return Value::Arr(items);
                }
                Some(_) => {
                    *err = Some(self.error("expected `,` or `]` in a JSON array"));
                    return Value::Arr(items);
                }
            }
        }
    }

    fn object(&mut self, err: &mut Option<JsonError>) -> Value {
        let start = self.i;
        self.i += 1;
        let mut fields = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Value::Obj(fields, start);
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                *err = Some(if self.i >= self.s.len() {
                    self.error("the JSON document ends early (cut short?)")
                } else {
                    self.error("expected a key in a JSON object")
                });
                return Value::Obj(fields, start);
            }
            let key = match self.string() {
                Ok(k) => k,
                Err(e) => {
                    *err = Some(e);
                    return Value::Obj(fields, start);
                }
            };
            self.ws();
            if self.s.get(self.i) != Some(&b':') {
                *err = Some(self.error("expected `:` in a JSON object"));
                return Value::Obj(fields, start);
            }
            self.i += 1;
            match self.value(err) {
                Some(v) => fields.push((key, v)),
                None => return Value::Obj(fields, start),
            }
            if err.is_some() {
                return Value::Obj(fields, start);
            }
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Value::Obj(fields, start);
                }
                None => {
                    *err = Some(self.error("the JSON document ends early (cut short?)"));
                    return Value::Obj(fields, start);
                }
                Some(_) => {
                    *err = Some(self.error("expected `,` or `}` in a JSON object"));
                    return Value::Obj(fields, start);
                }
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        let v = u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()?;
        self.i += 4;
        Some(v)
    }

    fn string(&mut self) -> Result<Vec<u8>, JsonError> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let Some(&b) = self.s.get(self.i) else {
                return Err(self.error("a JSON string is not closed (cut short?)"));
            };
            self.i += 1;
            match b {
                b'"' => return Ok(out),
                b'\\' => {
                    let Some(&e) = self.s.get(self.i) else {
                        return Err(self.error("a JSON string is not closed (cut short?)"));
                    };
                    self.i += 1;
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let Some(mut cp) = self.hex4() else {
                                return Err(self.error("invalid \\u escape in a JSON string"));
                            };
                            if (0xD800..0xDC00).contains(&cp) && self.s.get(self.i..self.i + 2) == Some(b"\\u") {
                                let save = self.i;
                                self.i += 2;
                                match self.hex4() {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                    }
                                    _ => self.i = save,
                                }
                            }
                            let ch = char::from_u32(cp).unwrap_or('\u{FFFD}');
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return Err(self.error("invalid escape in a JSON string")),
                    }
                }
                _ => out.push(b),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_escapes() {
        let (v, e) = parse(br#"[1,2,{"name":"arrow -\u003e x","a":true,"b":null,"s":"\ud83d\udc33"}]"#);
        assert!(e.is_none());
        let v = v.unwrap();
        let obj = &v.as_array().unwrap()[2];
        assert_eq!(obj.get("name").unwrap().as_bytes().unwrap(), b"arrow -> x");
        assert_eq!(obj.get("s").unwrap().as_bytes().unwrap(), "🐳".as_bytes());
        assert_eq!(obj.get("a").unwrap().as_bool(), Some(true));
    }

    #[test]
    fn truncated_documents_keep_what_was_read() {
        let (v, e) = parse(b"[1,2,{\"a\":1},\n[{\"name\":\"x\"},\n{\"name\":\"y\"");
        let e = e.unwrap();
        assert_eq!(e.line, 3);
        let v = v.unwrap();
        assert_eq!(v.as_array().unwrap().len(), 4);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let mut s = vec![b'['; 100_000];
        s.extend(vec![b']'; 100_000]);
        let (_, e) = parse(&s);
        assert!(e.unwrap().message.contains("deeply"));
    }
}
