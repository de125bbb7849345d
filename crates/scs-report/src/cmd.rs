//! One module per subcommand.

pub(crate) mod demo;
pub(crate) mod keygen;
pub(crate) mod show;
pub(crate) mod sign;
#[cfg(feature = "sigstore")]
pub(crate) mod sigstore;
pub(crate) mod verify;
