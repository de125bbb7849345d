//! Judging a published static site (`scs-cert publish -o DIR`) with real tools.
//!
//! - [`check_links`]: every relative `href`/`src` (and `xlink:href`, `srcset`, …) of every
//!   `*.html` under the directory names an existing file inside it, every `#fragment` into an
//!   HTML page names an `id` there, and no `javascript:` URL appears anywhere. Pure Rust (a
//!   WHATWG tokenizer), no external tool.
//! - [`validate_html`]: the Nu HTML Checker (vnu, the W3C validator) over every page, in one
//!   Java process. The jar is found as [`vnu_jar`] says; `scripts/install-deps.sh` installs it.
//!
//! A missing tool follows [`crate::tools::require`]: `None` after a `SKIP:` note, or a panic
//! when `CI` is set.

mod links;
mod validator;

pub use links::check_links;
pub use validator::{VNU_VERSION, validate_html, vnu_jar};
