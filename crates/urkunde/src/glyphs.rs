//! The glyph check of an Urkunde's data, before typst runs (the set: [`scs_cert::text::allowed`]).

use super::{Error, UrkundeData, allowed};

/// Refuses any text field holding a character outside [`allowed`], before typst runs.
///
/// # Errors
///
/// [`Error::UnsupportedCharacter`] with the first such field and character.
pub fn check_glyphs(data: &UrkundeData) -> Result<(), Error> {
    for (field, value) in data.fields() {
        if let Some(character) = value.chars().find(|&c| !allowed(c)) {
            return Err(Error::UnsupportedCharacter { field, character });
        }
    }
    Ok(())
}
