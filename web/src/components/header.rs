//! The top bar: name, builder switch, sample, theme, share.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::PanelProps;
use crate::protocol::Builder;
use crate::state::{Action, Theme};

/// The top bar.
#[component]
pub fn Header(p: &PanelProps) -> Html {
    let s = &*p.state;
    let on_builder = p.dispatch.reform(|e: Event| {
        let v = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).map(|i| i.value()).unwrap_or_default();
        Action::SetBuilder(Builder::from_name(&v).unwrap_or_default())
    });
    let sample = p.dispatch.reform(|_| Action::LoadSample);
    let theme = s.theme;
    let toggle_theme = p.dispatch.reform(move |_| Action::SetTheme(theme.next()));
    let theme_label = match theme {
        Theme::Auto => "Theme: system",
        Theme::Light => "Theme: light",
        Theme::Dark => "Theme: dark",
    };
    let theme_icon = match theme {
        Theme::Auto => "◐",
        Theme::Light => "☀",
        Theme::Dark => "☾",
    };
    let radio = |b: Builder, label: &'static str, hint: &'static str| {
        html! {
            <label class={classes!("seg", (s.builder == b).then_some("on"))} title={hint}>
                <input type="radio" name="builder" value={b.name()} checked={s.builder == b}
                       onchange={on_builder.clone()} />
                <span>{ label }</span>
            </label>
        }
    };
    html! {
        <header class="topbar">
            <div class="brand">
                <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
                    <rect x="3" y="7" width="26" height="19" rx="3" class="logo-box" />
                    <rect x="7" y="11" width="8" height="5" rx="1" class="logo-in" />
                    <rect x="17" y="11" width="8" height="5" rx="1" class="logo-out" />
                    <rect x="7" y="18" width="18" height="4" rx="1" class="logo-in" />
                </svg>
                <div>
                    <h1>{ "ctxlens" }</h1>
                    <p class="tagline">{ "See your Docker build context before you send it" }</p>
                </div>
            </div>
            <div class="actions">
                <fieldset class="segmented" aria-label="Builder">
                    <legend class="sr-only">{ "Builder" }</legend>
                    { radio(Builder::Buildkit, "BuildKit", "docker build with BuildKit (the default since Docker 23)") }
                    { radio(Builder::Classic, "Classic", "DOCKER_BUILDKIT=0: the legacy builder's tar stream") }
                </fieldset>
                <button class="button" data-testid="sample-button" onclick={sample}
                        title="Load the monorepo from the RCA: 592 MB of context">
                    { "Sample" }
                </button>
                <button class="button icon" onclick={toggle_theme} aria-label={theme_label} title={theme_label}>
                    { theme_icon }
                </button>
            </div>
        </header>
    }
}
