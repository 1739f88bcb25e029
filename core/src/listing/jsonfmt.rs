//! JSON exports: ncdu (`ncdu -o`, format 1.2: a directory is an array whose
//! first element describes it), gdu (`gdu -o`, same framing, no directory
//! sizes, hard links marked on one name only), `tree -J` and `dust -j`
//! (cumulative sizes as strings with a unit).

use super::build::{Kind, Leaves, Mode, Parsed, Problems, Rec};
use super::json::{self, Value};
use super::num::{self, Round};
use super::{HardLinks, ListingError, ListingFormat, SizeMeaning, SizeUnit};

struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(input: &[u8]) -> Lines {
        let mut starts = vec![0];
        starts.extend(input.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1));
        Lines { starts }
    }

    fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

struct Reader<'a> {
    input: &'a [u8],
    lines: Lines,
    problems: &'a mut Problems,
    recs: Vec<Rec>,
    opaque: Vec<Vec<u8>>,
    excluded: usize,
    read_errors: usize,
    entries: usize,
}

impl Reader<'_> {
    fn line_of(&self, v: &Value) -> usize {
        v.offset().map_or(1, |o| self.lines.line(o))
    }

    fn text_of(&self, line: usize) -> &[u8] {
        let start = self.lines.starts.get(line.saturating_sub(1)).copied().unwrap_or(0);
        let end = self.lines.starts.get(line).map_or(self.input.len(), |e| e.saturating_sub(1));
        &self.input[start.min(self.input.len())..end.max(start).min(self.input.len())]
    }

    fn problem(&mut self, v: &Value, message: &str) {
        let line = self.line_of(v);
        let text = self.text_of(line).to_vec();
        self.problems.add(line, &text, message);
    }

    fn u64_field(&mut self, v: &Value, key: &str) -> Option<u64> {
        match v.get(key)?.as_u64()? {
            Ok(n) => Some(n),
            Err(e) => {
                self.problem(v, &format!("`{key}`: {e}"));
                None
            }
        }
    }
}

fn join(parent: &[u8], name: &[u8]) -> Vec<u8> {
    let mut p = parent.to_vec();
    p.push(b'/');
    p.extend_from_slice(name);
    p
}

fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name != b"." && name != b".." && !name.contains(&b'/')
}

// ---------------------------------------------------------------- ncdu / gdu

fn ncdu_dir(r: &mut Reader<'_>, dir: &[Value], path: &[u8], root: bool, gdu: bool) {
    let Some(info) = dir.first() else { return };
    r.entries += 1;
    let size = if gdu { None } else { r.u64_field(info, "asize").map(|s| (s, s)) };
    let mut rec = Rec::new(r.line_of(info), if root { b".".to_vec() } else { path.to_vec() }, Kind::Dir, size);
    rec.mode = r.u64_field(info, "mode").map(|m| m as u32 & 0o7777);
    r.recs.push(rec);
    if info.get("excluded").is_some() {
        r.excluded += 1;
        r.opaque.push(path.to_vec());
    }
    if info.get("read_error").and_then(Value::as_bool) == Some(true) {
        r.read_errors += 1;
    }
    for child in &dir[1..] {
        let info = match child {
            Value::Arr(a) => a.first(),
            v => Some(v),
        };
        let Some(name) = info.and_then(|i| i.get("name")).and_then(Value::as_bytes) else {
            r.problem(info.unwrap_or(child), "entry without a name");
            continue;
        };
        if !valid_name(name) {
            r.problem(info.unwrap_or(child), "entry name is not a file name");
            continue;
        }
        let child_path = join(path, name);
        match child {
            Value::Arr(a) => ncdu_dir(r, a, &child_path, false, gdu),
            v => ncdu_entry(r, v, child_path),
        }
    }
}

fn ncdu_entry(r: &mut Reader<'_>, v: &Value, path: Vec<u8>) {
    r.entries += 1;
    let asize = r.u64_field(v, "asize");
    let mode = r.u64_field(v, "mode");
    let notreg = v.get("notreg").and_then(Value::as_bool) == Some(true);
    let kind = match mode {
        Some(m) => match m & 0o170000 {
            0o100000 => Kind::File,
            0o040000 => Kind::Dir,
            0o120000 => Kind::Symlink(None),
            _ => Kind::Other,
        },
        None if notreg && asize.is_some_and(|s| s > 0) => Kind::Symlink(None),
        None if notreg => Kind::Other,
        None => Kind::File,
    };
    if v.get("excluded").is_some() {
        r.excluded += 1;
    }
    let s = asize.unwrap_or(0);
    let mut rec = Rec::new(r.line_of(v), path, kind, Some((s, s)));
    rec.mode = mode.map(|m| m as u32 & 0o7777);
    let hl = v.get("hlnkc").and_then(Value::as_bool) == Some(true) || r.u64_field(v, "nlink").is_some_and(|n| n > 1);
    if hl && rec.kind == Kind::File {
        rec.link_key = r.u64_field(v, "ino");
    }
    r.recs.push(rec);
}

// ---------------------------------------------------------------- tree -J

