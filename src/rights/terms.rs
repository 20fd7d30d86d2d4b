//! Library settings that shape rights work: the brand's name, the reply keyword, the
//! request template, the terms a form checkbox grants and the answers that mean it was
//! ticked. Each has a default, so a new library works at once; `chorus settings set` changes
//! them, and refuses a value [`validate_setting`] rejects before storing it: a stored bad
//! value would break every later import.

use std::collections::BTreeSet;

use super::{parse_territory, Channel};
use crate::library::{Library, LibraryError};

/// The default thank-you message, shipped in `assets/brand/` and built into the binary.
pub const DEFAULT_THANK_YOU: &str = include_str!("../../assets/brand/thank-you.txt");

/// Days before an unanswered request is due for a follow-up, unless `follow_up_days` says.
pub const DEFAULT_FOLLOW_UP_DAYS: u32 = 7;

/// The default request message, shipped in `assets/brand/` and built into the binary.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../assets/brand/rights-request.txt");

/// Every setting Chorus reads, with what it means. `settings set` refuses other keys.
pub const KEYS: &[(&str, &str)] = &[
    (
        "brand_name",
        "the brand's name, used in requests (default: BrandCo)",
    ),
    (
        "reply_keyword",
        "what a contributor replies to say yes (default: #Yes + brand name)",
    ),
    (
        "request_template",
        "path of a request template file (default: the built-in one)",
    ),
    (
        "form_channels",
        "channels a form consent grants (default: web,social)",
    ),
    (
        "form_territories",
        "territories a form consent grants (default: worldwide)",
    ),
    (
        "form_months",
        "how many months a form consent lasts from submission (default: 24)",
    ),
    (
        "form_consent_answers",
        "answers in the form's consent column that mean yes, separated by | (default: yes|y|true|1|checked|on|x|✓|agreed|I agree|I consent|Yes, I agree|…); an agreement phrase followed by the box's statement counts too, unless the statement adds a condition",
    ),
    (
        "thank_you_template",
        "path of the thank-you template for contributors featured in an exported piece (default: the built-in one)",
    ),
    (
        "adult_age",
        "the age from which a contributor counts as an adult for advertising where your campaigns run, 13 to 21 (default: 18); a form's age, date of birth or 18+ box is judged against it",
    ),
    (
        "rights_url",
        "the web page where the brand states its terms for customer content (https://...), written into every exported file as its Web Statement of Rights and Licensor URL (default: none)",
    ),
    (
        "follow_up_days",
        "days after which an unanswered rights request is due for one polite follow-up, 1 to 90 (default: 7)",
    ),
];

#[derive(Clone, Debug)]
pub struct RightsSettings {
    pub brand_name: String,
    pub reply_keyword: String,
    pub template: String,
    pub form: FormTerms,
    /// The thank-you message (see `thank_you_template`).
    pub thank_you: String,
    /// See the `adult_age` setting.
    pub adult_age: u32,
    /// See the `follow_up_days` setting.
    pub follow_up_days: u32,
    /// See the `rights_url` setting.
    pub rights_url: Option<String>,
}

/// What ticking the consent box on the submission form grants.
#[derive(Clone, Debug)]
pub struct FormTerms {
    pub channels: BTreeSet<Channel>,
    pub territories: BTreeSet<String>,
    pub months: u32,
    /// The answers that mean the box was ticked, as [`answer_key`]s.
    pub consent_answers: Vec<String>,
}

impl Default for FormTerms {
    /// The terms of a library whose settings were never changed.
    fn default() -> FormTerms {
        FormTerms {
            channels: [Channel::Web, Channel::Social].into(),
            territories: [super::WORLDWIDE.to_string()].into(),
            months: 24,
            consent_answers: default_consent_answers(),
        }
    }
}

fn default_consent_answers() -> Vec<String> {
    parse_consent_answers(DEFAULT_FORM_CONSENT_ANSWERS).expect("the default answers are valid")
}

/// What form tools write in the consent column for a ticked box or a yes, in English and
/// the languages contributors use most. Not "ok", "sure" or "si" (French and Spanish "if").
pub const DEFAULT_FORM_CONSENT_ANSWERS: &str = "yes|y|true|1|checked|on|x|✓|✔|☑|agreed|accepted|I agree|I consent|I accept|Yes, I agree|Yes, I consent|oui|sí|sì|ja|sim";

