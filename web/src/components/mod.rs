//! The page's parts. Each renders a slice of [`crate::state::State`] and
//! dispatches [`crate::state::Action`]s; none holds state of its own beyond
//! what the DOM needs (text area scroll positions).

pub mod header;
pub mod input;
pub mod insight;
pub mod rules;
pub mod summary;
pub mod tree;
pub mod treemap;

use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::app::StateHandle;
use crate::protocol::Snapshot;
use crate::state::{Action, State};

/// Runs `f` once the browser has painted the next frame: a task queued
/// from an animation frame callback runs after that frame.
fn after_paint(f: impl FnOnce() + 'static) {
    let Some(w) = web_sys::window() else { return f() };
    let task = Closure::once_into_js(f);
    let frame = Closure::once_into_js(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(task.unchecked_ref(), 0);
        }
    });
    let _ = w.request_animation_frame(frame.unchecked_ref());
}

/// The answer for the current input, handed to the big panels (tree,
/// treemap) only after the frame that shows the figures is painted: building
/// their rows and tiles takes longer than everything else on the page. Until
/// then they keep what they show (never the rows of another input).
#[hook]
pub fn use_painted_snapshot(state: &State) -> Option<Rc<Snapshot>> {
    let target = state.snapshot.clone().filter(|x| x.input_rev == state.input_rev);
    let drawn = use_state(|| None::<Rc<Snapshot>>);
    {
        let drawn = drawn.clone();
        let key = target.as_ref().map(|t| Rc::as_ptr(t) as usize);
        use_effect_with(key, move |_| match target {
            None => drawn.set(None),
            Some(t) => after_paint(move || drawn.set(Some(t))),
        });
    }
    (*drawn).clone().filter(|x| x.input_rev == state.input_rev)
}

/// Props every panel takes.
#[derive(Properties, PartialEq, Clone)]
pub struct PanelProps {
    /// The state.
    pub state: StateHandle,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}
