//! Judging a published static site (`scs-cert publish -o DIR`) with real tools.
//!
//! - [`check_links`]: every relative `href`/`src` (and `xlink:href`, `srcset`, …) of every
//!   `*.html` under the directory names an existing file inside it, every `#fragment` into an
//!   HTML page names an `id` there, and no `javascript:` URL appears anywhere. Pure Rust (a
//!   WHATWG tokenizer), no external tool.
//! - [`validate_html`]: the Nu HTML Checker (vnu, the W3C validator) over every page, in one
//!   Java process. The jar is found as [`vnu_jar`] says; `scripts/install-deps.sh` installs it.
//! - [`Browser`]: headless Chromium driven through chromedriver (W3C WebDriver over loopback
//!   HTTP): a page's title, `lang`, visible text and severe console messages, and screenshots.
//!   Works on `file://` URLs ([`file_url`]), which is how the site must work.
//!
//! A missing tool follows [`crate::tools::require`]: `None` after a `SKIP:` note, or a panic
//! when `CI` is set.

mod browser;
mod links;
mod validator;

pub use browser::{Browser, Page, file_url};
pub use links::check_links;
pub use validator::{VNU_VERSION, validate_html, vnu_jar};