/// An answer reduced to what it says: lower case, words separated by single spaces,
/// punctuation and emoji variation selectors dropped; apostrophes inside words, symbols
/// (✓) and question marks kept. "Yes." and " YES! " are "yes"; "Yes?" is "yes ?".
pub fn answer_key(answer: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut flush = |word: &mut String| {
        let w = word.trim_matches('\'');
        if !w.is_empty() {
            words.push(w.to_string());
        }
        word.clear();
    };
    for c in answer.chars() {
        let c = if matches!(c, '’' | 'ʼ') { '\'' } else { c };
        if matches!(c, '\u{fe0e}' | '\u{fe0f}') {
            continue;
        }
        let separator = c.is_whitespace()
            || (c.is_ascii_punctuation() && !matches!(c, '\'' | '?'))
            || matches!(
                c,
                '–' | '—'
                    | '…'
                    | '¡'
                    | '¿'
                    | '«'
                    | '»'
                    | '“'
                    | '”'
                    | '„'
                    | '‘'
                    | '·'
                    | '。'
                    | '、'
            );
        if c == '?' {
            flush(&mut word);
            word.push('?');
            flush(&mut word);
        } else if separator {
            flush(&mut word);
        } else {
            word.extend(c.to_lowercase());
        }
    }
    flush(&mut word);
    words.join(" ")
}

/// Whether a form's consent answer is a yes under the library's settings. It is when it is
/// one of the affirmative answers (`form_consent_answers`), compared by [`answer_key`] and
/// never as a substring: "I do NOT agree to any use" is not "I agree". It is also when it
/// opens with one of the answers of two or more words and goes on with the statement the
/// box was labelled with, as checkbox exports write a ticked box ("I agree that BrandCo may
/// use my submission in its marketing."), provided the statement adds no negation,
/// condition, doubt or question. Anything else ("No", "FALSE", a blank, "I agree, but not
/// for ads", "Yes please - only on Instagram") is no consent.
pub fn form_consent_given(answer: &str, terms: &FormTerms) -> bool {
    let said = answer_key(answer);
    !said.is_empty()
        && terms.consent_answers.iter().any(|yes| {
            said == *yes
                || (yes.contains(' ')
                    && said.strip_prefix(yes.as_str()).is_some_and(|statement| {
                        statement.starts_with(' ')
                            && super::reading::reservations(statement).is_none()
                    }))
        })
}

/// Checks a value for one of [`KEYS`] the way [`RightsSettings::load`] reads it, so
/// `settings set` can refuse it before it is stored. The error says what is expected.
pub fn validate_setting(key: &str, value: &str) -> Result<(), String> {
    match key {
        "brand_name" => parse_brand_name(value).map(drop),
        "reply_keyword" => parse_reply_keyword(value).map(drop),
        "request_template" => std::fs::read_to_string(value)
            .map(drop)
            .map_err(|e| format!("cannot read the request template {value}: {e}")),
        "thank_you_template" => std::fs::read_to_string(value)
            .map(drop)
            .map_err(|e| format!("cannot read the thank-you template {value}: {e}")),
        "form_channels" => parse_channels(value).map(drop),
        "form_territories" => parse_territories(value).map(drop),
        "form_months" => parse_months(value).map(drop),
        "form_consent_answers" => parse_consent_answers(value).map(drop),
        "adult_age" => parse_adult_age(value).map(drop),
        "follow_up_days" => parse_follow_up_days(value).map(drop),
        "rights_url" => parse_rights_url(value).map(drop),
        // Gone: a setting cannot make every contributor an adult. A form shows age only
        // through its own age, date-of-birth or "18 or older" column.
        "form_assumes_adult" => Err("form_assumes_adult is no longer a setting: Chorus reads age from the form's own age, date of birth or \"18 or older\" column, and treats everyone else's age as unknown".to_string()),
        _ => Err(format!(
            "unknown setting '{key}' (see `chorus settings ls`)"
        )),
    }
}

/// A web address people can open: http(s), a host, no spaces or control characters.
pub fn parse_rights_url(v: &str) -> Result<String, String> {
    let url = v.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("'{url}' is not a web address: give the page as https://..."))?;
    let host = rest.split('/').next().unwrap_or_default();
    if !host.contains('.')
        || url.len() > 300
        || url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
    {
        return Err(format!(
            "'{url}' is not a web address: give the page as https://example.com/terms"
        ));
    }
    Ok(url.to_string())
}

