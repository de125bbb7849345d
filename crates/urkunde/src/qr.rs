//! The status-page QR code, as SVG for the template.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use super::Error;

/// The QR code (ISO/IEC 18004, error correction level M) of `url` as a standalone SVG document,
/// dark modules in the certificate's navy, with the four-module quiet zone the standard asks for.
/// The same URL always gives the same SVG.
///
/// # Errors
///
/// [`Error::QrTooLong`] when the URL does not fit a QR code (more than about 2,300 bytes).
pub fn qr_svg(url: &str) -> Result<String, Error> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|_| Error::QrTooLong { len: url.len() })?;
    Ok(code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(1, 1)
        .dark_color(svg::Color("#1f3a5f"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_deterministic() {
        let a = qr_svg("https://x.example/c/SCS-IAAS-2025-0042").unwrap();
        assert!(a.starts_with("<?xml") || a.starts_with("<svg"));
        assert_eq!(a, qr_svg("https://x.example/c/SCS-IAAS-2025-0042").unwrap());
    }

    #[test]
    fn too_long() {
        let url = "x".repeat(5000);
        assert_eq!(qr_svg(&url), Err(Error::QrTooLong { len: 5000 }));
    }
}
