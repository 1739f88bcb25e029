//! Typed instructions (BuildKit `frontend/dockerfile/instructions`): flags,
//! argument checks and stages.

use super::golike;
use super::lint::{LintRule, Linter};
use super::parser::{self, Heredoc, Node};

/// `KEY=value` of ENV and LABEL.
#[derive(Debug, Clone)]
pub(crate) struct Kv {
    pub(crate) key: Vec<u8>,
    pub(crate) value: Vec<u8>,
    pub(crate) no_delim: bool,
}

/// `NAME[=default]` of ARG.
#[derive(Debug, Clone)]
pub(crate) struct ArgKv {
    pub(crate) key: Vec<u8>,
    pub(crate) value: Option<Vec<u8>>,
}

/// A heredoc source of COPY/ADD.
#[derive(Debug, Clone)]
pub(crate) struct SourceContent {
    pub(crate) path: String,
    pub(crate) data: Vec<u8>,
    pub(crate) expand: bool,
}

/// `SourcesAndDest`.
#[derive(Debug, Clone)]
pub(crate) struct SourcesAndDest {
    pub(crate) dest: Vec<u8>,
    pub(crate) sources: Vec<Vec<u8>>,
    pub(crate) contents: Vec<SourceContent>,
}

/// COPY.
#[derive(Debug, Clone)]
pub(crate) struct CopyCmd {
    pub(crate) sd: SourcesAndDest,
    pub(crate) from: String,
    pub(crate) chown: String,
    pub(crate) chmod: String,
    pub(crate) parents: bool,
    pub(crate) excludes: Vec<String>,
    pub(crate) json: bool,
}

/// ADD.
#[derive(Debug, Clone)]
pub(crate) struct AddCmd {
    pub(crate) sd: SourcesAndDest,
    pub(crate) chown: String,
    pub(crate) chmod: String,
    pub(crate) keep_git_dir: Option<bool>,
    pub(crate) checksum: String,
    pub(crate) excludes: Vec<String>,
    pub(crate) json: bool,
}

/// RUN (what matters here: its mounts).
#[derive(Debug, Clone)]
pub(crate) struct RunCmd {
    /// The `--mount` values, as written (after flag unquoting).
    pub(crate) mounts: Vec<String>,
    /// Each mount's `from` as parsed before expansion ("" when absent).
    pub(crate) mount_froms: Vec<String>,
    pub(crate) files: usize,
    pub(crate) json: bool,
}

/// The instruction-specific part of a command.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Env(Vec<Kv>),
    Label(Vec<Kv>),
    Maintainer,
    Add(AddCmd),
    Copy(CopyCmd),
    Onbuild(Vec<u8>),
    Workdir(Vec<u8>),
    Run(RunCmd),
    Cmd { json: bool },
    Entrypoint { json: bool },
    Healthcheck,
    Expose(Vec<Vec<u8>>),
    User(Vec<u8>),
    Volume(Vec<Vec<u8>>),
    StopSignal(Vec<u8>),
    Arg(Vec<ArgKv>),
    Shell,
}

/// A command inside a stage.
#[derive(Debug, Clone)]
pub(crate) struct Command {
    /// The instruction word as written.
    pub(crate) name: Vec<u8>,
    pub(crate) start_line: usize,
    pub(crate) end_line: usize,
    pub(crate) original: Vec<u8>,
    pub(crate) kind: Kind,
}

/// A `FROM` and the commands that follow it.
#[derive(Debug, Clone)]
pub(crate) struct StageDecl {
    pub(crate) base_name: Vec<u8>,
    /// Lower-cased stage name, "" for none.
    pub(crate) name: String,
    pub(crate) orig_cmd: Vec<u8>,
    pub(crate) platform: String,
    pub(crate) start_line: usize,
    pub(crate) end_line: usize,
    pub(crate) commands: Vec<Command>,
}

/// A global ARG (before the first FROM).
#[derive(Debug, Clone)]
pub(crate) struct MetaArg {
    pub(crate) args: Vec<ArgKv>,
    pub(crate) start_line: usize,
}

