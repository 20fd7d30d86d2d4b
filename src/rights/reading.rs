//! Reading what a contributor wrote: a reply to a rights request, or a form's consent
//! answer. Pure functions of the text, so every rule is tested on a corpus
//! (`tests/consent_reading.rs`); `replies` and `terms` act on what they say.

/// What a reply says, judged on its words alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The keyword, in the contributor's own words, with nothing that takes it back:
    /// no negation, condition, doubt, irony, question or refusal anywhere in the reply.
    Yes,
    /// A clear refusal ("no thanks", "stop", "please remove it", "nein danke") without
    /// the keyword.
    No,
    /// Anything else, with what was found, for the person who reads it.
    NeedsPerson(String),
}

// The words below are matched as whole words (lower-cased, apostrophes kept), in the
// languages contributors reply in most: English, French, Spanish, German, Portuguese and
// Italian. They err towards a person: a reply that merely looks like a yes costs a person a
// minute, a reply wrongly read as a yes publishes someone who did not agree.

/// Words that negate. Any word ending in "n't" and any French elision "n'…" count too.
/// "nothing", "none" and "nobody" count: "nothing against it" is a yes and "nothing of
/// mine" a no, so a person reads both.
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "nope", "nah", "nay", "cannot", "cant", "dont", "wont", "doesnt", "isnt",
    "wouldnt", "shouldnt", "couldnt", "didnt", "arent", "wasnt", "werent", "havent", "hasnt",
    "hadnt", "aint", "mustnt", "neednt", "nothing", "none", "nobody", "neither", "nor",
    "nowhere", // English
    "ne", "pas", "non", "jamais", "rien", "aucun", "aucune", // French
    "nunca", "jamás", "tampoco", "ni", "nada", "ninguno", "ninguna", "nadie", // Spanish
    "nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nein", "nie", "niemals",
    "nichts", // German
    "não", "nao", "nem", "nenhum", "nenhuma", // Portuguese
    "mai", "niente", "nessuno", "nessuna", "nessun", "nulla", // Italian
];

/// Phrases that only look negative. They are skipped, nothing else is: "can't wait, but
/// not on TV" still goes to a person.
const IDIOMS: &[&str] = &[
    "can't wait",
    "cant wait",
    "cannot wait",
    "can not wait",
    "couldn't be happier",
    "could not be happier",
    "no problem",
    "no problems",
    "no prob",
    "no probs",
    "not a problem",
    "no worries",
    "no doubt",
    "no idea",
    "don't mind",
    "dont mind",
    "do not mind",
    "mais oui",
    "pas de problème",
    "pas de probleme",
    "pas de souci",
    "pas de soucis",
    "sin problema",
    "no hay problema",
    "kein problem",
    "sem problema",
    "nessun problema",
];

/// Words that make a yes depend on something, or limit it. "si" counts (French and
/// Spanish "if"; the Spanish yes is "sí"), and "se" (Portuguese and Italian "if", though
/// also a Spanish pronoun).
const CONDITIONS: &[&str] = &[
    "but",
    "except",
    "excepting",
    "excluding",
    "exclude",
    "only",
    "if",
    "unless",
    "provided",
    "providing",
    "however",
    "although",
    "though",
    "until",
    "till",
    "without",
    "otherwise",
    "whereas", // English
    "mais",
    "sauf",
    "seulement",
    "uniquement",
    "si",
    "pourvu",
    "cependant",
    "sans",
    "excepté",
    // French
    "pero",
    "excepto",
    "salvo",
    "solo",
    "sólo",
    "solamente",
    "únicamente",
    "sin",
    "aunque",
    "mientras", // Spanish
    "aber",
    "nur",
    "wenn",
    "falls",
    "außer",
    "ausser",
    "sofern",
    "solange",
    "jedoch",
    "ohne",
    "bis", // German
    "mas",
    "exceto",
    "só",
    "somente",
    "apenas",
    "sem",
    "porém",
    "embora",
    "se",
    "contanto",
    // Portuguese
    "ma",
    "tranne",
    "purché",
    "però",
    "soltanto",
    "senza",
    "eccetto", // Italian
];

/// Phrases that make a yes depend on something.
const CONDITION_PHRASES: &[&str] = &[
    "as long as",
    "so long as",
    "on condition",
    "on the condition",
    "subject to",
    "other than",
    "apart from",
    "for now",
    "tant que",
    "à condition",
    "a condition",
    "sous réserve",
    "siempre que",
    "siempre y cuando",
    "a menos que",
    "con tal de",
    "desde que",
    "a não ser",
    "a patto che",
    "a condizione",
    "sempre che",
    "unter der bedingung",
    "vorausgesetzt",
];