fn parse_brand_name(v: &str) -> Result<String, String> {
    let name = v.trim();
    if name.is_empty() {
        return Err("the brand name cannot be empty".into());
    }
    Ok(name.to_string())
}

fn parse_reply_keyword(v: &str) -> Result<String, String> {
    let keyword = v.trim();
    if !keyword.chars().any(char::is_alphanumeric) {
        return Err(format!(
            "the reply keyword needs letters or digits (for example #YesBrandCo), not '{v}'"
        ));
    }
    if let Some(why) = super::reading::reservations(keyword) {
        return Err(format!(
            "the reply keyword '{keyword}' would not read as a yes ({why})"
        ));
    }
    Ok(keyword.to_string())
}

fn parse_channels(v: &str) -> Result<BTreeSet<Channel>, String> {
    let channels = v
        .split(',')
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            Channel::parse(c).ok_or_else(|| {
                let all: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
                format!(
                    "'{}' is not a channel (one of {})",
                    c.trim(),
                    all.join(", ")
                )
            })
        })
        .collect::<Result<BTreeSet<_>, _>>()?;
    if channels.is_empty() {
        return Err("name at least one channel, separated by commas".into());
    }
    Ok(channels)
}

fn parse_territories(v: &str) -> Result<BTreeSet<String>, String> {
    let territories = v
        .split(',')
        .filter(|t| !t.trim().is_empty())
        .map(|t| {
            parse_territory(t).ok_or_else(|| {
                format!(
                    "'{}' is not a territory (a two-letter ISO 3166 code such as US or GB, or worldwide)",
                    t.trim()
                )
            })
        })
        .collect::<Result<BTreeSet<_>, _>>()?;
    if territories.is_empty() {
        return Err("name at least one territory, separated by commas".into());
    }
    Ok(territories)
}

fn parse_months(v: &str) -> Result<u32, String> {
    v.trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=120).contains(m))
        .ok_or_else(|| format!("form_months is a whole number of months from 1 to 120, not '{v}'"))
}

fn parse_adult_age(v: &str) -> Result<u32, String> {
    v.trim()
        .parse::<u32>()
        .ok()
        .filter(|a| (13..=21).contains(a))
        .ok_or_else(|| {
            format!("adult_age is a whole number of years from 13 to 21 (18 unless your territory's law for advertising says otherwise), not '{v}'")
        })
}

fn parse_follow_up_days(v: &str) -> Result<u32, String> {
    v.trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=90).contains(d))
        .ok_or_else(|| format!("follow_up_days is a whole number of days from 1 to 90, not '{v}'"))
}

fn parse_consent_answers(v: &str) -> Result<Vec<String>, String> {
    let mut answers: Vec<String> = Vec::new();
    for answer in v.split(['|', ';']) {
        let key = answer_key(answer);
        if key.is_empty() || answers.contains(&key) {
            continue;
        }
        if let Some(why) = super::reading::reservations(&key) {
            return Err(format!(
                "'{}' is not an affirmative answer ({why})",
                answer.trim()
            ));
        }
        answers.push(key);
    }
    if answers.is_empty() {
        return Err(
            "list at least one answer that means yes, separated by | (for example: yes|true|I agree)"
                .into(),
        );
    }
    Ok(answers)
}

