//! BuildKit's Dockerfile checks (`frontend/dockerfile/linter`): the rules the
//! frontend runs while converting, and the `# check=` directive that turns
//! their warnings into a build error.

use serde::Serialize;

/// A rule of BuildKit's Dockerfile linter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum LintRule {
    /// `StageNameCasing`: stage names should be lowercase.
    StageNameCasing,
    /// `FromAsCasing`: `AS` should match the casing of `FROM`.
    FromAsCasing,
    /// `NoEmptyContinuation`: empty continuation lines.
    NoEmptyContinuation,
    /// `ConsistentInstructionCasing`: instructions should use one casing.
    ConsistentInstructionCasing,
    /// `DuplicateStageName`: stage names should be unique.
    DuplicateStageName,
    /// `ReservedStageName`: `scratch` and `context` are reserved.
    ReservedStageName,
    /// `JSONArgsRecommended`: exec form for CMD and ENTRYPOINT.
    JsonArgsRecommended,
    /// `MaintainerDeprecated`: MAINTAINER is deprecated.
    MaintainerDeprecated,
    /// `UndefinedArgInFrom`: FROM uses an undeclared ARG.
    UndefinedArgInFrom,
    /// `WorkdirRelativePath`: relative WORKDIR without an absolute one.
    WorkdirRelativePath,
    /// `UndefinedVar`: a variable is used before it is defined.
    UndefinedVar,
    /// `MultipleInstructionsDisallowed`: several CMD/ENTRYPOINT/HEALTHCHECK.
    MultipleInstructionsDisallowed,
    /// `LegacyKeyValueFormat`: `ENV key value` instead of `ENV key=value`.
    LegacyKeyValueFormat,
    /// `InvalidBaseImagePlatform`: base image platform differs (needs a
    /// real registry; never reported here).
    InvalidBaseImagePlatform,
    /// `RedundantTargetPlatform`: `FROM --platform=$TARGETPLATFORM`.
    RedundantTargetPlatform,
    /// `SecretsUsedInArgOrEnv`: a secret-looking ARG/ENV name.
    SecretsUsedInArgOrEnv,
    /// `InvalidDefaultArgInFrom`: default ARG values give an invalid FROM.
    InvalidDefaultArgInFrom,
    /// `FromPlatformFlagConstDisallowed`: a constant `FROM --platform`.
    FromPlatformFlagConstDisallowed,
    /// `ExposeProtoCasing`: EXPOSE protocol should be lowercase.
    ExposeProtoCasing,
    /// `ExposeInvalidFormat`: EXPOSE with an IP or host port.
    ExposeInvalidFormat,
    /// `InvalidDefinitionDescription` (experimental): a comment above an
    /// ARG or a named stage should start with its name.
    InvalidDefinitionDescription,
}

impl LintRule {
    /// The rule's name as BuildKit spells it.
    pub fn name(self) -> &'static str {
        match self {
            LintRule::StageNameCasing => "StageNameCasing",
            LintRule::FromAsCasing => "FromAsCasing",
            LintRule::NoEmptyContinuation => "NoEmptyContinuation",
            LintRule::ConsistentInstructionCasing => "ConsistentInstructionCasing",
            LintRule::DuplicateStageName => "DuplicateStageName",
            LintRule::ReservedStageName => "ReservedStageName",
            LintRule::JsonArgsRecommended => "JSONArgsRecommended",
            LintRule::MaintainerDeprecated => "MaintainerDeprecated",
            LintRule::UndefinedArgInFrom => "UndefinedArgInFrom",
            LintRule::WorkdirRelativePath => "WorkdirRelativePath",
            LintRule::UndefinedVar => "UndefinedVar",
            LintRule::MultipleInstructionsDisallowed => "MultipleInstructionsDisallowed",
            LintRule::LegacyKeyValueFormat => "LegacyKeyValueFormat",
            LintRule::InvalidBaseImagePlatform => "InvalidBaseImagePlatform",
            LintRule::RedundantTargetPlatform => "RedundantTargetPlatform",
            LintRule::SecretsUsedInArgOrEnv => "SecretsUsedInArgOrEnv",
            LintRule::InvalidDefaultArgInFrom => "InvalidDefaultArgInFrom",
            LintRule::FromPlatformFlagConstDisallowed => "FromPlatformFlagConstDisallowed",
            LintRule::ExposeProtoCasing => "ExposeProtoCasing",
            LintRule::ExposeInvalidFormat => "ExposeInvalidFormat",
            LintRule::InvalidDefinitionDescription => "InvalidDefinitionDescription",
        }
    }

    fn experimental(self) -> bool {
        matches!(self, LintRule::InvalidDefinitionDescription)
    }
}