fn tree_node(r: &mut Reader<'_>, v: &Value, path: &[u8], raw_parent: &[u8], sized: &mut bool) {
    let ty = v.get("type").and_then(Value::as_bytes).unwrap_or(b"");
    if ty == b"report" {
        return;
    }
    let Some(name) = v.get("name").and_then(Value::as_bytes) else {
        if ty == b"error" {
            r.problem(v, "tree reported an error here");
        } else {
            r.problem(v, "entry without a name");
        }
        return;
    };
    // With -f, names are paths that start with the parent's name.
    let (rel, ok): (Vec<u8>, bool) = match name.strip_prefix(raw_parent).and_then(|n| n.strip_prefix(b"/")) {
        Some(rest) if !raw_parent.is_empty() => (rest.to_vec(), !rest.is_empty()),
        _ => (name.to_vec(), valid_name(name)),
    };
    if !ok {
        r.problem(v, "entry name is not a file name");
        return;
    }
    let my_path = join(path, &rel);
    r.entries += 1;
    let size = r.u64_field(v, "size").map(|s| (s, s));
    *sized |= size.is_some();
    let kind = match ty {
        b"directory" => Kind::Dir,
        b"file" => Kind::File,
        b"link" => Kind::Symlink(v.get("target").and_then(Value::as_bytes).map(<[u8]>::to_vec)),
        b"error" => {
            r.problem(v, "tree could not read this entry");
            return;
        }
        _ => Kind::Other,
    };
    r.recs.push(Rec::new(r.line_of(v), my_path.clone(), kind, size));
    if let Some(contents) = v.get("contents").and_then(Value::as_array) {
        for c in contents {
            tree_node(r, c, &my_path, name, sized);
        }
    }
}

// ---------------------------------------------------------------- dust -j

fn dust_size(tok: &[u8]) -> Result<(u64, u64), &'static str> {
    let (dec, unit) = num::parse_human(tok)?;
    if unit == 1 && dec.decimals == 0 {
        return num::bounds(dec, 1, Round::Up);
    }
    num::bounds(dec, unit, if dec.decimals > 0 { Round::Nearest } else { Round::Floor })
}

fn dust_node(r: &mut Reader<'_>, v: &Value, path: &[u8], raw_parent: Option<&[u8]>, human: &mut bool) {
    let Some(name) = v.get("name").and_then(Value::as_bytes) else {
        r.problem(v, "entry without a name");
        return;
    };
    let my_path: Vec<u8> = match raw_parent {
        None => b".".to_vec(),
        Some(parent) => match name.strip_prefix(parent).and_then(|n| n.strip_prefix(b"/")) {
            Some(rest) if !rest.is_empty() => join(path, rest),
            _ if valid_name(name) => join(path, name),
            _ => {
                r.problem(v, "entry name is not below its parent");
                return;
            }
        },
    };
    r.entries += 1;
    let size = match v.get("size").and_then(Value::as_bytes) {
        Some(s) => {
            *human |= num::is_human(s.strip_suffix(b"B").unwrap_or(s));
            match dust_size(s) {
                Ok(b) => Some(b),
                Err(e) => {
                    r.problem(v, &format!("size: {e}"));
                    return;
                }
            }
        }
        None => None,
    };
    let children = v.get("children").and_then(Value::as_array).unwrap_or(&[]);
    let kind = if raw_parent.is_none() || !children.is_empty() { Kind::Dir } else { Kind::Unknown };
    r.recs.push(Rec::new(r.line_of(v), my_path.clone(), kind, size));
    for c in children {
        dust_node(r, c, &my_path, Some(name), human);
    }
}

