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

use yew::prelude::*;

use crate::app::StateHandle;
use crate::state::Action;

/// Props every panel takes.
#[derive(Properties, PartialEq, Clone)]
pub struct PanelProps {
    /// The state.
    pub state: StateHandle,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}
