//! The Sigstore verifier's own suite, one binary: the upstream conformance cases, and hostile
//! bundles made from them and from our own offline fixture.

mod conformance;
mod hostile;
