//! The scope spec YAML as written, before validation: `Raw*` serde structs per generation, with
//! spans kept for diagnostics. Unknown keys are refused here (`deny_unknown_fields`), mirroring
//! upstream's `KEYWORDS` tables (standards repo `Tests/scs_cert_lib.py` L17–24 at HEAD for Gen 2,
//! and at `817d960b^` for Gen 1).

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};

use crate::yaml::Spanned;

/// Which format a document is written in, judged from marker keys only (reference §1 table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Detected {
    Gen0,
    Gen1,
    Gen2,
}

/// Decides the generation from a loosely read document. Anything unrecognisable is treated as
/// Gen 2, the current format, so that its shape errors are reported against the current keys.
pub(crate) fn detect(doc: &serde_json::Value) -> Detected {
    let Some(top) = doc.as_object() else {
        return Detected::Gen2;
    };
    if top.contains_key("scripts") {
        return Detected::Gen2;
    }
    let items = |key: &str| {
        top.get(key)
            .and_then(serde_json::Value::as_array)
            .map(|v| v.iter().filter_map(serde_json::Value::as_object).collect())
            .unwrap_or_else(Vec::new)
    };
    let versions = items("versions");
    if versions.iter().any(|v| v.contains_key("standards")) {
        return Detected::Gen0;
    }
    let modules = items("modules");
    let module_marker = modules
        .iter()
        .any(|m| m.contains_key("run") || m.contains_key("testcases"));
    // Gen 2 versions may not carry `targets` at all here; Gen 1 targets are selector strings.
    let selector_marker = versions.iter().any(|v| {
        v.get("targets")
            .and_then(serde_json::Value::as_object)
            .is_some_and(|t| t.values().any(serde_json::Value::is_string))
    });
    if module_marker || selector_marker {
        Detected::Gen1
    } else {
        Detected::Gen2
    }
}

/// Gen 2 top level (HEAD `KEYWORDS['spec']`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSpec2 {
    pub(crate) uuid: Spanned<String>,
    pub(crate) name: Spanned<String>,
    #[serde(default)]
    pub(crate) url: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // shape check only: upstream does not act on it either (§1.1)
    pub(crate) prerequisite: Option<RawPrerequisite>,
    #[serde(default)]
    pub(crate) variables: Option<Vec<Spanned<RawVariable>>>,
    pub(crate) scripts: Vec<RawScript>,
    pub(crate) modules: Vec<RawModule2>,
    pub(crate) timeline: Vec<RawTimelineEntry>,
    pub(crate) versions: Vec<RawVersion2>,
}

/// Gen 1 top level (`KEYWORDS['spec']` at `817d960b^`): no `scripts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSpec1 {
    pub(crate) uuid: Spanned<String>,
    pub(crate) name: Spanned<String>,
    #[serde(default)]
    pub(crate) url: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // shape check only: upstream does not act on it either (§1.1)
    pub(crate) prerequisite: Option<RawPrerequisite>,
    #[serde(default)]
    pub(crate) variables: Option<Vec<Spanned<RawVariable>>>,
    pub(crate) modules: Vec<RawModule1>,
    pub(crate) timeline: Vec<RawTimelineEntry>,
    pub(crate) versions: Vec<RawVersion1>,
}

/// `prerequisite` (scs-0003-v1 L140–151); read, not acted on.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // shape check only
pub(crate) struct RawPrerequisite {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) url: Option<String>,
}

/// A `variables` item: a name, or a one-entry map `{name: default}`. The default may be any
/// scalar, so it is kept loosely.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // shape check only
pub(crate) enum RawVariable {
    Name(String),
    WithDefault(BTreeMap<String, serde_json::Value>),
}

/// Gen 2 `scripts[]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScript {
    #[serde(default)]
    pub(crate) executable: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // shape check only: the runner's business
    pub(crate) env: Option<BTreeMap<String, String>>,
    #[serde(default)]
    #[allow(dead_code)] // shape check only: the runner's business
    pub(crate) args: Option<String>,
    #[serde(default)]
    pub(crate) testcases: Vec<RawTestcase2>,
}

/// Gen 2 `scripts[].testcases[]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTestcase2 {
    pub(crate) id: Spanned<String>,
    #[serde(default)]
    pub(crate) lifetime: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) section: Option<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) url: Option<String>,
}

