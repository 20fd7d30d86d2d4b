//! Asking contributors for permission: one message per contributor, from the library's
//! template, in plain words, with a `mailto:` link. Asking is recorded (and audited), and
//! the scope asked for is what a "yes" reply later grants.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{audit, Channel, RightsError, RightsSettings, Usage, WORLDWIDE};
use crate::library::Library;

/// One drafted message.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Draft {
    pub contributor_id: i64,
    pub name: Option<String>,
    pub email: Option<String>,
    pub handle: Option<String>,
    pub asset_ids: Vec<i64>,
    pub subject: String,
    pub body: String,
    /// Present when the contributor has an e-mail address.
    pub mailto: Option<String>,
}

impl Draft {
    /// A file name for the draft: the contributor's handle, else their id.
    /// Handles come from forms and replies: only letters, digits, '.', '-' and '_' reach
    /// the file system, never a separator or a leading dot.
    pub fn file_name(&self) -> String {
        let safe: String = self
            .handle
            .as_deref()
            .unwrap_or_default()
            .chars()
            .map(|c| match c {
                c if c.is_alphanumeric() || c == '-' || c == '_' => c,
                '.' => '.',
                _ => '_',
            })
            .take(64)
            .collect();
        let safe = safe.trim_start_matches(['.', '_']);
        if safe.chars().any(char::is_alphanumeric) {
            format!("{safe}.txt")
        } else {
            format!("contributor-{}.txt", self.contributor_id)
        }
    }

    /// The draft as a person would paste it into a mail program.
    pub fn as_text(&self) -> String {
        let mut text = format!(
            "To: {}\nSubject: {}\n\n{}\n",
            self.email.clone().unwrap_or_default(),
            self.subject,
            self.body
        );
        if let Some(m) = &self.mailto {
            text.push_str(&format!("\n{m}\n"));
        }
        text
    }
}

/// What stays as it is in the address part of a `mailto:` link.
const ADDRESS: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
    .remove(b'@')
    .remove(b'.')
    .remove(b'-')
    .remove(b'_')
    .remove(b'+');

/// One plausible e-mail address: one '@', something either side, no separators.
pub fn single_address(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || ",;?&<>\"'()[]:%/\\".contains(c))
}

/// A `mailto:` link to one address (check it with [`single_address`] first).
pub fn mailto(address: &str, subject: &str, body: &str) -> String {
    format!(
        "mailto:{}?subject={}&body={}",
        utf8_percent_encode(address, ADDRESS),
        utf8_percent_encode(subject, NON_ALPHANUMERIC),
        utf8_percent_encode(body, NON_ALPHANUMERIC)
    )
}