/// An instruction error with its location (category `instruction`).
#[derive(Debug, Clone)]
pub(crate) struct InstrError {
    pub(crate) message: String,
    pub(crate) line: usize,
    pub(crate) text: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagType {
    Bool,
    Str,
    Strs,
}

#[derive(Debug, Clone, Default)]
struct FlagVal {
    used: bool,
    value: String,
    values: Vec<String>,
}

/// `BFlags.Parse`: values for `specs` (name, type, default), in order.
fn parse_flags(args: &[String], specs: &[(&str, FlagType, &str)]) -> Result<Vec<FlagVal>, String> {
    let mut vals: Vec<FlagVal> = specs
        .iter()
        .map(|(_, ty, def)| FlagVal {
            used: false,
            value: match ty {
                FlagType::Bool => {
                    if *def == "true" {
                        "true".into()
                    } else {
                        "false".into()
                    }
                }
                _ => (*def).to_owned(),
            },
            values: Vec::new(),
        })
        .collect();
    for arg in args {
        let Some(body) = arg.strip_prefix("--") else {
            return Err(format!("arg should start with -- : {arg}"));
        };
        if arg == "--" {
            return Ok(vals);
        }
        let (name, value, has_value) = match body.split_once('=') {
            Some((n, v)) => (n, v, true),
            None => (body, "", false),
        };
        let Some(idx) = specs.iter().position(|(n, _, _)| *n == name) else {
            let mut msg = format!("unknown flag: --{name}");
            let names: Vec<String> = specs.iter().map(|(n, _, _)| (*n).to_owned()).collect();
            if let Some(s) = golike::suggest(name, &names, true) {
                msg.push_str(&format!(" (did you mean {s}?)"));
            }
            return Err(msg);
        };
        let ty = specs.get(idx).map_or(FlagType::Str, |s| s.1);
        let Some(val) = vals.get_mut(idx) else {
            continue;
        };
        if val.used && ty != FlagType::Strs {
            return Err(format!("duplicate flag specified: {name}"));
        }
        val.used = true;
        match ty {
            FlagType::Bool => {
                if has_value && value.is_empty() {
                    return Err(format!("missing a value on flag: {name}"));
                }
                match value.to_ascii_lowercase().as_str() {
                    "true" | "" => val.value = "true".into(),
                    "false" => val.value = "false".into(),
                    _ => {
                        return Err(format!("expecting boolean value for flag {name}, not: {value}"));
                    }
                }
            }
            FlagType::Str => {
                if !has_value {
                    return Err(format!("missing a value on flag: {name}"));
                }
                val.value = value.to_owned();
            }
            FlagType::Strs => {
                if !has_value {
                    return Err(format!("missing a value on flag: {name}"));
                }
                val.values.push(value.to_owned());
            }
        }
    }
    Ok(vals)
}

fn flag(vals: &[FlagVal], i: usize) -> FlagVal {
    vals.get(i).cloned().unwrap_or_default()
}

const INSTRUCTIONS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// What one node parses into.
pub(crate) enum Instr {
    Stage(StageDecl),
    Command(Command),
}

fn at_least_one(cmd: &str) -> String {
    format!("{cmd} requires at least one argument")
}

fn exactly_one(cmd: &str) -> String {
    format!("{cmd} requires exactly one argument")
}

/// `ParseInstructionWithLinter`.
pub(crate) fn parse_instruction(node: &Node, lint: &mut Linter) -> Result<Instr, String> {
    let lower = golike::to_lower(&node.value);
    let args = &node.args;
    let flags = &node.flags;
    let line = node.start_line;
    let cmd = |kind: Kind| {
        Instr::Command(Command {
            name: node.value.clone(),
            start_line: node.start_line,
            end_line: node.end_line,
            original: node.original.clone(),
            kind,
        })
    };
    match lower.as_slice() {
        b"env" | b"label" => {
            let name = if lower == b"env" { "ENV" } else { "LABEL" };
            parse_flags(flags, &[])?;
            if args.is_empty() {
                return Err(at_least_one(name));
            }
            if !args.len().is_multiple_of(3) {
                return Err(format!("Bad input to {name}, too many arguments"));
            }
            let mut kvs = Vec::new();
            for ch in args.chunks(3) {
                let (Some(k), Some(v), Some(d)) = (ch.first(), ch.get(1), ch.get(2)) else {
                    continue;
                };
                if k.is_empty() {
                    return Err(format!("{name} names can not be blank"));
                }
                kvs.push(Kv { key: k.clone(), value: v.clone(), no_delim: d.is_empty() });
            }
            Ok(cmd(if name == "ENV" { Kind::Env(kvs) } else { Kind::Label(kvs) }))
        }
        b"maintainer" => {
            lint.run(
                LintRule::MaintainerDeprecated,
                line,
                "Maintainer instruction is deprecated in favor of using label".into(),
            );
            if args.len() != 1 {
                return Err(exactly_one("MAINTAINER"));
            }
            parse_flags(flags, &[])?;
            Ok(cmd(Kind::Maintainer))
        }
        b"add" => {
            if args.len() < 2 {
                return Err(no_destination("ADD"));
            }
            let v = parse_flags(
                flags,
                &[
                    ("exclude", FlagType::Strs, ""),
                    ("chown", FlagType::Str, ""),
                    ("chmod", FlagType::Str, ""),
                    ("link", FlagType::Bool, "false"),
                    ("keep-git-dir", FlagType::Bool, "false"),
                    ("checksum", FlagType::Str, ""),
                    ("unpack", FlagType::Bool, "false"),
                ],
            )?;
            let sd = sources_and_dest(args, &node.heredocs, "ADD")?;
            let kg = flag(&v, 4);
            Ok(cmd(Kind::Add(AddCmd {
                sd,
                chown: flag(&v, 1).value,
                chmod: flag(&v, 2).value,
                keep_git_dir: kg.used.then(|| kg.value == "true"),
                checksum: flag(&v, 5).value,
                excludes: flag(&v, 0).values,
                json: node.json,
            })))
        }
        b"copy" => {
            if args.len() < 2 {
                return Err(no_destination("COPY"));
            }
            let v = parse_flags(
                flags,
                &[
                    ("exclude", FlagType::Strs, ""),
                    ("parents", FlagType::Bool, "false"),
                    ("chown", FlagType::Str, ""),
                    ("from", FlagType::Str, ""),
                    ("chmod", FlagType::Str, ""),
                    ("link", FlagType::Bool, "false"),
                ],
            )?;
            let sd = sources_and_dest(args, &node.heredocs, "COPY")?;
            Ok(cmd(Kind::Copy(CopyCmd {
                sd,
                from: flag(&v, 3).value,
                chown: flag(&v, 2).value,
                chmod: flag(&v, 4).value,
                parents: flag(&v, 1).value == "true",
                excludes: flag(&v, 0).values,
                json: node.json,
            })))
        }
        b"from" => {
            if args.len() == 3
                && let Some(n) = args.get(2)
                && golike::to_lower(n) != *n
            {
                lint.run(
                    LintRule::StageNameCasing,
                    line,
                    format!("Stage name '{}' should be lowercase", golike::lossy(n)),
                );
            }
            if !from_case_matches_as(&node.value, args) {
                lint.run(
                    LintRule::FromAsCasing,
                    line,
                    format!(
                        "'{}' and '{}' keywords' casing do not match",
                        golike::lossy(args.get(1).map(Vec::as_slice).unwrap_or_default()),
                        golike::lossy(&node.value)
                    ),
                );
            }
            let name = stage_name(args)?;
            let v = parse_flags(flags, &[("platform", FlagType::Str, "")])?;
            if !name.is_empty() {
                definition_description("FROM", std::slice::from_ref(&name), &node.prev_comment, line, lint);
            }
            Ok(Instr::Stage(StageDecl {
                base_name: args.first().cloned().unwrap_or_default(),
                name,
                orig_cmd: node.value.clone(),
                platform: flag(&v, 0).value,
                start_line: node.start_line,
                end_line: node.end_line,
                commands: Vec::new(),
            }))
        }
        b"onbuild" => {
            let Some(first) = args.first() else {
                return Err(at_least_one("ONBUILD"));
            };
            parse_flags(flags, &[])?;
            let trigger = golike::to_upper(golike::trim_space(first));
            match trigger.as_slice() {
                b"ONBUILD" => {
                    return Err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into());
                }
                b"MAINTAINER" | b"FROM" => {
                    return Err(format!("{} isn't allowed as an ONBUILD trigger", golike::lossy(&trigger)));
                }
                _ => {}
            }
            let mut expr = strip_onbuild(&node.original).to_vec();
            for h in &node.heredocs {
                expr.push(b'\n');
                expr.extend_from_slice(&h.content);
                expr.extend_from_slice(h.name.as_bytes());
            }
            Ok(cmd(Kind::Onbuild(expr)))
        }
        b"workdir" => {
            if args.len() != 1 {
                return Err(exactly_one("WORKDIR"));
            }
            parse_flags(flags, &[])?;
            Ok(cmd(Kind::Workdir(args.first().cloned().unwrap_or_default())))
        }
        b"run" => {
            let v = parse_flags(
                flags,
                &[
                    ("device", FlagType::Strs, ""),
                    ("mount", FlagType::Strs, ""),
                    ("network", FlagType::Str, "default"),
                    ("security", FlagType::Str, "sandbox"),
                ],
            )?;
            for d in &flag(&v, 0).values {
                csv_fields(d).map_err(|e| format!("failed to parse csv devices: {e}"))?;
            }
            let mounts = flag(&v, 1).values;
            let mut mount_froms = Vec::new();
            for m in &mounts {
                mount_froms.push(mount_from_first_pass(m)?);
            }
            let network = flag(&v, 2).value;
            if !matches!(network.as_str(), "default" | "none" | "host") {
                return Err(format!("invalid network mode {}", golike::quote(&network)));
            }
            let security = flag(&v, 3).value;
            if !matches!(security.as_str(), "sandbox" | "insecure") {
                return Err(format!("security {} is not valid", golike::quote(&security)));
            }
            Ok(cmd(Kind::Run(RunCmd { mounts, mount_froms, files: node.heredocs.len(), json: node.json })))
        }
        b"cmd" => {
            parse_flags(flags, &[])?;
            Ok(cmd(Kind::Cmd { json: node.json }))
        }
        b"entrypoint" => {
            parse_flags(flags, &[])?;
            Ok(cmd(Kind::Entrypoint { json: node.json }))
        }
        b"healthcheck" => {
            let Some(first) = args.first() else {
                return Err(at_least_one("HEALTHCHECK"));
            };
            let typ = golike::to_upper(first);
            let rest = args.get(1..).unwrap_or_default();
            if typ == b"NONE" {
                if !rest.is_empty() {
                    return Err("HEALTHCHECK NONE takes no arguments".into());
                }
                return Ok(cmd(Kind::Healthcheck));
            }
            let v = parse_flags(
                flags,
                &[
                    ("interval", FlagType::Str, ""),
                    ("timeout", FlagType::Str, ""),
                    ("start-period", FlagType::Str, ""),
                    ("start-interval", FlagType::Str, ""),
                    ("retries", FlagType::Str, ""),
                ],
            )?;
            if typ != b"CMD" {
                return Err(format!("Unknown type {} in HEALTHCHECK (try CMD)", golike::quote_bytes(&typ)));
            }
            if rest.is_empty() {
                return Err("Missing command after HEALTHCHECK CMD".into());
            }
            for (i, name) in ["interval", "timeout", "start-period", "start-interval"].iter().enumerate() {
                let val = flag(&v, i).value;
                if !val.is_empty() {
                    check_interval(name, &val)?;
                }
            }
            let retries = flag(&v, 4).value;
            if !retries.is_empty() {
                match golike::atoi(&retries) {
                    Some(r) if i32::try_from(r).is_ok() => {
                        if r < 1 {
                            return Err(format!("--retries must be at least 1 (not {r})"));
                        }
                    }
                    _ => {
                        return Err(format!("strconv.ParseInt: parsing {}: invalid syntax", golike::quote(&retries)));
                    }
                }
            }
            Ok(cmd(Kind::Healthcheck))
        }
        b"expose" => {
            if args.is_empty() {
                return Err(at_least_one("EXPOSE"));
            }
            parse_flags(flags, &[])?;
            let mut ports = args.clone();
            ports.sort();
            Ok(cmd(Kind::Expose(ports)))
        }
        b"user" => {
            if args.len() != 1 {
                return Err(exactly_one("USER"));
            }
            parse_flags(flags, &[])?;
            Ok(cmd(Kind::User(args.first().cloned().unwrap_or_default())))
        }
        b"volume" => {
            if args.is_empty() {
                return Err(at_least_one("VOLUME"));
            }
            parse_flags(flags, &[])?;
            let mut vols = Vec::new();
            for a in args {
                let t = golike::trim_space(a);
                if t.is_empty() {
                    return Err("VOLUME specified can not be an empty string".into());
                }
                vols.push(t.to_vec());
            }
            Ok(cmd(Kind::Volume(vols)))
        }
        b"stopsignal" => {
            if args.len() != 1 {
                return Err(exactly_one("STOPSIGNAL"));
            }
            // parseStopSignal never looks at flags.
            Ok(cmd(Kind::StopSignal(args.first().cloned().unwrap_or_default())))
        }
        b"arg" => {
            if args.is_empty() {
                return Err(at_least_one("ARG"));
            }
            let mut kvs = Vec::new();
            for a in args {
                match a.iter().position(|&b| b == b'=') {
                    Some(i) => {
                        let k = a.get(..i).unwrap_or_default();
                        if k.is_empty() {
                            return Err("ARG names can not be blank".into());
                        }
                        kvs.push(ArgKv { key: k.to_vec(), value: Some(a.get(i + 1..).unwrap_or_default().to_vec()) });
                    }
                    None => {
                        if a.is_empty() {
                            return Err("ARG names can not be blank".into());
                        }
                        kvs.push(ArgKv { key: a.clone(), value: None });
                    }
                }
            }
            let keys: Vec<String> = kvs.iter().map(|k| golike::lossy(&k.key)).collect();
            definition_description("ARG", &keys, &node.prev_comment, line, lint);
            Ok(cmd(Kind::Arg(kvs)))
        }
        b"shell" => {
            parse_flags(flags, &[])?;
            if args.is_empty() {
                return Err(at_least_one("SHELL"));
            }
            if !node.json {
                return Err("SHELL requires the arguments to be in JSON form".into());
            }
            Ok(cmd(Kind::Shell))
        }
        _ => {
            let value = golike::lossy(&node.value);
            let mut msg = format!("unknown instruction: {value}");
            let names: Vec<String> = INSTRUCTIONS.iter().map(|s| (*s).to_owned()).collect();
            if let Some(s) = golike::suggest(&value, &names, false) {
                msg.push_str(&format!(" (did you mean {s}?)"));
            }
            Err(msg)
        }
    }
}