impl RightsSettings {
    pub fn load(lib: &Library) -> Result<RightsSettings, LibraryError> {
        let get = |k: &str| lib.setting(k);
        // The same parsers as `validate_setting`, so what `settings set` took loads.
        fn parsed<T>(
            k: &str,
            v: Option<String>,
            parse: fn(&str) -> Result<T, String>,
        ) -> Result<Option<T>, LibraryError> {
            v.map(|v| {
                parse(&v).map_err(|why| {
                    LibraryError::Invalid(format!(
                        "setting {k} = '{v}' is not valid: {why}; change it with `chorus settings set {k} VALUE`"
                    ))
                })
            })
            .transpose()
        }
        let brand_name = parsed("brand_name", get("brand_name")?, parse_brand_name)?
            .unwrap_or_else(|| "BrandCo".to_string());
        let reply_keyword = parsed("reply_keyword", get("reply_keyword")?, parse_reply_keyword)?
            .unwrap_or_else(|| {
                let squashed: String = brand_name.chars().filter(|c| c.is_alphanumeric()).collect();
                format!("#Yes{squashed}")
            });
        let template = match get("request_template")? {
            Some(path) => std::fs::read_to_string(&path).map_err(|e| LibraryError::io(path, e))?,
            None => DEFAULT_TEMPLATE.to_string(),
        };
        let thank_you = match get("thank_you_template")? {
            Some(path) => std::fs::read_to_string(&path).map_err(|e| LibraryError::io(path, e))?,
            None => DEFAULT_THANK_YOU.to_string(),
        };
        let defaults = FormTerms::default();
        let channels = parsed("form_channels", get("form_channels")?, parse_channels)?
            .unwrap_or(defaults.channels);
        let territories = parsed(
            "form_territories",
            get("form_territories")?,
            parse_territories,
        )?
        .unwrap_or(defaults.territories);
        let months =
            parsed("form_months", get("form_months")?, parse_months)?.unwrap_or(defaults.months);
        let consent_answers = parsed(
            "form_consent_answers",
            get("form_consent_answers")?,
            parse_consent_answers,
        )?
        .unwrap_or(defaults.consent_answers);
        let adult_age = parsed("adult_age", get("adult_age")?, parse_adult_age)?
            .unwrap_or(crate::manifest::DEFAULT_ADULT_AGE);
        let follow_up_days = parsed(
            "follow_up_days",
            get("follow_up_days")?,
            parse_follow_up_days,
        )?
        .unwrap_or(DEFAULT_FOLLOW_UP_DAYS);
        let rights_url = parsed("rights_url", get("rights_url")?, parse_rights_url)?;
        Ok(RightsSettings {
            rights_url,
            brand_name,
            reply_keyword,
            template,
            form: FormTerms {
                channels,
                territories,
                months,
                consent_answers,
            },
            thank_you,
            adult_age,
            follow_up_days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_affirmative_form_answer_is_consent() {
        let terms = FormTerms::default();
        for yes in [
            "Yes",
            " YES! ",
            "true",
            "✔️",
            "I agree.",
            "Yes, I agree",
            "agreed",
        ] {
            assert!(form_consent_given(yes, &terms), "{yes:?}");
        }
        for no in [
            "No",
            "FALSE",
            "",
            "Yes?",
            "I do NOT agree to any use",
            "yesterday",
        ] {
            assert!(!form_consent_given(no, &terms), "{no:?}");
        }
        // A ticked box labelled with a statement, unless the statement holds something back.
        assert!(form_consent_given(
            "I agree that BrandCo may use my submission in its marketing.",
            &terms
        ));
        assert!(!form_consent_given(
            "I agree that BrandCo may use my submission, but not in ads.",
            &terms
        ));
    }

    #[test]
    fn settings_are_checked_before_they_are_stored() {
        assert!(validate_setting("form_months", "abc").is_err());
        assert!(validate_setting("form_months", "0").is_err());
        assert!(validate_setting("form_months", "121").is_err());
        assert_eq!(validate_setting("form_months", " 36 "), Ok(()));
        assert!(validate_setting("form_channels", "web,radio")
            .unwrap_err()
            .contains("'radio' is not a channel"));
        assert_eq!(
            validate_setting("form_channels", "web, paid social"),
            Ok(())
        );
        assert!(validate_setting("form_territories", "USA").is_err());
        assert_eq!(validate_setting("form_territories", "us,gb"), Ok(()));
        assert!(validate_setting("form_consent_answers", " | ; ").is_err());
        assert!(validate_setting("form_consent_answers", "yes|no").is_err());
        assert_eq!(
            validate_setting("form_consent_answers", "Oui; J'accepte"),
            Ok(())
        );
        assert!(validate_setting("reply_keyword", "   ").is_err());
        assert_eq!(validate_setting("reply_keyword", "#YesAcme"), Ok(()));
        assert!(validate_setting("brand_name", "").is_err());
        assert!(validate_setting("request_template", "/no/such/template.txt").is_err());
        assert!(validate_setting("no_such_key", "1").is_err());
        assert_eq!(default_consent_answers().len(), 22);
    }
}
