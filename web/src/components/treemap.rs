//! The treemap of the zoomed directory: sizes as areas, sent vs left out as
//! colour. The layout is computed in Rust (`ctxlens_core::treemap`) by the
//! worker; this only draws it.

use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::use_painted_snapshot;
use crate::app::StateHandle;
use crate::fmt;
use crate::protocol::TileOut;
use crate::state::{Action, State};

/// Props: the panel's plus the box the page observes for its size.
#[derive(Properties, PartialEq, Clone)]
pub struct TreemapProps {
    /// The state.
    pub state: StateHandle,
    /// Where actions go.
    pub dispatch: Callback<Action>,
    /// The drawing box (its width drives the layout).
    pub node_ref: NodeRef,
}

fn class_of(t: &TileOut) -> &'static str {
    if t.sent_bytes >= t.bytes {
        "in"
    } else if t.sent_bytes == 0 {
        "out"
    } else {
        "mix"
    }
}

/// One tile's props: a tile that did not change between two answers is not
/// rendered again (a rule edit changes a few of up to 1,500 tiles).
#[derive(Properties, PartialEq, Clone)]
struct TileProps {
    tile: TileOut,
    dispatch: UseReducerDispatcher<State>,
}

#[component]
fn Tile(p: &TileProps) -> Html {
    let t = &p.tile;
    let node = t.node;
    let dir = t.dir;
    let activate = {
        let d = p.dispatch.clone();
        move || {
            if dir {
                d.dispatch(Action::Zoom(node));
            }
            d.dispatch(Action::Select(Some(node)));
        }
    };
    let onclick = {
        let a = activate.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            a();
        })
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            activate();
        }
    });
    let label = format!(
        "{}{}: {}, {} sent{}",
        t.name,
        if dir { "/" } else { "" },
        fmt::bytes(t.bytes),
        fmt::bytes(t.sent_bytes),
        if dir { " — open" } else { "" }
    );
    let show_text = t.w >= 34.0 && t.h >= 15.0;
    // Rough text widths (11px sans): a header shows the size only beside a whole name.
    let name_w = t.name.chars().count() as f32 * 6.6 + 14.0;
    let size_w = fmt::bytes(t.bytes).len() as f32 * 6.2 + 8.0;
    let show_size = if t.subdivided { t.w >= name_w + size_w } else { t.w >= 50.0 && t.h >= 30.0 };
    let (tx, ty) = if t.subdivided { (4.0, 12.0) } else { (4.0, 13.0) };
    html! {
        <g class={classes!("tile", class_of(t), t.subdivided.then_some("frame"), format!("depth{}", t.depth.min(3)))}
           tabindex={if t.depth == 1 { "0" } else { "-1" }} role="button" aria-label={label.clone()}
           {onclick} {onkeydown}>
            <title>{ label }</title>
            <rect x={format!("{:.1}", t.x)} y={format!("{:.1}", t.y)} width={format!("{:.1}", t.w.max(0.0))}
                  height={format!("{:.1}", t.h.max(0.0))} rx="2" />
            { if show_text { html! {
                <svg x={format!("{:.1}", t.x)} y={format!("{:.1}", t.y)} width={format!("{:.1}", t.w)}
                     height={format!("{:.1}", if t.subdivided { 16.0 } else { t.h })}>
                    <text x={tx.to_string()} y={ty.to_string()} class="name">{ t.name.clone() }{ if dir { "/" } else { "" } }</text>
                    { if show_size && !t.subdivided { html! {
                        <text x="4" y="27" class="size">{ fmt::bytes(t.bytes) }</text>
                    } } else if show_size { html! {
                        <text x={format!("{:.1}", t.w - 4.0)} y="12" class="size" text-anchor="end">{ fmt::bytes(t.bytes) }</text>
                    } } else { html! {} } }
                </svg>
            } } else { html! {} } }
        </g>
    }
}

/// The treemap. New tiles are drawn after the figures are painted: up to
/// 1,500 tiles take longer to build than everything else on the page.
#[component]
pub fn TreemapView(p: &TreemapProps) -> Html {
    let drawn = use_painted_snapshot(&p.state);
    let snap = drawn.as_deref();
    let body = match snap {
        None => html! {},
        Some(snap) if snap.treemap.tiles.is_empty() => html! {
            <p class="muted empty">{ "Nothing with a size here." }</p>
        },
        Some(snap) => {
            let tm = &snap.treemap;
            let dispatch = p.state.dispatcher();
            let tiles = tm.tiles.iter().map(|t| html! { <Tile tile={t.clone()} dispatch={dispatch.clone()} /> });
            html! {
                <svg class="treemap" viewBox={format!("0 0 {} {}", tm.w, tm.h)} width={tm.w.to_string()}
                     height={tm.h.to_string()} role="group" aria-label="Treemap of the context">
                    { for tiles }
                </svg>
            }
        }
    };
    let crumbs = snap.map(|snap| {
        let n = snap.treemap.crumbs.len();
        html! {
            <nav class="crumbs" aria-label="Treemap location">
                { for snap.treemap.crumbs.iter().enumerate().map(|(i, (node, name))| {
                    let node = *node;
                    let go = p.dispatch.reform(move |_| Action::Zoom(node));
                    let label = if i == 0 { "context".to_string() } else { name.clone() };
                    html! {
                        <>
                            { if i > 0 { html!{ <span class="sep" aria-hidden="true">{ "/" }</span> } } else { html!{} } }
                            { if i + 1 == n { html! { <span class="here" aria-current="location">{ label }</span> } }
                              else { html! { <button class="crumb" onclick={go}>{ label }</button> } } }
                        </>
                    }
                }) }
            </nav>
        }
    });
    html! {
        <section class="card treemap-card" aria-labelledby="treemap-title">
            <div class="card-head">
                <h2 id="treemap-title">{ "Treemap" }</h2>
                { for crumbs }
                <div class="legend small">
                    <span><i class="sw in"></i>{ "sent" }</span>
                    <span><i class="sw mix"></i>{ "partly" }</span>
                    <span><i class="sw out"></i>{ "left out" }</span>
                </div>
            </div>
            <div class="treemap-box" ref={p.node_ref.clone()}>{ body }</div>
        </section>
    }
}