/// Reads a JSON export.
pub(crate) fn parse(
    input: &[u8],
    format: ListingFormat,
    problems: &mut Problems,
) -> Result<(Parsed, usize), ListingError> {
    let (value, err) = json::parse(input);
    let lines = Lines::new(input);
    if let Some(e) = &err {
        let start = lines.starts.get(e.line.saturating_sub(1)).copied().unwrap_or(0).min(input.len());
        let end = lines.starts.get(e.line).map_or(input.len(), |x| x.saturating_sub(1)).max(start).min(input.len());
        problems.add(e.line, &input[start..end], format!("{}; what came before is used", e.message));
    }
    let not = |reason: String| ListingError::NotAListing { reason };
    let Some(value) = value else {
        return Err(not(format!(
            "{} expected, but the JSON cannot be read ({})",
            format.description(),
            err.map(|e| format!("line {}: {}", e.line, e.message)).unwrap_or_default()
        )));
    };
    let mut r = Reader {
        input,
        lines,
        problems,
        recs: Vec::new(),
        opaque: Vec::new(),
        excluded: 0,
        read_errors: 0,
        entries: 0,
    };
    let mut notes: Vec<String> = Vec::new();
    let parsed = match format {
        ListingFormat::Ncdu | ListingFormat::Gdu => {
            let gdu = format == ListingFormat::Gdu;
            let arr = value.as_array().unwrap_or(&[]);
            let root = arr.get(3).and_then(Value::as_array);
            let framed = arr.first().and_then(|v| v.as_u64()).and_then(Result::ok) == Some(1);
            let Some(root) = root.filter(|_| framed) else {
                return Err(not("not an ncdu/gdu export: expected `[1, 2, {…}, [ … ]]`".into()));
            };
            ncdu_dir(&mut r, root, b".", true, gdu);
            let mut p = Parsed::new(Mode::Flat, SizeMeaning::Apparent, SizeUnit::Bytes);
            if gdu {
                p.hardlinks = HardLinks::Ungrouped;
                notes.push(
                    "gdu's export marks only one name of a hard-linked file, so hard links cannot be grouped: each name is counted; \
                     directories carry no sizes of their own"
                        .into(),
                );
            } else {
                p.hardlinks = HardLinks::Grouped;
            }
            if r.excluded > 0 {
                notes.push(format!("{} entries were excluded from the scan: their contents are unknown", r.excluded));
            }
            if r.read_errors > 0 {
                notes.push(format!("{} directories could not be read completely by the scanner", r.read_errors));
            }
            p
        }
        ListingFormat::TreeJson => {
            let items = value.as_array().unwrap_or(&[]);
            let tops: Vec<&Value> =
                items.iter().filter(|v| v.get("type").and_then(Value::as_bytes) != Some(b"report")).collect();
            let mut sized = false;
            if tops.len() == 1 && tops[0].get("type").and_then(Value::as_bytes) == Some(b"directory") {
                let root = tops[0];
                r.entries += 1;
                let size = r.u64_field(root, "size").map(|s| (s, s));
                sized |= size.is_some();
                r.recs.push(Rec::new(r.line_of(root), b".".to_vec(), Kind::Dir, size));
                let raw = root.get("name").and_then(Value::as_bytes).unwrap_or(b".").to_vec();
                for c in root.get("contents").and_then(Value::as_array).unwrap_or(&[]) {
                    tree_node(&mut r, c, b".", &raw, &mut sized);
                }
            } else {
                for t in tops {
                    tree_node(&mut r, t, b".", b"", &mut sized);
                }
            }
            let mut p = if sized {
                Parsed::new(Mode::Flat, SizeMeaning::Apparent, SizeUnit::Bytes)
            } else {
                Parsed::new(Mode::Flat, SizeMeaning::None, SizeUnit::None)
            };
            if sized && tree_json_cumulative(&r.recs) {
                p.mode = Mode::Cumulative(Leaves::Files);
                notes.push("tree --du sizes are cumulative and count hard-linked data once per name".into());
            }
            p.hardlinks = HardLinks::Ungrouped;
            notes.push(
                "tree shows every name of a hard-linked file without saying which belong together: each is counted"
                    .into(),
            );
            p
        }
        _ => {
            if value.get("children").is_none() && value.get("size").is_none() {
                return Err(not(
                    "not a `dust -j` export: expected `{\"size\": …, \"name\": …, \"children\": […]}`".into()
                ));
            }
            let mut human = false;
            dust_node(&mut r, &value, b".", None, &mut human);
            let bounds: Vec<(u64, u64)> = r.recs.iter().filter_map(|x| x.size).collect();
            let disk = super::summary::looks_like_disk_usage(&bounds, human);
            let sizes = match (disk, human) {
                (true, _) => SizeMeaning::DiskUsage,
                (false, true) => SizeMeaning::ApparentRounded,
                (false, false) => SizeMeaning::Apparent,
            };
            let mut p = Parsed::new(
                Mode::Cumulative(Leaves::Files),
                sizes,
                if human { SizeUnit::Human } else { SizeUnit::Bytes },
            );
            p.hardlinks = HardLinks::FirstNameOnly;
            notes.push("dust lists each hard-linked file under one name only; its other names are missing".into());
            notes.push("dust cannot tell files from empty directories: every leaf is read as a file".into());
            if sizes == SizeMeaning::DiskUsage {
                notes.push(
                    "sizes are disk usage (dust's default), not the apparent bytes a context carries: use `dust -s -j -P -o b`"
                        .into(),
                );
            }
            p
        }
    };
    let mut parsed = parsed;
    parsed.recs = std::mem::take(&mut r.recs);
    parsed.opaque = std::mem::take(&mut r.opaque);
    parsed.notes.extend(notes);
    if parsed.recs.is_empty() && err.is_none() {
        return Err(not(format!("{}: the export lists nothing", format.description())));
    }
    Ok((parsed, r.entries))
}

/// Whether `tree -J` sizes are cumulative (`--du`): every directory holds its children.
fn tree_json_cumulative(recs: &[Rec]) -> bool {
    let mut sums: std::collections::HashMap<&[u8], u64> = std::collections::HashMap::new();
    for r in recs {
        if let Some(i) = r.path.iter().rposition(|&b| b == b'/') {
            *sums.entry(&r.path[..i]).or_default() += r.size.map_or(0, |s| s.0);
        }
    }
    let mut meaningful = false;
    for r in recs {
        if r.kind == Kind::Dir
            && let Some(&sum) = sums.get(r.path.as_slice())
        {
            if r.size.map_or(0, |s| s.1) < sum {
                return false;
            }
            meaningful |= sum > 4096;
        }
    }
    meaningful
}
