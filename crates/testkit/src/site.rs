//! Judging a published static site (`scs-cert publish -o DIR`) with real tools.
//!
//! - [`check_links`]: every relative `href`/`src` (and `xlink:href`, `srcset`, …) of every
//!   `*.html` under the directory names an existing file inside it, every `#fragment` into an
//!   HTML page names an `id` there, and no `javascript:` URL appears anywhere. Pure Rust (a
//!   WHATWG tokenizer), no external tool.

mod links;

pub use links::check_links;
