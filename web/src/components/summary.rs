//! The headline figures, the delta of the current edit, and the permalink.

use yew::prelude::*;

use super::PanelProps;
use crate::app::page_base;
use crate::fmt;
use crate::permalink;
use crate::protocol::Builder;

/// The figures.
#[component]
pub fn Summary(p: &PanelProps) -> Html {
    let s = &*p.state;
    let busy = s.busy();
    let Some(snap) = s.current() else {
        return html! {
            <section class="card summary" aria-busy="true">
                <div class="status busy" role="status"><span class="spinner" aria-hidden="true"></span>{ " Evaluating…" }</div>
            </section>
        };
    };
    let t = &snap.totals;
    let ex_pct = fmt::percent(t.excluded_bytes, t.all_bytes);
    let sent_w = if t.all_bytes == 0 { 100.0 } else { t.context_bytes as f64 / t.all_bytes as f64 * 100.0 };
    let bounded = t.bytes_min != t.bytes_max;
    let disk = snap.input.sizes == "disk-usage";

    let delta = match s.delta() {
        Some((b, f)) => html! {
            <div class={classes!("stat", "delta", if b < 0 { "good" } else if b > 0 { "bad" } else { "" })}
                 data-testid="edit-delta" data-bytes={b.to_string()}>
                <span class="stat-label">{ if s.baseline.as_ref().is_some_and(|x| x.builder != s.builder) { "Builder switch" } else { "This edit" } }</span>
                <span class="stat-value">{ fmt::delta(b) }</span>
                <span class="stat-sub">{ format!("{} files · was {}", match f.signum() { 0 => "±0".to_string(), 1 => format!("+{}", fmt::count(f as u64)), _ => format!("−{}", fmt::count(f.unsigned_abs())) },
                    fmt::bytes(s.baseline.as_ref().map_or(0, |x| x.bytes))) }</span>
            </div>
        },
        None => html! {
            <div class="stat delta idle">
                <span class="stat-label">{ "This edit" }</span>
                <span class="stat-value muted">{ "—" }</span>
                <span class="stat-sub">{ "Edit a rule to see what it changes" }</span>
            </div>
        },
    };

    let build_error = snap.build_error.as_ref().map(|e| {
        html! { <div class="status error" role="alert"><strong>{ "docker build would fail: " }</strong>{ e.clone() }</div> }
    });
    let disk_warning = disk.then(|| {
        html! {
            <div class="status warn">
                { "These sizes are disk blocks, not bytes: sparse files show almost nothing and small files round up \
                   to 4 KiB. A context carries apparent bytes: paste " }<code>{ "du -ab ." }</code>{ " or " }
                <code>{ "find . -type f -printf '%s %p\\n'" }</code>{ " for exact figures." }
            </div>
        }
    });

    // The permalink.
    let share = {
        let base = page_base();
        let url = s.share_url(&base).unwrap_or_default();
        let long = permalink::too_long_for_wiki(url.len());
        let rules_only = snap.share.fragment.split("&l=").next().map(|f| format!("{base}#{f}")).unwrap_or_default();
        let copy = |text: String| {
            Callback::from(move |_: MouseEvent| {
                if let Some(w) = web_sys::window() {
                    let _ = w.navigator().clipboard().write_text(&text);
                }
            })
        };
        html! {
            <div class="share">
                <span class="label">{ "Share" }</span>
                <a data-testid="share-link" href={url.clone()} class="link mono" title="Opens this exact scenario; the data is in the link itself, nothing is uploaded">
                    { if snap.share.has_listing { "Permalink (rules + listing)" } else if snap.share.pending { "Permalink (adding the listing…)" } else { "Permalink (rules)" } }
                </a>
                <button class="button small" onclick={copy(url.clone())}>{ "Copy" }</button>
                <span class={classes!("small", if long { "warn-text" } else { "muted" })}>
                    { format!("{} characters", fmt::count(url.len() as u64)) }
                    { if long { " — too long for many wikis and chats (about 2,000 max)" } else { "" } }
                </span>
                { if long && snap.share.has_listing { html! {
                    <button class="button small ghost" onclick={copy(rules_only.clone())}
                            title="A short link with the rules only">
                        { format!("Copy rules-only link ({} chars)", fmt::count(rules_only.len() as u64)) }
                    </button>
                } } else { html! {} } }
                { for snap.share.note.clone().map(|n| html! { <span class="small muted">{ n }</span> }) }
            </div>
        }
    };

    let builder_label = match snap.builder {
        Builder::Buildkit => "BuildKit sends",
        Builder::Classic => "Classic builder sends",
    };

    html! {
        <section class="card summary" aria-labelledby="summary-title" aria-busy={busy.to_string()}>
            <h2 id="summary-title" class="sr-only">{ "Summary" }</h2>
            <div class="stats">
                <div class="stat main">
                    <span class="stat-label">{ builder_label }{ if disk { html!{ <span class="badge bad">{ "disk usage" }</span> } } else { html!{} } }{ if busy { html!{ <span class="spinner" aria-label="updating"></span> } } else { html!{} } }</span>
                    <span class="stat-value big" data-testid="context-bytes" data-bytes={t.context_bytes.to_string()}
                          data-min={t.bytes_min.to_string()} data-max={t.bytes_max.to_string()}>
                        { fmt::bytes(t.context_bytes) }
                    </span>
                    <span class="stat-sub">
                        { if bounded { format!("between {} and {} · ", fmt::bytes(t.bytes_min), fmt::bytes(t.bytes_max)) } else { String::new() } }
                        { format!("of {} listed", fmt::bytes(t.all_bytes)) }
                        { if t.all_bytes_min != t.all_bytes_max { format!(" ({}–{})", fmt::bytes(t.all_bytes_min), fmt::bytes(t.all_bytes_max)) } else { String::new() } }
                    </span>
                    { for t.wire_cold.zip(t.wire_warm).map(|(cold, warm)| html! {
                        <span class="stat-sub" title="BuildKit's file-sync protocol: file data plus per-entry metadata; a repeat build with nothing changed sends the metadata only">
                            { format!("≈ {} on the wire cold, {} on a repeat build", fmt::bytes(cold), fmt::bytes(warm)) }
                        </span>
                    }) }
                </div>
                <div class="stat" data-testid="context-files" data-files={t.context_files.to_string()}>
                    <span class="stat-label">{ "Files sent" }</span>
                    <span class="stat-value">{ fmt::count(t.context_files) }</span>
                    <span class="stat-sub">{ format!("of {} · {} entries", fmt::count(t.all_files), fmt::count(t.entries)) }</span>
                </div>
                <div class="stat" data-testid="excluded-bytes" data-bytes={t.excluded_bytes.to_string()}>
                    <span class="stat-label">{ "Left out" }</span>
                    <span class="stat-value">{ fmt::bytes(t.excluded_bytes) }</span>
                    <span class="stat-sub">{ format!("{}% · {}", ex_pct, fmt::plural(t.excluded_files, "file", "files")) }</span>
                </div>
                { delta }
                { for t.tar_bytes.map(|tb| html! {
                    <div class="stat" data-testid="tar-bytes" data-bytes={tb.to_string()}>
                        <span class="stat-label">{ "Tar stream" }</span>
                        <span class="stat-value">{ fmt::bytes(tb) }</span>
                        <span class="stat-sub">{ "headers and padding included" }</span>
                    </div>
                }) }
            </div>
            <div class="meter" role="img"
                 aria-label={format!("{} sent, {} left out", fmt::bytes(t.context_bytes), fmt::bytes(t.excluded_bytes))}>
                <svg viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
                    <rect class="out" x="0" y="0" width="100" height="6" />
                    <rect class="in" x="0" y="0" width={format!("{sent_w:.3}")} height="6" />
                </svg>
                <div class="legend small">
                    <span><i class="sw in"></i>{ "sent" }</span>
                    <span><i class="sw out"></i>{ "left out by the rules" }</span>
                    { if snap.eval_ms > 0.0 { html!{ <span class="muted">{ format!("evaluated in {}", fmt::millis(snap.eval_ms)) }</span> } } else { html!{} } }
                </div>
            </div>
            { for build_error }
            { for disk_warning }
            { share }
        </section>
    }
}
