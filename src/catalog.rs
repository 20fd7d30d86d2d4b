//! Reading and curating the catalog: assets, their tags, ratings, curation state,
//! contributors, and text search. JSON field names of these types are a stable interface.

use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::library::{ContentHash, Library};
use crate::media::Kind;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("no asset matches '{0}' (use an asset id from `chorus ls`, or at least 6 characters of its hash)")]
    NoSuchAsset(String),
    #[error("'{0}' matches several assets; give more characters of the hash")]
    Ambiguous(String),
    #[error("rating must be a whole number from 0 to 5, not '{0}'")]
    InvalidRating(String),
    #[error("'{0}' is not a curation state (use new, shortlist, select or reject)")]
    InvalidCuration(String),
    #[error("'{0}' is not a valid tag: use letters, digits, '-', '_', '.' or ':' (at most 64 characters)")]
    InvalidTag(String),
    #[error("'{0}' is not an orientation (use portrait, landscape or square)")]
    InvalidOrientation(String),
    #[error("assets {0} and {1} are not marked as looking alike")]
    NotPaired(i64, i64),
    #[error("asset {id} in the catalog is damaged ({why}); it was changed outside Chorus: restore the library from a backup or ingest the file again")]
    Damaged { id: i64, why: String },
    #[error("catalog error: {0}")]
    Db(#[from] rusqlite::Error),
}

pub type Result<T, E = CatalogError> = std::result::Result<T, E>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Curation {
    New,
    Shortlisted,
    Selected,
    Rejected,
}