fn no_destination(cmd: &str) -> String {
    format!("{cmd} requires at least two arguments, but only one was provided. Destination could not be determined")
}

/// `doesFromCaseMatchAsCase`.
fn from_case_matches_as(from: &[u8], args: &[Vec<u8>]) -> bool {
    let Some(as_word) = args.get(1).filter(|_| args.len() >= 3) else {
        return true;
    };
    let lower = golike::to_lower(from) == from;
    let upper = golike::to_upper(from) == from;
    if !lower && !upper {
        return true;
    }
    if lower { golike::to_lower(as_word) == *as_word } else { golike::to_upper(as_word) == *as_word }
}

/// `parseBuildStageName`.
fn stage_name(args: &[Vec<u8>]) -> Result<String, String> {
    if args.len() == 3
        && let (Some(as_word), Some(name)) = (args.get(1), args.get(2))
        && golike::equal_fold_ascii(as_word, "as")
    {
        let lower = golike::lossy(&golike::to_lower(name));
        let mut chars = lower.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
        if !valid {
            return Err(format!(
                "invalid name for build stage: {}, name can't start with a number or contain symbols",
                golike::quote_bytes(name)
            ));
        }
        return Ok(lower);
    }
    if args.len() != 1 {
        return Err("FROM requires either one or three arguments".into());
    }
    Ok(String::new())
}

