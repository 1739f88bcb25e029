//! Checks (lints at their lines) and suggestions with one-click edits, from
//! `ctxlens_core::insight` — the same findings the CLI prints.

use yew::prelude::*;

use super::PanelProps;
use crate::app::now;
use crate::fmt;
use crate::protocol::{LintOut, SuggestionOut};
use crate::state::Action;

/// How many suggestions are listed.
const MAX_SUGGESTIONS: usize = 6;

fn severity_icon(sev: &str) -> &'static str {
    match sev {
        "error" => "✕",
        "warning" => "⚠",
        _ => "ℹ",
    }
}

fn lint(l: &LintOut) -> Html {
    let more = l.path_count.saturating_sub(l.paths.len() as u64);
    html! {
        <li class={classes!("lint", l.severity.clone())} data-testid="lint"
            data-line={l.line.map(|x| x.to_string()).unwrap_or_default()} data-code={l.code.clone()}>
            <span class="sev" aria-label={l.severity.clone()}>{ severity_icon(&l.severity) }</span>
            <div>
                <div class="lint-head">
                    { for l.line.map(|x| html! { <span class="line-no">{ format!("line {x}") }</span> }) }
                    <code class="code">{ l.code.replace('_', " ") }</code>
                    { if l.bytes > 0 { html! { <span class="muted small">{ fmt::bytes(l.bytes) }</span> } } else { html! {} } }
                </div>
                <p>{ l.message.clone() }</p>
                { if l.paths.is_empty() { html! {} } else { html! {
                    <div class="paths small mono">
                        { for l.paths.iter().take(4).map(|p| html! { <span>{ p.clone() }</span> }) }
                        { if more > 0 || l.paths.len() > 4 {
                            html! { <span class="muted">{ format!("+{} more", fmt::count(l.path_count.saturating_sub(4.min(l.paths.len() as u64)))) }</span> }
                          } else { html! {} } }
                    </div>
                } } }
            </div>
        </li>
    }
}

fn suggestion(x: &SuggestionOut, dispatch: &Callback<Action>) -> Html {
    let applicable = matches!(x.edit.action.as_str(), "add" | "replace" | "remove" | "move_after" | "replace_file");
    let edit = x.edit.clone();
    let apply = dispatch.reform(move |_| Action::ApplyEdit(edit.clone(), now()));
    let verb = match x.edit.action.as_str() {
        "add" => "Add",
        "replace" => "Replace",
        "remove" => "Remove",
        "move_after" => "Move",
        "replace_file" => "Use",
        _ => "",
    };
    let target = match (x.edit.action.as_str(), x.edit.line) {
        ("replace" | "remove" | "move_after", Some(l)) => format!(" line {l}"),
        _ => String::new(),
    };
    html! {
        <li class="suggestion" data-testid="suggestion" data-saving={x.saving_bytes.map(|b| b.to_string()).unwrap_or_default()}>
            <div class="sugg-head">
                <code class="pattern">{ x.rule.lines().next().unwrap_or_default().to_string() }
                    { if x.rule.lines().count() > 1 { format!(" (+{} lines)", x.rule.lines().count() - 1) } else { String::new() } }
                </code>
                { match x.saving_bytes {
                    Some(b) if b > 0 => html! { <span class="saving good">{ format!("saves {}", fmt::bytes(b as u64)) }</span> },
                    Some(b) if b < 0 => html! { <span class="saving bad">{ format!("adds {}", fmt::bytes(b.unsigned_abs())) }</span> },
                    _ => html! {},
                } }
                { if applicable { html! {
                    <button class="button small" onclick={apply} title={format!("{verb}{target} in the rules above")}>
                        { format!("{verb}{target}") }
                    </button>
                } } else { html! {} } }
            </div>
            <p class="small muted">{ x.reason.clone() }</p>
        </li>
    }
}

/// The checks and suggestions card.
#[component]
pub fn InsightPanel(p: &PanelProps) -> Html {
    let s = &*p.state;
    let Some(snap) = s.current() else { return html! {} };
    if snap.input.error.is_some() || snap.input.kind == "empty" {
        return html! {};
    }
    let body = match &snap.insight {
        None => html! {
            <div class="status busy" role="status"><span class="spinner" aria-hidden="true"></span>{ " Checking the rules…" }</div>
        },
        Some(i) => {
            if let Some(why) = &i.skipped {
                html! { <p class="muted small">{ why.clone() }</p> }
            } else if i.lints.is_empty() && i.suggestions.is_empty() {
                html! { <p class="muted">{ "No problems found, nothing to suggest." }</p> }
            } else {
                html! {
                    <>
                        { if i.lints.is_empty() { html! {} } else { html! {
                            <ul class="lints" aria-label="Checks">{ for i.lints.iter().map(lint) }</ul>
                        } } }
                        { if i.suggestions.is_empty() { html! {} } else { html! {
                            <>
                                <h3>{ "Suggestions" }<span class="muted small">{ " measured on this input" }</span></h3>
                                <ul class="suggestions">
                                    { for i.suggestions.iter().take(MAX_SUGGESTIONS).map(|x| suggestion(x, &p.dispatch)) }
                                </ul>
                            </>
                        } } }
                    </>
                }
            }
        }
    };
    let count = snap.insight.as_ref().map(|i| i.lints.len()).unwrap_or(0);
    html! {
        <section class="card" aria-labelledby="checks-title">
            <div class="card-head">
                <h2 id="checks-title">{ "Checks" }
                    { if count > 0 { html! { <span class="count">{ count }</span> } } else { html! {} } }
                </h2>
            </div>
            { body }
        </section>
    }
}