impl Curation {
    pub fn as_str(self) -> &'static str {
        match self {
            Curation::New => "new",
            Curation::Shortlisted => "shortlisted",
            Curation::Selected => "selected",
            Curation::Rejected => "rejected",
        }
    }

    /// Accepts the state names and the verbs a person types (`shortlist`, `select`, `reject`).
    pub fn parse(s: &str) -> Result<Curation> {
        Ok(match s.to_lowercase().as_str() {
            "new" | "reset" => Curation::New,
            "shortlist" | "shortlisted" => Curation::Shortlisted,
            "select" | "selected" => Curation::Selected,
            "reject" | "rejected" => Curation::Rejected,
            _ => return Err(CatalogError::InvalidCuration(s.to_string())),
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum TagSource {
    Manual,
    Auto,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Tag {
    pub name: String,
    pub source: TagSource,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Contributor {
    pub id: i64,
    pub name: Option<String>,
    pub email: Option<String>,
    pub handle: Option<String>,
    /// The day someone with this e-mail was erased at their request: check before use.
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(optional))]
    pub previously_erased: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Submission {
    pub id: i64,
    pub contributor_id: Option<i64>,
    pub original_path: String,
    pub channel: String,
    pub consent_text: Option<String>,
    pub submitted_at: Option<String>,
    pub recorded_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Asset {
    pub id: i64,
    pub hash: String,
    pub kind: Kind,
    pub format: String,
    pub original_name: String,
    pub size_bytes: i64,
    pub width: u32,
    pub height: u32,
    pub exif_orientation: Option<u8>,
    pub rotation: u16,
    pub duration_ms: Option<i64>,
    pub frame_rate: Option<f64>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub has_audio: bool,
    pub captured_at: Option<String>,
    pub camera_make: Option<String>,
    pub camera_model: Option<String>,
    pub has_gps: bool,
    /// Wide-gamut colour profile of a photo ("Display P3"), shown converted to sRGB.
    pub colour_profile: Option<String>,
    /// Clips: "HLG", "PQ" or an SDR transfer's name; primaries; bits per sample.
    pub transfer: Option<String>,
    pub primaries: Option<String>,
    pub bit_depth: Option<u8>,
    pub hdr: bool,
    /// The above in plain words, for people: "HDR (HLG, BT.2020, 10-bit): shown and
    /// rendered tone-mapped to SDR", "Display P3: shown converted to sRGB".
    pub colour: String,
    pub rating: u8,
    pub curation: Curation,
    pub near_duplicate_of: Option<i64>,
    pub contributor: Option<Contributor>,
    pub tags: Vec<Tag>,
    pub ingested_at: String,
}

/// What the renderer needs to know to read one asset: always looked up here by id, never
/// taken from a piece document, so a document cannot point a render at another file.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub asset_id: i64,
    pub hash: ContentHash,
    pub kind: Kind,
    pub width: u32,
    pub height: u32,
    /// Display-matrix rotation of a clip, clockwise, in degrees (0, 90, 180, 270). (A
    /// photo's orientation is read from the file itself when it is decoded.)
    pub rotation: u16,
    pub duration_ms: Option<u64>,
}

/// The sources of these assets, checked: a hash that is not a hash, a kind or a rotation
/// the catalog never writes, are damage done outside Chorus and refused by name.
pub fn sources(conn: &Connection, ids: &[i64]) -> Result<Vec<Source>> {
    let mut stmt = conn.prepare_cached(
        "SELECT hash, kind, width, height, exif_orientation, rotation, duration_ms FROM assets WHERE id = ?",
    )?;
    let mut out = Vec::with_capacity(ids.len());
    for &id in ids {
        type Raw = (String, String, i64, i64, Option<i64>, i64, Option<i64>);
        let raw: Option<Raw> = stmt
            .query_row([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .optional()?;
        let Some((hash, kind, width, height, orientation, rotation, duration)) = raw else {
            return Err(CatalogError::NoSuchAsset(id.to_string()));
        };
        let damaged = |why: String| CatalogError::Damaged { id, why };
        let hash = ContentHash::parse(&hash).map_err(|e| damaged(e.to_string()))?;
        let kind = Kind::parse(&kind).ok_or_else(|| damaged(format!("kind '{kind}'")))?;
        let dim = |v: i64| u32::try_from(v).ok().filter(|v| (1..=65_535).contains(v));
        let (Some(width), Some(height)) = (dim(width), dim(height)) else {
            return Err(damaged(format!("size {width}x{height}")));
        };
        if !matches!(rotation, 0 | 90 | 180 | 270) {
            return Err(damaged(format!("rotation {rotation}")));
        }
        // Not used to decode (the file says), but a value the catalog never writes is
        // still a sign of hands on the database.
        if let Some(o) = orientation.filter(|o| !(1..=8).contains(o)) {
            return Err(damaged(format!("EXIF orientation {o}")));
        }
        let duration_ms = match (kind, duration) {
            (Kind::Clip, Some(d)) if d > 0 => Some(d as u64),
            (Kind::Clip, d) => return Err(damaged(format!("clip duration {d:?}"))),
            (Kind::Photo, _) => None,
        };
        out.push(Source {
            asset_id: id,
            hash,
            kind,
            width,
            height,
            rotation: rotation as u16,
            duration_ms,
        });
    }
    Ok(out)
}

/// Everything `chorus show` prints: the asset, where its files are, how it arrived.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AssetDetail {
    #[serde(flatten)]
    pub asset: Asset,
    pub store_path: String,
    pub thumbnail_path: String,
    pub filmstrip_path: Option<String>,
    pub submissions: Vec<Submission>,
    /// Other assets that look like this one (either direction of the link).
    pub near_duplicates: Vec<i64>,
}

/// Which assets to list. Every field narrows; the default lists everything.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Filter {
    pub kind: Option<Kind>,
    pub tags: Vec<String>,
    pub orientation: Option<String>,
    pub curation: Option<Curation>,
    pub min_rating: Option<u8>,
    pub search: Option<String>,
    /// Only assets whose kept rights status is this (`rights::refresh_statuses` first);
    /// set by the engine.
    #[serde(skip)]
    pub rights_status: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

const ASSET_COLUMNS: &str = "a.id, a.hash, a.kind, a.format, a.original_name, a.size_bytes, a.width, a.height,
    a.exif_orientation, a.rotation, a.duration_ms, a.frame_rate, a.video_codec, a.audio_codec, a.has_audio,
    a.captured_at, a.camera_make, a.camera_model, a.has_gps, a.rating, a.curation, a.near_duplicate_of,
    a.ingested_at, c.id, c.name, c.email, c.handle,
    (SELECT json_group_array(json_object('name', t.tag, 'source', t.source))
       FROM (SELECT tag, source FROM tags WHERE asset_id = a.id ORDER BY source, tag) t),
    a.colour_profile, a.transfer, a.primaries, a.bit_depth, a.hdr, c.previously_erased";

/// What a person needs to know about an asset's colour, in words.
fn colour_words(
    kind: Kind,
    profile: Option<&str>,
    transfer: Option<&str>,
    primaries: Option<&str>,
    bit_depth: Option<u8>,
    hdr: bool,
) -> String {
    let gamut = |p: &str| match p {
        "bt2020" => "BT.2020".to_string(),
        "bt709" => "BT.709".to_string(),
        other => other.to_string(),
    };
    match kind {
        Kind::Photo => match profile {
            Some(p) => format!("{p}: shown and rendered converted to sRGB"),
            None => "sRGB".to_string(),
        },
        Kind::Clip => {
            let mut parts: Vec<String> = Vec::new();
            if let Some(t) = transfer.filter(|_| hdr) {
                parts.push(t.to_string());
            }
            if let Some(p) = primaries {
                parts.push(gamut(p));
            }
            if let Some(b) = bit_depth {
                parts.push(format!("{b}-bit"));
            }
            let detail = if parts.is_empty() {
                String::new()
            } else {
                format!(" ({})", parts.join(", "))
            };
            if hdr {
                format!("HDR{detail}: shown and rendered tone-mapped to SDR")
            } else {
                format!("SDR{detail}")
            }
        }
    }
}

fn asset_from_row(row: &Row) -> rusqlite::Result<Asset> {
    let kind: String = row.get(2)?;
    let curation: String = row.get(20)?;
    let tags_json: String = row.get(27)?;
    let contributor = match row.get::<_, Option<i64>>(23)? {
        Some(id) => Some(Contributor {
            id,
            name: row.get(24)?,
            email: row.get(25)?,
            handle: row.get(26)?,
            previously_erased: row.get(33)?,
        }),
        None => None,
    };
    Ok(Asset {
        id: row.get(0)?,
        hash: row.get(1)?,
        kind: Kind::parse(&kind).unwrap_or(Kind::Photo),
        format: row.get(3)?,
        original_name: row.get(4)?,
        size_bytes: row.get(5)?,
        width: row.get(6)?,
        height: row.get(7)?,
        exif_orientation: row.get(8)?,
        rotation: row.get(9)?,
        duration_ms: row.get(10)?,
        frame_rate: row.get(11)?,
        video_codec: row.get(12)?,
        audio_codec: row.get(13)?,
        has_audio: row.get(14)?,
        captured_at: row.get(15)?,
        camera_make: row.get(16)?,
        camera_model: row.get(17)?,
        has_gps: row.get(18)?,
        colour_profile: row.get(28)?,
        transfer: row.get(29)?,
        primaries: row.get(30)?,
        bit_depth: row.get(31)?,
        hdr: row.get(32)?,
        colour: colour_words(
            Kind::parse(&kind).unwrap_or(Kind::Photo),
            row.get::<_, Option<String>>(28)?.as_deref(),
            row.get::<_, Option<String>>(29)?.as_deref(),
            row.get::<_, Option<String>>(30)?.as_deref(),
            row.get(31)?,
            row.get(32)?,
        ),
        rating: row.get(19)?,
        curation: Curation::parse(&curation).unwrap_or(Curation::New),
        near_duplicate_of: row.get(21)?,
        ingested_at: row.get(22)?,
        contributor,
        tags: serde_json::from_str(&tags_json).unwrap_or_default(),
    })
}

/// Turns what a person types into an FTS5 query: every word must match, as a prefix,
/// and nothing they type can be read as FTS syntax.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '@' && c != '.' && c != '_' && c != '-')
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The WHERE clause (after `WHERE 1=1`) and its arguments for a filter.
fn filter_sql(filter: &Filter) -> Result<(String, Vec<rusqlite::types::Value>)> {
    // An erased contributor's assets stay only as tombstones for the pieces that used
    // them; nothing lists them.
    let mut sql = String::from(" AND a.id NOT IN (SELECT asset_id FROM erased_assets)");
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(kind) = filter.kind {
        sql.push_str(" AND a.kind = ?");
        args.push(kind.as_str().to_string().into());
    }
    // `IN (SELECT …)` walks the tag index once; a correlated EXISTS would probe it for
    // every asset in the library.
    for tag in &filter.tags {
        sql.push_str(" AND a.id IN (SELECT asset_id FROM tags WHERE tag = ?)");
        args.push(normalise_tag(tag)?.into());
    }
    if let Some(o) = &filter.orientation {
        let o = o.to_lowercase();
        if !matches!(o.as_str(), "portrait" | "landscape" | "square") {
            return Err(CatalogError::InvalidOrientation(o));
        }
        sql.push_str(" AND a.id IN (SELECT asset_id FROM tags WHERE tag = ? AND source = 'auto')");
        args.push(o.into());
    }
    if let Some(c) = filter.curation {
        sql.push_str(" AND a.curation = ?");
        args.push(c.as_str().to_string().into());
    }
    if let Some(r) = filter.min_rating {
        sql.push_str(" AND a.rating >= ?");
        args.push(i64::from(r).into());
    }
    if let Some(q) = filter.search.as_deref().and_then(fts_query) {
        sql.push_str(" AND a.id IN (SELECT rowid FROM asset_search WHERE asset_search MATCH ?)");
        args.push(q.into());
    }
    if let Some(status) = &filter.rights_status {
        sql.push_str(" AND a.rights_status = ?");
        args.push(status.clone().into());
    }
    Ok((sql, args))
}

pub fn list(conn: &Connection, filter: &Filter) -> Result<Vec<Asset>> {
    let (clause, args) = filter_sql(filter)?;
    // The window is chosen on the assets table alone, then only its rows are joined and
    // dressed: skipping 99,800 rows of a deep page then costs a walk of ids, nothing more.
    let mut window = format!("SELECT a.id FROM assets a WHERE 1=1{clause} ORDER BY a.id");
    if let Some(limit) = filter.limit {
        window.push_str(&format!(" LIMIT {limit}"));
        if let Some(offset) = filter.offset {
            window.push_str(&format!(" OFFSET {offset}"));
        }
    }
    let sql = format!("SELECT {ASSET_COLUMNS} FROM assets a LEFT JOIN contributors c ON c.id = a.contributor_id WHERE a.id IN ({window}) ORDER BY a.id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), asset_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many assets match a filter (its limit and offset aside).
pub fn count(conn: &Connection, filter: &Filter) -> Result<i64> {
    let (clause, args) = filter_sql(filter)?;
    let sql = format!("SELECT count(*) FROM assets a WHERE 1=1{clause}");
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt.query_row(params_from_iter(args), |r| r.get(0))?)
}

/// One window of a filtered list, with the total, for a grid that scrolls through it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Page {
    pub total: i64,
    pub offset: u32,
    pub assets: Vec<Asset>,
}

pub fn page(conn: &Connection, filter: &Filter) -> Result<Page> {
    Ok(Page {
        total: count(conn, filter)?,
        offset: filter.offset.unwrap_or(0),
        assets: list(conn, filter)?,
    })
}

/// Every tag in use, with how many assets carry it, for a filter sidebar.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TagCount {
    pub name: String,
    pub source: TagSource,
    pub assets: i64,
}

pub fn tag_counts(conn: &Connection) -> Result<Vec<TagCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT tag, min(source), count(DISTINCT asset_id) FROM tags GROUP BY tag ORDER BY tag",
    )?;
    let rows = stmt.query_map([], |r| {
        let source: String = r.get(1)?;
        Ok(TagCount {
            name: r.get(0)?,
            source: if source == "auto" {
                TagSource::Auto
            } else {
                TagSource::Manual
            },
            assets: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<Asset> {
    let sql = format!("SELECT {ASSET_COLUMNS} FROM assets a LEFT JOIN contributors c ON c.id = a.contributor_id WHERE a.id = ?");
    conn.query_row(&sql, [id], asset_from_row)
        .optional()?
        .ok_or_else(|| CatalogError::NoSuchAsset(id.to_string()))
}

pub fn detail(lib: &Library, id: i64) -> Result<AssetDetail> {
    let conn = lib.conn();
    let asset = get(conn, id)?;
    let mut stmt = conn.prepare(
        "SELECT id, contributor_id, original_path, channel, consent_text, submitted_at, recorded_at
         FROM submissions WHERE asset_id = ? ORDER BY id",
    )?;
    let submissions = stmt
        .query_map([id], |r| {
            Ok(Submission {
                id: r.get(0)?,
                contributor_id: r.get(1)?,
                original_path: r.get(2)?,
                channel: r.get(3)?,
                consent_text: r.get(4)?,
                submitted_at: r.get(5)?,
                recorded_at: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare(
        "SELECT id FROM assets WHERE near_duplicate_of = ?1
         UNION SELECT near_duplicate_of FROM assets WHERE id = ?1 AND near_duplicate_of IS NOT NULL",
    )?;
    let near_duplicates = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    let store = lib.store();
    let hash = ContentHash::parse(&asset.hash).map_err(|e| CatalogError::Damaged {
        id,
        why: e.to_string(),
    })?;
    let filmstrip = store.filmstrip(&hash);
    Ok(AssetDetail {
        store_path: store.original(&hash).display().to_string(),
        thumbnail_path: store.thumb(&hash).display().to_string(),
        filmstrip_path: (asset.kind == Kind::Clip).then(|| filmstrip.display().to_string()),
        asset,
        submissions,
        near_duplicates,
    })
}

/// Finds an asset by id or by a prefix of its hash (at least 6 characters).
pub fn resolve(conn: &Connection, reference: &str) -> Result<i64> {
    let r = reference.trim();
    if let Ok(id) = r.parse::<i64>() {
        return conn
            .query_row("SELECT id FROM assets WHERE id = ?", [id], |row| row.get(0))
            .optional()?
            .ok_or_else(|| CatalogError::NoSuchAsset(r.to_string()));
    }
    if r.len() >= 6 && r.chars().all(|c| c.is_ascii_hexdigit()) {
        let pattern = format!("{}%", r.to_lowercase());
        let mut stmt = conn.prepare("SELECT id FROM assets WHERE hash LIKE ? LIMIT 2")?;
        let ids = stmt
            .query_map([pattern], |row| row.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        return match ids.as_slice() {
            [id] => Ok(*id),
            [] => Err(CatalogError::NoSuchAsset(r.to_string())),
            _ => Err(CatalogError::Ambiguous(r.to_string())),
        };
    }
    Err(CatalogError::NoSuchAsset(r.to_string()))
}

/// Tags are lower case and free of spaces, so that `Summer Sale` and `summer-sale` are one.
pub fn normalise_tag(tag: &str) -> Result<String> {
    let t: String = tag
        .trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-");
    let ok = !t.is_empty()
        && t.chars().count() <= 64
        && t.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if ok {
        Ok(t)
    } else {
        Err(CatalogError::InvalidTag(tag.to_string()))
    }
}

/// Adds and removes manual tags on several assets in one transaction.
pub fn tag(lib: &mut Library, ids: &[i64], add: &[String], remove: &[String]) -> Result<()> {
    let add = add
        .iter()
        .map(|t| normalise_tag(t))
        .collect::<Result<Vec<_>>>()?;
    let remove = remove
        .iter()
        .map(|t| normalise_tag(t))
        .collect::<Result<Vec<_>>>()?;
    let tx = lib.conn_mut().transaction()?;
    for &id in ids {
        for t in &add {
            // A person confirming an automatic tag makes it theirs.
            tx.execute(
                "INSERT INTO tags (asset_id, tag, source) VALUES (?1, ?2, 'manual')
                 ON CONFLICT (asset_id, tag) DO UPDATE SET source = 'manual'",
                params![id, t],
            )?;
        }
        for t in &remove {
            tx.execute(
                "DELETE FROM tags WHERE asset_id = ?1 AND tag = ?2",
                params![id, t],
            )?;
        }
        refresh_search(&tx, id)?;
    }
    tx.commit()?;
    Ok(())
}

pub fn rate(lib: &mut Library, ids: &[i64], rating: &str) -> Result<u8> {
    let value: u8 = rating
        .trim()
        .parse()
        .ok()
        .filter(|v| *v <= 5)
        .ok_or_else(|| CatalogError::InvalidRating(rating.to_string()))?;
    let tx = lib.conn_mut().transaction()?;
    for &id in ids {
        tx.execute(
            "UPDATE assets SET rating = ?1 WHERE id = ?2",
            params![value, id],
        )?;
    }
    tx.commit()?;
    Ok(value)
}

pub fn curate(lib: &mut Library, ids: &[i64], state: Curation) -> Result<()> {
    let tx = lib.conn_mut().transaction()?;
    for &id in ids {
        tx.execute(
            "UPDATE assets SET curation = ?1 WHERE id = ?2",
            params![state.as_str(), id],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Two submissions marked as looking alike are both wanted: they stop being paired (either
/// direction of the link), and neither is shown as the other's near-duplicate again.
pub fn keep_both(lib: &mut Library, a: i64, b: i64) -> Result<()> {
    let tx = lib.conn_mut().transaction()?;
    let unpaired = tx.execute(
        "UPDATE assets SET near_duplicate_of = NULL
         WHERE (id = ?1 AND near_duplicate_of = ?2) OR (id = ?2 AND near_duplicate_of = ?1)",
        params![a, b],
    )?;
    if unpaired == 0 {
        return Err(CatalogError::NotPaired(a, b));
    }
    tx.commit()?;
    Ok(())
}

pub fn contributors(conn: &Connection) -> Result<Vec<(Contributor, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.name, c.email, c.handle,
                (SELECT count(DISTINCT asset_id) FROM submissions s WHERE s.contributor_id = c.id),
                c.previously_erased
         FROM contributors c ORDER BY c.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            Contributor {
                id: r.get(0)?,
                name: r.get(1)?,
                email: r.get(2)?,
                handle: r.get(3)?,
                previously_erased: r.get(5)?,
            },
            r.get(4)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Finds the contributor with this email, else this handle, creating or completing the
/// record. Email is the identity a form trusts most; handles change.
pub fn upsert_contributor(
    conn: &Connection,
    name: Option<&str>,
    email: Option<&str>,
    handle: Option<&str>,
) -> rusqlite::Result<Option<i64>> {
    if name.is_none() && email.is_none() && handle.is_none() {
        return Ok(None);
    }
    let existing: Option<i64> = match (email, handle) {
        (Some(e), _) => conn
            .query_row("SELECT id FROM contributors WHERE email = ?", [e], |r| {
                r.get(0)
            })
            .optional()?,
        (None, Some(h)) => conn
            .query_row("SELECT id FROM contributors WHERE handle = ?", [h], |r| {
                r.get(0)
            })
            .optional()?,
        (None, None) => None,
    };
    let existing = match (existing, email, handle) {
        (None, Some(_), Some(h)) => conn
            .query_row(
                "SELECT id FROM contributors WHERE handle = ? AND email IS NULL",
                [h],
                |r| r.get(0),
            )
            .optional()?,
        (found, ..) => found,
    };
    match existing {
        Some(id) => {
            conn.execute(
                "UPDATE contributors SET name = coalesce(name, ?2), email = coalesce(email, ?3),
                        handle = coalesce(handle, ?4) WHERE id = ?1",
                params![id, name, email, handle],
            )?;
            Ok(Some(id))
        }
        None => {
            // Someone erased at their request who sends again: flagged, never merged.
            let erased_on: Option<String> = match email {
                Some(e) => match erased_email_hash(conn, e, false)? {
                    Some(h) => conn
                        .query_row(
                            "SELECT substr(max(erased_at), 1, 10) FROM erasures WHERE email_hash = ?",
                            [h],
                            |r| r.get(0),
                        )
                        .optional()?
                        .flatten(),
                    None => None,
                },
                None => None,
            };
            conn.execute(
                "INSERT INTO contributors (name, email, handle, created_at, previously_erased) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![name, email, handle, crate::library::now(), erased_on],
            )?;
            Ok(Some(conn.last_insert_rowid()))
        }
    }
}

/// Rewrites an asset's row in the text index from the catalog (rowid = asset id).
pub fn refresh_search(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM asset_search WHERE rowid = ?", [id])?;
    conn.execute(
        "INSERT INTO asset_search (rowid, name, tags, contributor, camera)
         SELECT a.id, a.original_name,
                (SELECT group_concat(tag, ' ') FROM tags WHERE asset_id = a.id),
                concat_ws(' ', c.name, c.handle, c.email),
                concat_ws(' ', a.camera_make, a.camera_model)
         FROM assets a LEFT JOIN contributors c ON c.id = a.contributor_id WHERE a.id = ?",
        [id],
    )?;
    Ok(())
}

/// The salted hash an erasure keeps of an e-mail address: enough to recognise the same
/// address again in this library, not to read it. The salt is the library's own, made at
/// its first erasure (`None` before, unless `create`).
pub fn erased_email_hash(
    conn: &Connection,
    email: &str,
    create: bool,
) -> rusqlite::Result<Option<String>> {
    let salt: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = 'erasure_salt'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let salt = match (salt, create) {
        (Some(s), _) => s,
        (None, false) => return Ok(None),
        (None, true) => {
            let mut bytes = [0u8; 32];
            let random = std::fs::File::open("/dev/urandom")
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
            if random.is_err() {
                let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
                bytes = *blake3::hash(seed.as_bytes()).as_bytes();
            }
            let s = blake3::hash(&bytes).to_hex().to_string();
            conn.execute(
                "INSERT INTO settings (key, value) VALUES ('erasure_salt', ?1)",
                [&s],
            )?;
            s
        }
    };
    let normal = email.trim().to_lowercase();
    Ok(Some(
        blake3::keyed_hash(blake3::hash(salt.as_bytes()).as_bytes(), normal.as_bytes())
            .to_hex()
            .to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_and_checked() {
        assert_eq!(normalise_tag(" Summer Sale ").unwrap(), "summer-sale");
        assert!(normalise_tag("a,b").is_err());
        assert!(normalise_tag("").is_err());
    }

    #[test]
    fn search_text_cannot_inject_fts_syntax() {
        assert_eq!(
            fts_query("beach \"OR\" NEAR(").as_deref(),
            Some("\"beach\"* \"OR\"* \"NEAR\"*")
        );
        assert_eq!(fts_query("  "), None);
    }
}