/// `validateDefinitionDescription` (experimental rule).
fn definition_description(instr: &str, keys: &[String], comments: &[String], line: usize, lint: &mut Linter) {
    let (Some(last), Some(first_key)) = (comments.last(), keys.first()) else {
        return;
    };
    let first_word = last.split(' ').next().unwrap_or_default();
    if keys.iter().any(|k| k == first_word) {
        return;
    }
    let example = if keys.len() > 1 { "<arg_key>" } else { first_key.as_str() };
    lint.run(
        LintRule::InvalidDefinitionDescription,
        line,
        format!("Comment for {instr} should follow the format: `# {example} <description>`"),
    );
}

/// `(?i)^\s*ONBUILD\s*` removed from the original line.
fn strip_onbuild(orig: &[u8]) -> &[u8] {
    let is_ws = |b: u8| matches!(b, b'\t' | b'\n' | 0x0C | b'\r' | b' ');
    let mut i = 0;
    while orig.get(i).copied().is_some_and(is_ws) {
        i += 1;
    }
    let Some(word) = orig.get(i..i + 7) else {
        return orig;
    };
    if !word.eq_ignore_ascii_case(b"onbuild") {
        return orig;
    }
    i += 7;
    while orig.get(i).copied().is_some_and(is_ws) {
        i += 1;
    }
    orig.get(i..).unwrap_or_default()
}