/// Phrases that narrow a yes to less than was asked.
const LIMITATIONS: &[&str] = &[
    "not in",
    "not on",
    "not for",
    "not as",
    "not with",
    "no tv",
    "no ads",
    "no paid",
    "no print",
    "no billboards",
    "no names",
    "no name",
    "no face",
    "no faces",
];

/// Words of doubt.
const DOUBTS: &[&str] = &[
    "maybe",
    "perhaps",
    "possibly",
    "probably",
    "might",
    "depends",
    "depending",
    "unsure",
    "guess",
    "suppose",
    "hm",
    "hmm",
    "hmmm",
    "idk",
    "dunno",
    "kinda",
    "sorta",
    "peut être",
    "quizás",
    "quizá",
    "tal vez",
    "vielleicht",
    "talvez",
    "forse",
];

/// Irony and jokes. "/s" is looked for in the raw text.
const IRONY: &[&str] = &[
    "yeah right",
    "yea right",
    "ya right",
    "as if",
    "lol no",
    "lmao no",
    "haha no",
    "sure jan",
    "in your dreams",
    "dream on",
    "nice try",
    "when pigs fly",
    "over my dead body",
    "just kidding",
    "kidding",
    "joking",
    "jk",
    "sarcasm",
];

/// Refusals, anywhere in a reply.
const REFUSALS: &[&str] = &[
    "stop",
    "unsubscribe",
    "remove",
    "delete",
    "withdraw",
    "withdrawing",
    "revoke",
    "decline",
    "refuse",
    "opt out",
    "take it down",
    "take down",
    "do not use",
    "don't use",
    "dont use",
    "not use",
    "do not want",
    "don't want",
    "dont want",
    "not interested",
    "rather not",
    "rather you didn't",
    "i do not agree",
    "i don't agree",
    "i dont agree",
    "not agree",
    "disagree",
    "do not consent",
    "don't consent",
    "not consent",
    "no thanks",
    "no thank you",
    "no way",
    "hell no",
    "absolutely not",
    "definitely not",
    "not ok",
    "not okay",
    "lol no",
    "non merci",
    "je refuse",
    "retirez",
    "supprimez",
    "arrêtez",
    "nein danke",
    "lehne ab",
    "löschen",
    "entfernen",
    "no gracias",
    "no acepto",
    "no autorizo",
    "borrar",
    "eliminar",
    "não obrigado",
    "não obrigada",
    "nao obrigado",
    "nao obrigada",
    "não aceito",
    "não autorizo",
    "remover",
    "apagar",
    "no grazie",
    "non accetto",
    "non autorizzo",
    "rimuovere",
    "cancellare",
    "basta",
];

/// A reply that opens with one of these is a refusal ("No.", "Nope, sorry", "Nein").
const BARE_NO: &[&str] = &[
    "no", "nope", "nah", "never", "non", "nein", "nö", "não", "nao",
];

/// Emoji that turn a yes into something a person should read.
const NEGATIVE_EMOJI: &[char] = &[
    '👎', '🙄', '🙃', '😒', '😏', '😑', '🤨', '😠', '😡', '🤬', '❌', '❎', '✖', '🚫', '⛔', '🛑',
    '🤮', '🤢', '💩',
];

/// Words before the keyword that make it a mention rather than an answer: "you said to
/// reply #YesBrandCo", "do I just type #YesBrandCo".
const MENTION_VERBS: &[&str] = &[
    "reply",
    "replying",
    "replied",
    "respond",
    "responding",
    "answer",
    "answering",
    "type",
    "typing",
    "write",
    "writing",
    "text",
    "texting",
    "send",
    "sending",
    "comment",
    "commenting",
];

/// Words that may stand between a mention verb and the keyword.
const MENTION_FILLERS: &[&str] = &[
    "with", "just", "simply", "back", "the", "word", "keyword", "hashtag", "tag", "code",
];

/// Where a mail client starts quoting the message replied to ("On Mon, 1 Jun 2026, BrandCo
/// <hello@brandco.com> wrote:", "Le … a écrit :", "Am … schrieb", "El … escribió:").
const QUOTE_HEADERS: &[&str] = &[
    "wrote:",
    "a écrit",
    "schrieb",
    "escribió",
    "escreveu",
    "ha scritto",
    "-----original message-----",
];
const QUOTE_OPENERS: &[&str] = &["on ", "le ", "am ", "el ", "em ", "il "];