/// Gen 2 `modules[]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawModule2 {
    pub(crate) id: Spanned<String>,
    #[serde(default)]
    #[allow(dead_code)] // documentation only
    pub(crate) name: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // documentation only
    pub(crate) url: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // documentation only in Gen 2 (reference §1.2)
    pub(crate) parameters: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub(crate) targets: SpannedMap<Option<Vec<Spanned<String>>>>,
}

/// Gen 1 `modules[]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawModule1 {
    pub(crate) id: Spanned<String>,
    #[serde(default)]
    #[allow(dead_code)] // documentation only
    pub(crate) name: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // documentation only
    pub(crate) url: Option<String>,
    #[serde(default)]
    #[allow(dead_code)] // shape check only: the runner's business
    pub(crate) parameters: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub(crate) run: Option<Vec<RawCheck1>>,
    #[serde(default)]
    pub(crate) testcases: Vec<RawTestcase1>,
}

/// Gen 1 `modules[].run[]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // shape check only: the runner's business
pub(crate) struct RawCheck1 {
    #[serde(default)]
    pub(crate) executable: Option<String>,
    #[serde(default)]
    pub(crate) env: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub(crate) args: Option<String>,
    #[serde(default)]
    pub(crate) section: Option<String>,
}

/// Gen 1 `modules[].testcases[]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTestcase1 {
    pub(crate) id: Spanned<String>,
    #[serde(default)]
    pub(crate) lifetime: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) tags: Vec<String>,
}

/// `timeline[]`, both generations.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTimelineEntry {
    pub(crate) date: Spanned<String>,
    #[serde(default)]
    pub(crate) versions: SpannedMap<Spanned<String>>,
}

/// Gen 2 `versions[]`. The Gen 1 leftover `targets`, which the HEAD loader accepts and then
/// overwrites, is refused: in a Gen 2 file it could only mislead.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawVersion2 {
    pub(crate) version: Spanned<String>,
    #[serde(default)]
    pub(crate) stabilized_at: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) include: Vec<Spanned<RawInclude>>,
}

/// Gen 1 `versions[]`: targets are selector strings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawVersion1 {
    pub(crate) version: Spanned<String>,
    #[serde(default)]
    pub(crate) stabilized_at: Option<Spanned<String>>,
    #[serde(default)]
    pub(crate) include: Vec<Spanned<RawInclude>>,
    #[serde(default)]
    pub(crate) targets: SpannedMap<Spanned<String>>,
}

/// An `include` item: a module id, or `{ref: <module id>, parameters: {name: value}}`
/// (scs-0003-v1 L165–174).
#[derive(Debug)]
pub(crate) struct RawInclude {
    pub(crate) module: String,
    pub(crate) parameters: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIncludeDescriptor {
    #[serde(rename = "ref")]
    module: String,
    #[serde(default)]
    parameters: BTreeMap<String, String>,
}

impl<'de> Deserialize<'de> for RawInclude {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawInclude;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a module id or a map with `ref` and `parameters`")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawInclude, E> {
                Ok(RawInclude {
                    module: s.to_owned(),
                    parameters: BTreeMap::new(),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawInclude, A::Error> {
                let d =
                    RawIncludeDescriptor::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawInclude {
                    module: d.module,
                    parameters: d.parameters,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A map in file order whose keys keep their positions. Duplicate keys never reach it (the YAML
/// layer refuses them); `null` reads as empty.
#[derive(Debug)]
pub(crate) struct SpannedMap<V>(pub(crate) Vec<(Spanned<String>, V)>);

impl<V> Default for SpannedMap<V> {
    fn default() -> Self {
        SpannedMap(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SpannedMap<V> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = SpannedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SpannedMap<V>, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(SpannedMap(entries))
            }
            fn visit_unit<E: de::Error>(self) -> Result<SpannedMap<V>, E> {
                Ok(SpannedMap(Vec::new()))
            }
            fn visit_none<E: de::Error>(self) -> Result<SpannedMap<V>, E> {
                Ok(SpannedMap(Vec::new()))
            }
        }
        d.deserialize_any(MapVisitor(PhantomData))
    }
}