/// `parseSourcesAndDest`.
fn sources_and_dest(args: &[Vec<u8>], heredocs: &[Heredoc], cmd: &str) -> Result<SourcesAndDest, String> {
    let Some((dest, srcs)) = args.split_last() else {
        return Err(no_destination(cmd));
    };
    if parser::must_parse_heredoc(dest).is_some() {
        return Err(format!("{cmd} cannot accept a heredoc as a destination"));
    }
    let mut sources = Vec::new();
    let mut contents = Vec::new();
    for src in srcs {
        if let Some(h) = parser::must_parse_heredoc(src) {
            let mut data =
                heredocs.iter().rev().find(|d| d.name == h.name).map(|d| d.content.clone()).unwrap_or_default();
            if h.chomp {
                data = chomp(&data);
            }
            contents.push(SourceContent { path: h.name, data, expand: h.expand });
        } else {
            sources.push(src.clone());
        }
    }
    Ok(SourcesAndDest { dest: dest.clone(), sources, contents })
}

/// `ChompHeredocContent`: leading tabs removed from every line.
fn chomp(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut at_start = true;
    for &b in data {
        if at_start && b == b'\t' {
            continue;
        }
        at_start = b == b'\n';
        out.push(b);
    }
    out
}

/// `csvvalue.Fields`: one CSV record.
pub(crate) fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    let mut line = line;
    if let Some(l) = line.strip_suffix('\n') {
        line = l.strip_suffix('\r').unwrap_or(l);
    }
    if line.is_empty() {
        return Err("EOF".into());
    }
    let mut out: Vec<String> = Vec::new();
    let mut rest = line;
    'field: loop {
        if !rest.starts_with('"') {
            let (field, next) = match rest.find(',') {
                Some(i) => (rest.get(..i).unwrap_or_default(), rest.get(i + 1..)),
                None => (rest, None),
            };
            if field.contains('"') {
                return Err("bare \" in non-quoted-field".into());
            }
            out.push(field.to_owned());
            match next {
                Some(n) => {
                    rest = n;
                    continue 'field;
                }
                None => break 'field,
            }
        }
        rest = rest.get(1..).unwrap_or_default();
        let mut half_open = false;
        loop {
            let Some(i) = rest.find('"') else {
                return Err("extraneous or missing \" in quoted-field".into());
            };
            let piece = rest.get(..i).unwrap_or_default();
            if half_open {
                if let Some(last) = out.last_mut() {
                    last.push_str(piece);
                }
            } else {
                out.push(piece.to_owned());
            }
            rest = rest.get(i + 1..).unwrap_or_default();
            match rest.chars().next() {
                Some('"') => {
                    if let Some(last) = out.last_mut() {
                        last.push('"');
                    }
                    rest = rest.get(1..).unwrap_or_default();
                    half_open = true;
                }
                Some(',') => {
                    rest = rest.get(1..).unwrap_or_default();
                    continue 'field;
                }
                None => break 'field,
                Some(_) => return Err("extraneous or missing \" in quoted-field".into()),
            }
        }
    }
    Ok(out)
}