/// Quotation marks, opening and the closings that may end them.
const QUOTES: &[(char, &[char])] = &[
    ('"', &['"']),
    ('“', &['”', '"', '“']),
    ('„', &['“', '”']),
    ('«', &['»']),
    ('‹', &['›']),
    ('「', &['」']),
];

/// One word of a reply, lower-cased, with where it is in the text.
struct Word {
    at: usize,
    end: usize,
    text: String,
    /// An occurrence of the keyword, taken whole.
    keyword: bool,
    /// Part of an idiom that only looks negative.
    idiom: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Negation,
    Condition,
    Limitation,
    Doubt,
    Irony,
    Refusal,
    Emoji,
    Question,
}

/// Something in a reply that keeps it from being a plain yes, and the span it covers.
struct Finding {
    at: usize,
    end: usize,
    kind: Kind,
    what: String,
    note: &'static str,
}

impl Finding {
    fn reason(&self) -> String {
        let label = match self.kind {
            Kind::Negation => "negation",
            Kind::Condition => "condition",
            Kind::Limitation => "limitation",
            Kind::Doubt => "doubt",
            Kind::Irony => "irony",
            Kind::Refusal => "refusal",
            Kind::Emoji => "emoji",
            Kind::Question => "question",
        };
        format!("{label} '{}'{}", self.what, self.note)
    }
}

/// Byte length of `needle` at the start of `hay`, compared without case.
fn starts_with_ci(hay: &str, needle: &str) -> Option<usize> {
    let mut hay_chars = hay.char_indices();
    for n in needle.chars() {
        let (_, h) = hay_chars.next()?;
        if !h.to_lowercase().eq(n.to_lowercase()) {
            return None;
        }
    }
    Some(hay_chars.next().map_or(hay.len(), |(i, _)| i))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Where the keyword occurs as a whole token ("#yesbrandco!" yes, "#YesBrandCo2" no).
fn keyword_spans(text: &str, keyword: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if keyword.is_empty() {
        return out;
    }
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        let free_before = prev.is_none_or(|p| !is_word_char(p));
        prev = Some(c);
        if !free_before || out.last().is_some_and(|&(_, e)| i < e) {
            continue;
        }
        if let Some(len) = starts_with_ci(&text[i..], keyword) {
            let free_after = text[i + len..]
                .chars()
                .next()
                .is_none_or(|n| !is_word_char(n));
            if free_after {
                out.push((i, i + len));
            }
        }
    }
    out
}

