//! The serde layer: report documents as read, before validation.
//!
//! Every field we use is read through [`Scalar`] or [`Shaped`], which never fail on a wrong
//! type but record what they found, so validation can name the document, the field, and the
//! expected and found kinds as typed facts instead of a parser's prose. Unknown keys are
//! skipped (upstream writers add fields over time: `sections`, `forced_tests`, ...).

use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::error::NodeKind;

/// A node read for its value if it is a scalar, and for its kind otherwise.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) enum Scalar {
    /// The key was not there.
    #[default]
    Absent,
    Null,
    Bool,
    Int(i128),
    Float,
    Str(String),
    Seq,
    Map,
}

impl Scalar {
    /// The kind found; `None` when absent.
    pub(super) fn kind(&self) -> Option<NodeKind> {
        Some(match self {
            Scalar::Absent => return None,
            Scalar::Null => NodeKind::Null,
            Scalar::Bool => NodeKind::Boolean,
            Scalar::Int(_) => NodeKind::Integer,
            Scalar::Float => NodeKind::Float,
            Scalar::Str(_) => NodeKind::String,
            Scalar::Seq => NodeKind::Sequence,
            Scalar::Map => NodeKind::Mapping,
        })
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool)
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(i128::from(v)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Int(i128::from(v)))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Scalar, E> {
        Ok(Scalar::Int(i128::try_from(v).unwrap_or(i128::MAX)))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float)
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Map)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// A node that should be a mapping read as `T`; anything else is recorded by kind.
#[derive(Debug, Default)]
pub(super) enum Shaped<T> {
    /// The key was not there.
    #[default]
    Absent,
    Not(NodeKind),
    Map(T),
}

struct ShapedVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ShapedVisitor<T> {
    type Value = Shaped<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Shaped<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Shaped::Map)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Shaped<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Shaped<T>, A::Error> {
        Ok(Shaped::Not(not_a_map(ScalarVisitor.visit_seq(seq)?)))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Shaped<T>, E> {
        Ok(Shaped::Not(NodeKind::Boolean))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Shaped<T>, E> {
        Ok(Shaped::Not(NodeKind::Integer))
    }
    fn visit_i128<E>(self, _: i128) -> Result<Shaped<T>, E> {
        Ok(Shaped::Not(NodeKind::Integer))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Shaped<T>, E> {
        Ok(Shaped::Not(NodeKind::Integer))
    }
    fn visit_u128<E>(self, _: u128) -> Result<Shaped<T>, E> {
        Ok(Shaped::Not(NodeKind::Integer))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Shaped<T>, E> {
        Ok(Shaped::Not(NodeKind::Float))
    }
    fn visit_str<E>(self, _: &str) -> Result<Shaped<T>, E> {
        Ok(Shaped::Not(NodeKind::String))
    }
    fn visit_unit<E>(self) -> Result<Shaped<T>, E> {
        Ok(Shaped::Not(NodeKind::Null))
    }
    fn visit_none<E>(self) -> Result<Shaped<T>, E> {
        Ok(Shaped::Not(NodeKind::Null))
    }
}

fn not_a_map(s: Scalar) -> NodeKind {
    s.kind().unwrap_or(NodeKind::Null)
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shaped<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ShapedVisitor(PhantomData))
    }
}

/// A mapping with string keys, in document order, remembering the first repeated key
/// (serde_json keeps the last of duplicate keys silently; a report must not be ambiguous).
#[derive(Debug)]
pub(super) struct Entries<V> {
    pub(super) entries: Vec<(String, V)>,
    pub(super) duplicate: Option<String>,
}

struct EntriesVisitor<V>(PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
    type Value = Entries<V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<V>, A::Error> {
        let mut seen = BTreeSet::new();
        let mut entries = Vec::new();
        let mut duplicate = None;
        while let Some((key, value)) = map.next_entry::<String, V>()? {
            if !seen.insert(key.clone()) && duplicate.is_none() {
                duplicate = Some(key.clone());
            }
            entries.push((key, value));
        }
        Ok(Entries { entries, duplicate })
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EntriesVisitor(PhantomData))
    }
}

/// One report document. Fields we do not use are skipped whatever their type.
#[derive(Debug, Deserialize)]
pub(super) struct RawDoc {
    #[serde(default)]
    pub(super) spec: Shaped<RawSpec>,
    #[serde(default)]
    pub(super) checked_at: Scalar,
    #[serde(default)]
    pub(super) reference_date: Scalar,
    #[serde(default)]
    pub(super) subject: Scalar,
    #[serde(default)]
    pub(super) run: Shaped<RawRun>,
    /// The older per-version form (before upstream `817d960b`).
    #[serde(default)]
    pub(super) versions: Shaped<Entries<Shaped<Entries<Shaped<RawVersionResult>>>>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawSpec {
    #[serde(default)]
    pub(super) uuid: Scalar,
    #[serde(default)]
    pub(super) name: Scalar,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawRun {
    #[serde(default)]
    pub(super) uuid: Scalar,
    #[serde(default)]
    pub(super) invocations: Shaped<Entries<Shaped<RawInvocation>>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct RawInvocation {
    #[serde(default)]
    pub(super) cmd: Scalar,
    #[serde(default)]
    pub(super) rc: Scalar,
    #[serde(default)]
    pub(super) results: Shaped<Entries<Scalar>>,
    #[serde(default)]
    pub(super) error: Scalar,
    #[serde(default)]
    pub(super) critical: Scalar,
}

/// `versions.<version>.<testcase>` of the per-version form; `invocation` and `runnerups` are
/// not used (the entry's `result` already is the worst of them, `ResultBuilder.finalize`).
#[derive(Debug, Deserialize)]
pub(super) struct RawVersionResult {
    #[serde(default)]
    pub(super) result: Scalar,
}