/// The first, unexpanded pass over a `--mount` value: only `from` is read
/// (and must not use a variable); everything else waits for expansion.
fn mount_from_first_pass(value: &str) -> Result<String, String> {
    let fields = csv_fields(value).map_err(|e| format!("failed to parse csv mounts: {e}"))?;
    let mut from = String::new();
    for f in fields {
        let Some((k, v)) = f.split_once('=') else {
            continue;
        };
        if golike::to_lower_str(k) == "from" {
            if let Some(i) = v.find('$')
                && i != v.len() - 1
            {
                return Err("'from' doesn't support variable expansion, define alias stage instead".into());
            }
            from = v.to_owned();
        }
    }
    Ok(from)
}

/// `parseOptInterval`: a Go duration, zero or at least 1ms.
fn check_interval(name: &str, v: &str) -> Result<(), String> {
    let d = parse_duration(v).ok_or_else(|| format!("time: invalid duration {}", golike::quote(v)))?;
    if d != 0 && d < 1_000_000 {
        return Err(format!("Interval {} cannot be less than 1ms", golike::quote(name)));
    }
    Ok(())
}

/// `time.ParseDuration`, in nanoseconds.
pub(crate) fn parse_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = rest.get(..int_len)?;
        rest = rest.get(int_len..)?;
        let mut frac_part = "";
        if let Some(r) = rest.strip_prefix('.') {
            let flen = r.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = r.get(..flen)?;
            rest = r.get(flen..)?;
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let unit_len = rest.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(rest.len());
        let unit = rest.get(..unit_len)?;
        rest = rest.get(unit_len..)?;
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        let int_val: i128 = if int_part.is_empty() { 0 } else { int_part.parse().ok()? };
        let mut v = int_val.checked_mul(scale)?;
        if !frac_part.is_empty() {
            let digits = frac_part.get(..frac_part.len().min(30))?;
            let f: i128 = digits.parse().ok()?;
            let div = 10i128.checked_pow(u32::try_from(digits.len()).ok()?)?;
            v = v.checked_add(f.checked_mul(scale)? / div)?;
        }
        total = total.checked_add(v)?;
        if total > i128::from(i64::MAX) {
            return None;
        }
    }
    Some(if neg { -total } else { total })
}