/// The contributor's own words, and what they quoted: lines starting with `>`, everything
/// from a mail client's "On … wrote:" on, and text inside quotation marks.
fn split_quoted(text: &str) -> (String, String) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lower = text.to_ascii_lowercase();
    let mut own = text.as_str();
    let mut quoted = String::new();
    let cut = QUOTE_HEADERS
        .iter()
        .filter_map(|h| lower.find(h))
        .min()
        .map(|at| {
            let line_start = lower[..at].rfind('\n').map_or(0, |i| i + 1);
            let window = (at.saturating_sub(300)..=at)
                .find(|&i| lower.is_char_boundary(i))
                .unwrap_or(at);
            QUOTE_OPENERS
                .iter()
                .filter_map(|o| {
                    lower[window..at]
                        .match_indices(o)
                        .map(|(i, _)| window + i)
                        .filter(|&i| {
                            lower[..i]
                                .chars()
                                .next_back()
                                .is_none_or(|p| !is_word_char(p))
                        })
                        .last()
                })
                .max()
                .unwrap_or(line_start)
        });
    if let Some(cut) = cut {
        quoted.push_str(&text[cut..]);
        quoted.push('\n');
        own = &text[..cut];
    }
    let mut kept = String::new();
    for line in own.lines() {
        if line.trim_start().starts_with('>') {
            quoted.push_str(line);
            quoted.push('\n');
        } else {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    let mut out = String::new();
    let mut rest = kept.as_str();
    while let Some((i, open)) = rest
        .char_indices()
        .find(|(_, c)| QUOTES.iter().any(|(o, _)| o == c))
    {
        let closes = QUOTES.iter().find(|(o, _)| *o == open).map(|(_, c)| *c);
        let after = &rest[i + open.len_utf8()..];
        match closes.and_then(|c| after.find(|ch: char| c.contains(&ch))) {
            Some(j) => {
                let close_len = after[j..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&rest[..i]);
                out.push(' ');
                quoted.push_str(&after[..j]);
                quoted.push('\n');
                rest = &after[j + close_len..];
            }
            None => {
                out.push_str(&rest[..i + open.len_utf8()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, quoted)
}

/// The words of `text`, each keyword occurrence as one word.
fn words(text: &str, keyword_at: &[(usize, usize)]) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let flush = |current: &mut Option<(usize, String)>, end: usize, out: &mut Vec<Word>| {
        if let Some((at, w)) = current.take() {
            let w = w.trim_matches('\'');
            if !w.is_empty() {
                out.push(Word {
                    at,
                    end,
                    text: w.to_string(),
                    keyword: false,
                    idiom: false,
                });
            }
        }
    };
    let mut skip_to = 0;
    for (i, c) in text.char_indices() {
        if i < skip_to {
            continue;
        }
        if let Some(&(at, end)) = keyword_at.iter().find(|(at, _)| *at == i) {
            flush(&mut current, i, &mut out);
            out.push(Word {
                at,
                end,
                text: String::new(),
                keyword: true,
                idiom: false,
            });
            skip_to = end;
            continue;
        }
        let c = if matches!(c, '’' | 'ʼ' | '‘') {
            '\''
        } else {
            c
        };
        if c.is_alphanumeric() || c == '\'' {
            current
                .get_or_insert_with(|| (i, String::new()))
                .1
                .extend(c.to_lowercase());
        } else {
            flush(&mut current, i, &mut out);
        }
    }
    flush(&mut current, text.len(), &mut out);
    for i in 0..out.len() {
        if let Some(n) = IDIOMS.iter().find_map(|p| phrase_at(&out, i, p)) {
            for w in &mut out[i..i + n] {
                w.idiom = true;
            }
        }
    }
    out
}

/// How many words `phrase` (words separated by single spaces) covers at `words[i]`.
fn phrase_at(words: &[Word], i: usize, phrase: &str) -> Option<usize> {
    let parts: Vec<&str> = phrase.split(' ').collect();
    let here = words.get(i..i + parts.len())?;
    here.iter()
        .zip(&parts)
        .all(|(w, p)| !w.keyword && !w.idiom && w.text == *p)
        .then_some(parts.len())
}

fn is_negation(word: &str) -> bool {
    NEGATIONS.contains(&word) || word.ends_with("n't") || (word.starts_with("n'") && word.len() > 2)
}

/// The clause that starts at `at`: up to the next punctuation that ends one, at most 60
/// characters.
fn clause(text: &str, at: usize) -> (usize, String) {
    let rest = &text[at..];
    let len = rest
        .find(['.', '!', '?', ';', ',', ':', '\n', '(', ')'])
        .unwrap_or(rest.len());
    let shown: String = rest[..len].trim_end().chars().take(60).collect();
    (at + len, shown)
}

/// Everything in `text` that keeps it from being a plain yes, in reading order; a finding
/// inside another's span (the "not" of "but not in paid ads") is left out.
fn findings(text: &str, words: &[Word]) -> Vec<Finding> {
    let mut out = Vec::new();
    let near_keyword = |i: usize| {
        words
            .iter()
            .enumerate()
            .any(|(j, w)| w.keyword && i.abs_diff(j) <= 3)
    };
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w.keyword || w.idiom {
            i += 1;
            continue;
        }
        let phrase = |list: &[&str]| list.iter().find_map(|p| phrase_at(words, i, p));
        let span = |n: usize| (w.at, words[i + n - 1].end);
        let shown = |n: usize| {
            words[i..i + n]
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        if let Some(n) = phrase(IRONY) {
            let (at, end) = span(n);
            out.push(Finding {
                at,
                end,
                kind: Kind::Irony,
                what: shown(n),
                note: "",
            });
        } else if let Some(n) = phrase(REFUSALS) {
            let (at, end) = span(n);
            out.push(Finding {
                at,
                end,
                kind: Kind::Refusal,
                what: shown(n),
                note: "",
            });
        } else if phrase(CONDITION_PHRASES).is_some() || CONDITIONS.contains(&w.text.as_str()) {
            let (end, what) = clause(text, w.at);
            out.push(Finding {
                at: w.at,
                end,
                kind: Kind::Condition,
                what,
                note: "",
            });
        } else if phrase(LIMITATIONS).is_some() {
            let (end, what) = clause(text, w.at);
            out.push(Finding {
                at: w.at,
                end,
                kind: Kind::Limitation,
                what,
                note: "",
            });
        } else if let Some(n) = phrase(DOUBTS) {
            let (at, end) = span(n);
            out.push(Finding {
                at,
                end,
                kind: Kind::Doubt,
                what: shown(n),
                note: "",
            });
        } else if is_negation(&w.text) {
            let note = if near_keyword(i) {
                " next to the keyword"
            } else {
                ""
            };
            out.push(Finding {
                at: w.at,
                end: w.end,
                kind: Kind::Negation,
                what: w.text.clone(),
                note,
            });
        }
        i += 1;
    }
    let lower = text.to_lowercase();
    for (at, _) in lower.match_indices("/s") {
        let before = lower[..at].chars().next_back();
        let after = lower[at + 2..].chars().next();
        if before.is_none_or(|c| !is_word_char(c)) && after.is_none_or(|c| !is_word_char(c)) {
            out.push(Finding {
                at,
                end: at + 2,
                kind: Kind::Irony,
                what: "/s".into(),
                note: "",
            });
        }
    }
    for (at, c) in text.char_indices() {
        if NEGATIVE_EMOJI.contains(&c) {
            out.push(Finding {
                at,
                end: at + c.len_utf8(),
                kind: Kind::Emoji,
                what: c.to_string(),
                note: "",
            });
        } else if c == '?' {
            let start = text[..at].rfind(['.', '!', '?', '\n']).map_or(0, |i| i + 1);
            let start = start + (text[start..at].len() - text[start..at].trim_start().len());
            let what = text[start..=at].to_string();
            out.push(Finding {
                at: start,
                end: at + 1,
                kind: Kind::Question,
                what,
                note: "",
            });
        }
    }
    out.sort_by_key(|f| (f.at, std::cmp::Reverse(f.end)));
    let mut covered = 0;
    out.retain(|f| {
        let keep = f.at >= covered;
        if keep {
            covered = covered.max(f.end);
        }
        keep
    });
    out
}

/// Whether the keyword at `words[k]` is mentioned rather than said: in single quotes or
/// backticks, or after "reply (with)", "type", "send"… in the same sentence.
fn is_mention(text: &str, words: &[Word], k: usize) -> bool {
    let w = &words[k];
    let quote = |c: Option<char>| c.is_some_and(|c| matches!(c, '\'' | '‘' | '’' | '`'));
    if quote(text[..w.at].chars().next_back()) && quote(text[w.end..].chars().next()) {
        return true;
    }
    words[..k]
        .iter()
        .rev()
        .find(|v| v.keyword || !MENTION_FILLERS.contains(&v.text.as_str()))
        .is_some_and(|v| {
            !v.keyword
                && MENTION_VERBS.contains(&v.text.as_str())
                && !text[v.end..w.at].contains(['.', '!', '?', ';', '\n'])
        })
}

/// The refusal in a reply, if it has one: it opens with a bare no, or says a refusal
/// anywhere ("please remove it", "nein danke").
fn refusal(words: &[Word]) -> Option<String> {
    let first = words.iter().find(|w| !w.keyword)?;
    if !first.idiom && BARE_NO.contains(&first.text.as_str()) {
        return Some(first.text.clone());
    }
    (0..words.len()).find_map(|i| {
        REFUSALS
            .iter()
            .find_map(|p| phrase_at(words, i, p))
            .map(|n| {
                words[i..i + n]
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
    })
}

fn reasons<'a>(found: impl IntoIterator<Item = &'a Finding>) -> String {
    found
        .into_iter()
        .map(Finding::reason)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads a reply. It is a yes only when the contributor's own words (not the request they
/// quote back) contain the keyword, as a whole word and not as a mention ("you said to
/// reply #YesBrandCo"), and nothing in them negates, conditions, doubts, jokes, refuses or
/// asks. It is a no when it refuses without the keyword. Anything else needs a person, and
/// the reading says why.
pub fn read_reply(text: &str, keyword: &str) -> Reading {
    let keyword = keyword.trim();
    let (own, quoted) = split_quoted(text);
    if own.trim().is_empty() && quoted.trim().is_empty() {
        return Reading::NeedsPerson("an empty reply".into());
    }
    let spans = keyword_spans(&own, keyword);
    let words = words(&own, &spans);
    let found = findings(&own, &words);
    let said = (0..words.len()).any(|k| words[k].keyword && !is_mention(&own, &words, k));
    if said {
        return if found.is_empty() {
            Reading::Yes
        } else {
            Reading::NeedsPerson(reasons(&found))
        };
    }
    if let Some(no) = refusal(&words) {
        let buts: Vec<&Finding> = found
            .iter()
            .filter(|f| matches!(f.kind, Kind::Condition | Kind::Doubt | Kind::Question))
            .collect();
        return if buts.is_empty() {
            Reading::No
        } else {
            Reading::NeedsPerson(format!(
                "a no ('{no}') with reservations: {}",
                reasons(buts)
            ))
        };
    }
    if !spans.is_empty() {
        let mut why = "the keyword is only mentioned, not said".to_string();
        if !found.is_empty() {
            why = format!("{why}; {}", reasons(&found));
        }
        Reading::NeedsPerson(why)
    } else if !keyword_spans(&quoted, keyword).is_empty() {
        Reading::NeedsPerson("the keyword only appears in quoted text".into())
    } else {
        Reading::NeedsPerson(format!("no keyword: the reply does not contain {keyword}"))
    }
}

/// What keeps `text` from being a plain yes (a negation, condition, doubt, irony, refusal,
/// question or thumbs-down), as a reason; `None` when nothing does. The form's consent
/// answers are read with it too.
pub(crate) fn reservations(text: &str) -> Option<String> {
    let words = words(text, &[]);
    let found = findings(text, &words);
    (!found.is_empty()).then(|| reasons(&found))
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: &str = "#YesBrandCo";

    fn why(text: &str) -> String {
        match read_reply(text, K) {
            Reading::NeedsPerson(why) => why,
            other => panic!("{text:?} read as {other:?}"),
        }
    }

    #[test]
    fn replies_are_read_conservatively() {
        assert_eq!(read_reply("#yesbrandco!! love it", K), Reading::Yes);
        assert_eq!(read_reply("No thanks", K), Reading::No);
        assert_eq!(read_reply("STOP", K), Reading::No);
        assert_eq!(read_reply("please do not use it", K), Reading::No);
        assert!(why("Sure, sounds fun").starts_with("no keyword"));
        assert_eq!(
            why("#YesBrandCo but no TV please"),
            "condition 'but no TV please'"
        );
        // "know" and "note" are not "no".
        assert!(why("I know, note the date").starts_with("no keyword"));
    }

    #[test]
    fn a_negated_or_conditional_keyword_names_what_was_found() {
        assert_eq!(
            why("I can't say #YesBrandCo"),
            "negation 'can't' next to the keyword"
        );
        assert_eq!(
            why("#YesBrandCo but not in paid ads"),
            "condition 'but not in paid ads'"
        );
        assert_eq!(why("#YesBrandCo 👎"), "emoji '👎'");
        assert_eq!(why("#YesBrandCo yeah right"), "irony 'yeah right'");
        assert_eq!(
            why("#YesBrandCo! Where will it appear?"),
            "question 'Where will it appear?'"
        );
        // The keyword inside a longer tag is not the keyword.
        assert!(why("#YesBrandCo2026 sure").starts_with("no keyword"));
        assert_eq!(
            read_reply("#YesBrandCo can't wait to see it!", K),
            Reading::Yes
        );
    }

    #[test]
    fn quoted_requests_are_not_answers() {
        let mail = "Sounds lovely.\n\nOn Mon, 8 Jun 2026 at 10:00, BrandCo <hello@brandco.com> wrote:\n> If you agree, just reply with #YesBrandCo.\n> Reply STOP to stop.";
        assert_eq!(why(mail), "the keyword only appears in quoted text");
        let yes = mail.replace("Sounds lovely.", "#YesBrandCo, sounds lovely.");
        assert_eq!(
            read_reply(&yes, K),
            Reading::Yes,
            "the quoted STOP and if are not hers"
        );
        assert_eq!(
            why("you said to reply \"#YesBrandCo\" to agree, right"),
            "the keyword only appears in quoted text"
        );
        assert_eq!(
            why("you said to reply #YesBrandCo to agree"),
            "the keyword is only mentioned, not said"
        );
        assert_eq!(
            read_reply("> reply with #YesBrandCo\nNo thanks", K),
            Reading::No
        );
    }

    #[test]
    fn reservations_read_a_statement() {
        assert_eq!(reservations("that BrandCo may use my photo"), None);
        assert_eq!(
            reservations("that BrandCo may use it, but not for ads"),
            Some("condition 'but not for ads'".into())
        );
    }
}
