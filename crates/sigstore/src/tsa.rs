//! RFC 3161 timestamps (TimeStampResp with a CMS SignedData token, RFC 5652) over the bundle's
//! signature, checked against the timestamp authorities of the trusted root.
//!
//! Read with a minimal strict DER walker: only the fields verification needs are interpreted;
//! the signed attributes are verified exactly as encoded (RFC 5652 §5.4: re-tagged as SET).

use const_oid::ObjectIdentifier;
use der::Decode as _;
use der::asn1::GeneralizedTime;

use super::Authority;
use super::keys::Hash;
use super::x509::{TIME_STAMPING, tlv};
use crate::Instant;

const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// The timestamp did not verify (the caller reports which one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Invalid;

/// One TLV: tag byte, contents, and the whole encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) value: &'a [u8],
    pub(crate) raw: &'a [u8],
}

/// Reads consecutive TLVs (single-byte tags, definite lengths; X.690 §8.1).
pub(crate) struct Walker<'a>(pub(crate) &'a [u8]);

impl<'a> Walker<'a> {
    pub(crate) fn next(&mut self) -> Result<Tlv<'a>, Invalid> {
        let d = self.0;
        let tag = *d.first().ok_or(Invalid)?;
        if tag & 0x1f == 0x1f {
            return Err(Invalid);
        }
        let first = *d.get(1).ok_or(Invalid)?;
        let (len, hdr) = if first < 0x80 {
            (usize::from(first), 2)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return Err(Invalid);
            }
            let mut len = 0usize;
            for b in d.get(2..2 + n).ok_or(Invalid)? {
                len = (len << 8) | usize::from(*b);
            }
            (len, 2 + n)
        };
        let end = hdr.checked_add(len).ok_or(Invalid)?;
        let raw = d.get(..end).ok_or(Invalid)?;
        self.0 = &d[end..];
        Ok(Tlv {
            tag,
            value: &raw[hdr..],
            raw,
        })
    }
    pub(crate) fn expect(&mut self, tag: u8) -> Result<Tlv<'a>, Invalid> {
        let t = self.next()?;
        if t.tag == tag { Ok(t) } else { Err(Invalid) }
    }
    pub(crate) fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, Invalid> {
        if self.0.first() == Some(&tag) {
            self.next().map(Some)
        } else {
            Ok(None)
        }
    }
    pub(crate) fn done(&self) -> bool {
        self.0.is_empty()
    }
}

fn oid(t: Tlv<'_>) -> Result<ObjectIdentifier, Invalid> {
    ObjectIdentifier::from_der(t.raw).map_err(|_| Invalid)
}

fn digest_alg(alg_id: Tlv<'_>) -> Result<Hash, Invalid> {
    match oid(Walker(alg_id.value).expect(0x06)?)? {
        SHA256 => Ok(Hash::Sha256),
        SHA384 => Ok(Hash::Sha384),
        SHA512 => Ok(Hash::Sha512),
        _ => Err(Invalid),
    }
}