/// `instructions.Parse`: the global ARGs and the stages.
pub(crate) fn parse(nodes: &[Node], lint: &mut Linter) -> Result<(Vec<StageDecl>, Vec<MetaArg>), InstrError> {
    let mut stages: Vec<StageDecl> = Vec::new();
    let mut meta = Vec::new();
    for n in nodes {
        let instr = parse_instruction(n, lint).map_err(|e| InstrError {
            message: format!("dockerfile parse error on line {}: {e}", n.start_line),
            line: n.start_line,
            text: Some(golike::lossy(&n.original)),
        })?;
        match instr {
            Instr::Stage(s) => stages.push(s),
            Instr::Command(c) => {
                if stages.is_empty()
                    && let Kind::Arg(args) = &c.kind
                {
                    meta.push(MetaArg { args: args.clone(), start_line: c.start_line });
                    continue;
                }
                let Some(stage) = stages.last_mut() else {
                    return Err(InstrError {
                        message: "no build stage in current context".into(),
                        line: n.start_line,
                        text: Some(golike::lossy(&n.original)),
                    });
                };
                stage.end_line = c.end_line;
                stage.commands.push(c);
            }
        }
    }
    Ok((stages, meta))
}

/// `ParseCommand` for an ONBUILD trigger (no linter; a FROM is refused).
pub(crate) fn parse_command(node: &Node) -> Result<Command, String> {
    match parse_instruction(node, &mut Linter::disabled())? {
        Instr::Command(c) => Ok(c),
        Instr::Stage(_) => Err("*instructions.Stage is not a command type".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv() {
        assert_eq!(csv_fields("a=1,b=2").unwrap(), vec!["a=1", "b=2"]);
        assert_eq!(csv_fields("\"a=1,2\",b").unwrap(), vec!["a=1,2", "b"]);
        assert_eq!(csv_fields("a,").unwrap(), vec!["a", ""]);
        assert!(csv_fields("").is_err());
        assert!(csv_fields("a\"b").is_err());
        assert!(csv_fields("\"a\"b").is_err());
        assert_eq!(csv_fields("\"a\"\"b\"").unwrap(), vec!["a\"b"]);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Some(30_000_000_000));
        assert_eq!(parse_duration("1h2m"), Some(3_720_000_000_000));
        assert_eq!(parse_duration("1.5ms"), Some(1_500_000));
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("x"), None);
    }

    #[test]
    fn flags() {
        let specs = [("from", FlagType::Str, ""), ("link", FlagType::Bool, "false")];
        let v = parse_flags(&["--from=a".into(), "--link".into()], &specs).unwrap();
        assert_eq!(v[0].value, "a");
        assert_eq!(v[1].value, "true");
        assert!(parse_flags(&["--foo=bar".into()], &specs).unwrap_err().starts_with("unknown flag: --foo"));
        assert!(parse_flags(&["--from".into()], &specs).is_err());
        assert!(parse_flags(&["--link=".into()], &specs).is_err());
        assert!(parse_flags(&["--from=a".into(), "--from=b".into()], &specs).is_err());
    }
}
