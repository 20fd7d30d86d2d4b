//! The library's signing credentials and the C2PA manifest they sign.
//!
//! At the first export a library makes its own small certificate authority and a signer
//! certificate under it (ECDSA P-256; the profile C2PA requires of a signer: not a CA,
//! digital signature, the e-mail protection purpose, an authority key identifier, the
//! brand as organisation). Nothing leaves the machine and nothing is fetched: no time
//! stamp authority, no revocation check. Validators call such a manifest valid but not
//! trusted; a brand that wants trusted credentials installs a certificate from a C2PA
//! trust-list issuer in the same files (see the README).

use std::fs;
use std::path::{Path, PathBuf};

use c2pa::{create_signer, Builder, BuilderIntent, Context, DigitalSourceType, Ingredient};
use serde_json::json;

use super::{Provenance, ProvenanceError};
use crate::library::Library;

/// The signer's certificate chain (signer first, then its CA), PEM.
pub const CHAIN_FILE: &str = "signer-chain.pem";
/// The signer's private key, PKCS#8 PEM (owner-only).
pub const KEY_FILE: &str = "signer-key.pem";
/// The library's own CA, for anyone who wants to trust its credentials.
pub const CA_FILE: &str = "library-ca.pem";

pub fn signing_dir(lib: &Library) -> PathBuf {
    lib.root().join("signing")
}

/// A signer ready to sign many files of one export.
pub struct Credentials {
    chain: Vec<u8>,
    key: Vec<u8>,
    dir: PathBuf,
}