/// Verifies a TimeStampResp over `signature` and returns its genTime.
pub(crate) fn verify(
    resp: &[u8],
    signature: &[u8],
    tsas: &[Authority],
) -> Result<Instant, Invalid> {
    // TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken OPTIONAL } (RFC 3161 §2.4.2)
    let mut top = Walker(resp);
    let resp_seq = top.expect(0x30)?;
    if !top.done() {
        return Err(Invalid);
    }
    let mut r = Walker(resp_seq.value);
    let status = r.expect(0x30)?;
    let status_int = Walker(status.value).expect(0x02)?;
    if status_int.value != [0] && status_int.value != [1] {
        return Err(Invalid); // granted / grantedWithMods
    }
    // ContentInfo (RFC 5652 §3).
    let mut ci = Walker(r.expect(0x30)?.value);
    if oid(ci.expect(0x06)?)? != SIGNED_DATA {
        return Err(Invalid);
    }
    let mut sd = Walker(Walker(ci.expect(0xa0)?.value).expect(0x30)?.value);
    sd.expect(0x02)?; // version
    sd.expect(0x31)?; // digestAlgorithms
    let mut eci = Walker(sd.expect(0x30)?.value);
    if oid(eci.expect(0x06)?)? != TST_INFO {
        return Err(Invalid);
    }
    let tst_der = Walker(eci.expect(0xa0)?.value).expect(0x04)?.value;
    sd.optional(0xa0)?; // certificates: the trusted root's are used instead
    sd.optional(0xa1)?; // crls
    let mut infos = Walker(sd.expect(0x31)?.value);
    let si = infos.expect(0x30)?;
    if !infos.done() {
        return Err(Invalid); // exactly one signer
    }

    // TSTInfo (RFC 3161 §2.4.2).
    let mut tst = Walker(Walker(tst_der).expect(0x30)?.value);
    tst.expect(0x02)?; // version
    tst.expect(0x06)?; // policy
    let mut imprint = Walker(tst.expect(0x30)?.value);
    let imprint_hash = digest_alg(imprint.expect(0x30)?)?;
    if imprint.expect(0x04)?.value != imprint_hash.digest(signature).as_slice() {
        return Err(Invalid);
    }
    tst.expect(0x02)?; // serialNumber
    let gen_time = GeneralizedTime::from_der(tst.expect(0x18)?.raw).map_err(|_| Invalid)?;
    let gen_time = i64::try_from(gen_time.to_unix_duration().as_millis())
        .ok()
        .and_then(Instant::from_timestamp_millis)
        .ok_or(Invalid)?;

    // SignerInfo (RFC 5652 §5.3).
    let mut s = Walker(si.value);
    s.expect(0x02)?; // version
    s.next()?; // sid: the signature is checked with the trusted TSA key below
    let hash = digest_alg(s.expect(0x30)?)?;
    let attrs = s.expect(0xa0)?;
    let sig_alg = s.expect(0x30)?;
    let sig = s.expect(0x04)?.value;
    if let Some(h) = Hash::of_ecdsa_algorithm(&oid(Walker(sig_alg.value).expect(0x06)?)?)
        && h != hash
    {
        return Err(Invalid);
    }
    let (mut saw_type, mut saw_digest) = (false, false);
    let (mut seen_type, mut seen_digest) = (false, false);
    let mut aw = Walker(attrs.value);
    while !aw.done() {
        let mut a = Walker(aw.expect(0x30)?.value);
        let typ = oid(a.expect(0x06)?)?;
        let mut vals = Walker(a.expect(0x31)?.value);
        let v = vals.next()?;
        if !vals.done() {
            return Err(Invalid);
        }
        // RFC 5652 §5.3: content-type and message-digest appear exactly once; a second copy
        // would let the last one decide here and the first elsewhere.
        if typ == CONTENT_TYPE {
            if seen_type {
                return Err(Invalid);
            }
            seen_type = true;
            saw_type = v.tag == 0x06 && oid(v)? == TST_INFO;
        } else if typ == MESSAGE_DIGEST {
            if seen_digest {
                return Err(Invalid);
            }
            seen_digest = true;
            saw_digest = v.tag == 0x04 && v.value == hash.digest(tst_der).as_slice();
        }
    }
    if !(saw_type && saw_digest) {
        return Err(Invalid);
    }
    let signed = tlv(0x31, attrs.value);

    for tsa in tsas.iter().filter(|a| a.valid_at(gen_time)) {
        let Some(leaf) = tsa.chain.first() else {
            continue;
        };
        let ok = leaf
            .key()
            .is_ok_and(|k| k.verify(hash, &signed, sig).is_ok())
            && leaf
                .check_leaf(TIME_STAMPING, super::CertRole::Timestamp)
                .is_ok()
            && tsa
                .chain
                .iter()
                .skip(1)
                .all(|c| c.check_ca(super::CertRole::Timestamp).is_ok())
            && tsa
                .check_chain(&[gen_time], super::CertRole::Timestamp)
                .is_ok();
        if ok {
            return Ok(gen_time);
        }
    }
    Err(Invalid)
}