/// Writes one text file per draft into `dir`; returns their paths.
pub fn write_drafts(
    plan: &RequestPlan,
    dir: &std::path::Path,
) -> Result<Vec<std::path::PathBuf>, RightsError> {
    let err = |path: &std::path::Path| {
        let path = path.to_path_buf();
        move |source| RightsError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(err(dir))?;
    plan.drafts
        .iter()
        .map(|d| {
            let path = dir.join(d.file_name());
            crate::library::write_private(&path, d.as_text()).map_err(err(&path))?;
            Ok(path)
        })
        .collect()
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RequestPlan {
    pub drafts: Vec<Draft>,
    /// Assets that cannot be asked about, and why.
    pub skipped: Vec<(i64, String)>,
}

fn channel_words(c: Channel) -> &'static str {
    match c {
        Channel::Web => "our website",
        Channel::Social => "our social media accounts",
        Channel::PaidSocial => "paid social media ads",
        Channel::Tv => "TV commercials",
        Channel::OutOfHome => "posters and billboards",
        Channel::Print => "printed material",
        Channel::Email => "our e-mail newsletters",
    }
}

fn territory_words(t: &str) -> String {
    let name = match t {
        WORLDWIDE => return "worldwide".to_string(),
        "US" => "the United States",
        "GB" => "the United Kingdom",
        "CA" => "Canada",
        "AU" => "Australia",
        "IE" => "Ireland",
        "DE" => "Germany",
        "FR" => "France",
        "ES" => "Spain",
        "IT" => "Italy",
        "NL" => "the Netherlands",
        "SE" => "Sweden",
        "CH" => "Switzerland",
        "BR" => "Brazil",
        "MX" => "Mexico",
        "JP" => "Japan",
        "IN" => "India",
        other => other,
    };
    format!("in {name}")
}

fn list_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn date_words(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// The usage in words a customer understands, e.g. "our website and our social media
/// accounts, in the United States and in the United Kingdom".
pub fn usage_words(usage: &Usage) -> String {
    let channels: Vec<String> = usage
        .channels
        .iter()
        .map(|c| channel_words(*c).to_string())
        .collect();
    let territories: Vec<String> = usage
        .territories
        .iter()
        .map(|t| territory_words(t))
        .collect();
    format!("{}, {}", list_words(&channels), list_words(&territories))
}

pub fn period_words(usage: &Usage) -> String {
    format!(
        "from {} to {}",
        date_words(usage.starts_on),
        date_words(usage.ends_on)
    )
}

/// When the contributor's latest answer about `asset` (for it alone, or for everything
/// they sent) is a no: the day they said it.
fn said_no(
    conn: &rusqlite::Connection,
    contributor: i64,
    asset: i64,
) -> Result<Option<String>, RightsError> {
    let latest: Option<(String, String)> = conn
        .query_row(
            "SELECT decision, substr(evidence_at, 1, 10) FROM grants
             WHERE contributor_id = ?1 AND (asset_id = ?2 OR asset_id IS NULL)
             ORDER BY id DESC LIMIT 1",
            [contributor, asset],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(latest.filter(|(d, _)| d == "denied").map(|(_, on)| on))
}

/// Drafts one request per contributor for these assets and records that they were asked.
/// A contributor whose latest answer about an asset is no is never asked about it again:
/// that asset is skipped with the reason.
pub fn request(
    lib: &mut Library,
    assets: &[i64],
    usage: &Usage,
    campaign_id: Option<i64>,
    settings: &RightsSettings,
) -> Result<RequestPlan, RightsError> {
    let mut plan = RequestPlan::default();
    let mut by_contributor: BTreeMap<i64, Vec<(i64, String, String)>> = BTreeMap::new();
    for &id in assets {
        let (name, kind, contributor): (String, String, Option<i64>) = lib.conn().query_row(
            "SELECT original_name, kind, contributor_id FROM assets WHERE id = ?",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        match contributor {
            Some(c) => match said_no(lib.conn(), c, id)? {
                Some(on) => plan.skipped.push((
                    id,
                    format!("{name}: its contributor said no on {on}, so Chorus will not ask again (if they change their mind, record their new answer)"),
                )),
                None => by_contributor.entry(c).or_default().push((id, name, kind)),
            },
            None => plan
                .skipped
                .push((id, format!("{name}: no contributor known, so nobody to ask (import it with its form export)"))),
        }
    }
    let tx = lib.conn_mut().transaction()?;
    for (contributor, items) in by_contributor {
        let text = settings
            .template
            .replace("{usage}", &usage_words(usage))
            .replace("{period}", &period_words(usage));
        let draft = compose(&tx, contributor, &items, &text, settings)?;
        for (asset, _, _) in &items {
            tx.execute(
                "INSERT INTO rights_requests (contributor_id, asset_id, campaign_id, channels, territories,
                    valid_from, valid_until, keyword, message, requested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    contributor,
                    asset,
                    campaign_id,
                    serde_json::to_string(&usage.channels).unwrap_or_default(),
                    serde_json::to_string(&usage.territories).unwrap_or_default(),
                    usage.starts_on.to_string(),
                    usage.ends_on.to_string(),
                    settings.reply_keyword,
                    draft.body,
                    crate::library::now()
                ],
            )?;
            audit(
                &tx,
                "request",
                Some(contributor),
                Some(*asset),
                None,
                serde_json::json!({ "campaign_id": campaign_id, "usage": usage, "keyword": settings.reply_keyword }),
            )?;
        }
        plan.drafts.push(draft);
    }
    tx.commit()?;
    Ok(plan)
}

/// A message to one contributor about some of their assets (`(id, original name, kind)`),
/// from a template whose campaign-specific words are already filled in: `{name}` (their
/// first name), `{brand}`, `{what}` (photo, clips...), `{assets}` (a list) and `{keyword}`.
/// A first line `Subject: ...` becomes the subject.
pub(crate) fn compose(
    conn: &rusqlite::Connection,
    contributor: i64,
    items: &[(i64, String, String)],
    template: &str,
    settings: &RightsSettings,
) -> Result<Draft, RightsError> {
    let (name, email, handle): (Option<String>, Option<String>, Option<String>) = conn.query_row(
        "SELECT name, email, handle FROM contributors WHERE id = ?",
        [contributor],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let has_photo = items.iter().any(|(_, _, k)| k == "photo");
    let has_clip = items.iter().any(|(_, _, k)| k == "clip");
    let what = match (has_photo, has_clip, items.len()) {
        (true, true, _) => "photos and clips",
        (true, false, 1) => "photo",
        (true, false, _) => "photos",
        (false, _, 1) => "clip",
        _ => "clips",
    };
    let first_name = name
        .as_deref()
        .and_then(|n| n.split_whitespace().next())
        .or(handle.as_deref())
        .unwrap_or("there")
        .to_string();
    let asset_lines: Vec<String> = items.iter().map(|(_, n, _)| format!("  - {n}")).collect();
    let text = template
        .replace("{name}", &first_name)
        .replace("{brand}", &settings.brand_name)
        .replace("{what}", what)
        .replace("{assets}", &asset_lines.join("\n"))
        .replace("{keyword}", &settings.reply_keyword);
    let (subject, body) = match text.strip_prefix("Subject:") {
        Some(rest) => {
            let (s, b) = rest.split_once('\n').unwrap_or((rest, ""));
            (s.trim().to_string(), b.trim_start_matches('\n').to_string())
        }
        None => (
            format!("Your submission to {}", settings.brand_name),
            text.clone(),
        ),
    };
    // One recipient only: an address with a comma, a '?' or spaces in it would add
    // recipients or headers to the link, so it gets no link at all.
    let mailto = email
        .as_ref()
        .filter(|e| single_address(e))
        .map(|e| mailto(e, &subject, &body));
    Ok(Draft {
        contributor_id: contributor,
        name,
        email,
        handle,
        asset_ids: items.iter().map(|(id, _, _)| *id).collect(),
        subject,
        body,
        mailto,
    })
}