impl Credentials {
    /// The library's credentials, made on first use.
    pub fn for_library(lib: &Library, brand: &str) -> Result<Credentials, ProvenanceError> {
        let dir = signing_dir(lib);
        let key_err = |message: String| ProvenanceError::Key {
            dir: dir.clone(),
            message,
        };
        if !dir.join(KEY_FILE).is_file() {
            make(&dir, brand).map_err(key_err)?;
        }
        let chain = fs::read(dir.join(CHAIN_FILE)).map_err(|e| key_err(e.to_string()))?;
        let key = fs::read(dir.join(KEY_FILE)).map_err(|e| key_err(e.to_string()))?;
        // A signer that cannot be built now would fail every file: say so once.
        create_signer::from_keys(&chain, &key, c2pa::SigningAlg::Es256, None)
            .map_err(|e| key_err(e.to_string()))?;
        Ok(Credentials { chain, key, dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn make(dir: &Path, brand: &str) -> Result<(), String> {
    use rcgen::{
        date_time_ymd, BasicConstraints, CertificateParams, DistinguishedName, DnType,
        ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
    };
    let e = |e: rcgen::Error| e.to_string();
    let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(e)?;
    let mut ca = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        format!("{brand} content credentials CA (Chorus)"),
    );
    dn.push(DnType::OrganizationName, brand);
    ca.distinguished_name = dn;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    // Without a time stamp, validity is checked against the reader's clock: long-lived,
    // so an export stays valid for as long as it may be published.
    ca.not_before = date_time_ymd(2024, 1, 1);
    ca.not_after = date_time_ymd(2050, 1, 1);
    let ca_cert = ca.self_signed(&ca_key).map_err(e)?;

    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(e)?;
    let mut ee = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        format!("{brand} (Chorus export signer)"),
    );
    dn.push(DnType::OrganizationName, brand);
    ee.distinguished_name = dn;
    ee.is_ca = IsCa::ExplicitNoCa;
    ee.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    ee.extended_key_usages = vec![ExtendedKeyUsagePurpose::EmailProtection];
    ee.use_authority_key_identifier_extension = true;
    ee.not_before = date_time_ymd(2024, 1, 1);
    ee.not_after = date_time_ymd(2050, 1, 1);
    let ee_cert = ee.signed_by(&key, &Issuer::new(ca, &ca_key)).map_err(e)?;

    fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    crate::library::private_dir(dir).map_err(|e| e.to_string())?;
    let write = |name: &str, text: String| {
        crate::library::write_private(&dir.join(name), text).map_err(|e| e.to_string())
    };
    write(CA_FILE, ca_cert.pem())?;
    write(CHAIN_FILE, format!("{}{}", ee_cert.pem(), ca_cert.pem()))?;
    // The key last: its presence says the set is complete.
    write(KEY_FILE, key.serialize_pem())
}

/// Signs the file's content credentials, replacing it with the signed copy.
pub fn sign(
    creds: &Credentials,
    p: &Provenance,
    file: &Path,
    mime: &str,
) -> Result<(), ProvenanceError> {
    let fail = |message: String| ProvenanceError::Sign {
        path: file.to_path_buf(),
        message,
    };
    let signer = create_signer::from_keys(&creds.chain, &creds.key, c2pa::SigningAlg::Es256, None)
        .map_err(|e| fail(e.to_string()))?;
    let labels: Vec<String> = p
        .ingredients
        .iter()
        .map(|i| format!("asset-{}", i.asset_id))
        .collect();
    let mut actions = vec![json!({
        "action": "c2pa.placed",
        "parameters": { "ingredientIds": labels },
        "description": "customers' photos and clips placed in the piece",
    })];
    actions.push(json!({ "action": "c2pa.cropped", "description": "framed to the piece's shape" }));
    if mime == "video/mp4" {
        actions.push(json!({ "action": "c2pa.edited", "description": "trimmed, sequenced, cards, captions and a levelled mix" }));
    }
    actions.push(json!({ "action": "c2pa.transcoded", "description": "re-encoded for delivery" }));
    let title = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let definition = json!({
        "title": title,
        "claim_generator_info": [{ "name": "Chorus", "version": env!("CARGO_PKG_VERSION") }],
        "assertions": [
            { "label": "c2pa.actions", "data": { "actions": actions } },
            { "label": "cawg.metadata", "kind": "Json", "data": {
                "@context": { "dc": "http://purl.org/dc/elements/1.1/" },
                "dc:creator": [p.brand],
                "dc:rights": p.copyright(),
            }},
            { "label": "com.chorus.rights", "data": {
                "brand": p.brand,
                "piece": p.title,
                "channels": p.usage.channels,
                "territories": p.usage.territories,
                "starts_on": p.usage.starts_on,
                "ends_on": p.usage.ends_on,
                "valid_until": p.publish_until(),
                "usage_terms": p.usage_terms(),
                "credits": p.credits,
                "audit_head": p.audit_head,
            }},
        ],
    });
    let mut builder = Builder::from_context(Context::new())
        .with_definition(definition)
        .map_err(|e| fail(e.to_string()))?;
    builder.set_intent(BuilderIntent::Create(DigitalSourceType::Composite));
    for (i, label) in p.ingredients.iter().zip(&labels) {
        let ingredient = Ingredient::from_json(
            &json!({
                "title": format!("customer {} {}", i.kind, i.asset_id),
                "format": if i.kind == "clip" { "video/mp4" } else { "image/jpeg" },
                "relationship": "componentOf",
                "label": label,
                "instance_id": format!("blake3:{}", i.blake3),
            })
            .to_string(),
        )
        .map_err(|e| fail(e.to_string()))?;
        builder.add_ingredient(ingredient);
    }
    // Beside it, keeping its extension (the format is read from the name), then renamed.
    let tmp = file.with_file_name(format!(".signing-{title}"));
    let _ = fs::remove_file(&tmp);
    let signed = builder.sign_file(signer.as_ref(), file, &tmp);
    if let Err(e) = signed {
        let _ = fs::remove_file(&tmp);
        return Err(fail(e.to_string()));
    }
    fs::rename(&tmp, file).map_err(|source| ProvenanceError::Write {
        path: file.to_path_buf(),
        source,
    })
}