/// One warning the checks produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintWarning {
    /// The rule.
    pub rule: LintRule,
    /// 1-based line of the instruction the warning is about (0 if none).
    pub line: usize,
    /// Human-readable message (BuildKit's wording).
    pub message: String,
}

/// `linter.Config` as parsed from `# check=...`.
#[derive(Debug, Clone, Default)]
pub(crate) struct LintConfig {
    pub(crate) skip_all: bool,
    pub(crate) skip: Vec<String>,
    pub(crate) experimental_all: bool,
    pub(crate) experimental: Vec<String>,
    pub(crate) error: bool,
}

/// `linter.ParseLintOptions`.
pub(crate) fn parse_lint_options(s: &str) -> Result<LintConfig, String> {
    let s = s.trim_matches(|c: char| c.is_whitespace());
    let mut cfg = LintConfig::default();
    if s.is_empty() {
        return Ok(cfg);
    }
    let split_list = |v: &str| -> Vec<String> {
        v.split(',').map(|r| r.trim_matches(|c: char| c.is_whitespace()).to_owned()).collect()
    };
    for part in s.splitn(3, ';') {
        let Some((k, v)) = part.split_once('=') else {
            return Err(format!("invalid check option {:?}", part));
        };
        let v = v.trim_matches(|c: char| c.is_whitespace());
        match k.trim_matches(|c: char| c.is_whitespace()) {
            "skip" => {
                if v == "all" {
                    cfg.skip_all = true;
                } else {
                    cfg.skip = split_list(v);
                }
            }
            "experimental" => {
                if v == "all" {
                    cfg.experimental_all = true;
                } else {
                    cfg.experimental = split_list(v);
                }
            }
            "error" => match super::golike::parse_bool(v) {
                Some(b) => cfg.error = b,
                None => return Err(format!("failed to parse check option {:?}", part)),
            },
            other => return Err(format!("invalid check option {:?}", other)),
        }
    }
    Ok(cfg)
}

/// Collects warnings; `error()` is BuildKit's `lint.Error()`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Linter {
    config: LintConfig,
    enabled: bool,
    pub(crate) warnings: Vec<LintWarning>,
}

impl Linter {
    pub(crate) fn new(config: LintConfig) -> Linter {
        Linter { config, enabled: true, warnings: Vec::new() }
    }

    /// A linter that records nothing (BuildKit parses ONBUILD triggers
    /// without one).
    pub(crate) fn disabled() -> Linter {
        Linter::default()
    }

    /// Whether `rule` is reported at all (enabled, not skipped).
    pub(crate) fn reports(&self, rule: LintRule) -> bool {
        if !self.enabled {
            return false;
        }
        let name = rule.name();
        if rule.experimental() {
            self.config.experimental_all || self.config.experimental.iter().any(|r| r == name)
        } else {
            !(self.config.skip_all || self.config.skip.iter().any(|r| r == name))
        }
    }

    /// `Linter.Run`.
    pub(crate) fn run(&mut self, rule: LintRule, line: usize, message: String) {
        if self.reports(rule) {
            self.warnings.push(LintWarning { rule, line, message });
        }
    }

    /// The rules that fired, when `error=true` makes them fatal.
    pub(crate) fn error(&self) -> Option<(Vec<String>, usize)> {
        if !self.config.error || self.warnings.is_empty() {
            return None;
        }
        let mut rules: Vec<String> = self.warnings.iter().map(|w| w.rule.name().to_owned()).collect();
        rules.sort();
        rules.dedup();
        let line = self.warnings.first().map_or(0, |w| w.line);
        Some((rules, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options() {
        let c = parse_lint_options("skip=A,B;error=true").unwrap();
        assert!(c.error);
        assert_eq!(c.skip, vec!["A", "B"]);
        assert!(parse_lint_options("error=maybe").is_err());
        assert!(parse_lint_options("nope").is_err());
        assert!(parse_lint_options("").unwrap().skip.is_empty());
    }
}
