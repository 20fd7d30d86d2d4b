// An asset's rights history as a person reads it: each audit event as a sentence ("Ana
// Souza granted web and social use, worldwide, until 2 June 2028, through the submission
// form"), with the words they agreed to quoted, at the time it happened in the reader's
// own time zone. The raw detail stays one click away for anyone who checks.
import type { AuditEvent, Contributor, GrantForm, UsageChannel } from "./bindings";
import { channelLabel, describeDetail, localTime } from "./format";

export { localTime };

export interface HistoryLine {
  /** When, in the reader's time zone ("30 Nov 2026, 10:12"). */
  when: string;
  /** The same instant, machine-readable, for `<time datetime>`. */
  iso: string;
  sentence: string;
  /** The words agreed to or the reason given, shown as a quotation. */
  quote: string | null;
  /** The account that recorded it. */
  recordedBy: string;
}

type Detail = Record<string, unknown>;

const SOURCES: Record<string, string> = {
  form: "through the submission form",
  email: "by e-mail",
  social: "in a social media message",
  release: "with a signed release",
  other: "",
};

/** "2 June 2028" for a calendar day ("2028-06-02"), whatever the reader's zone. */
export function longDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return day;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(
    date,
  );
}

/** "a, b and c". */
export function listed(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  // Edits keep the columns as stored: JSON text.
  if (typeof v === "string") {
    try {
      return strings(JSON.parse(v));
    } catch {
      return [];
    }
  }
  return [];
}

const regions = (() => {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" });
  } catch {
    return null;
  }
})();

/** "worldwide", or "in the United States and Canada". */
export function whereText(territories: string[]): string {
  if (territories.length === 0) return "";
  if (territories.some((t) => t.toUpperCase() === "WORLDWIDE")) return "worldwide";
  const names = territories.map((t) => {
    try {
      return regions?.of(t.toUpperCase()) ?? t;
    } catch {
      return t;
    }
  });
  return `in ${listed(names)}`;
}

/** A channel's name inside a sentence: "web", "paid social", but "TV". */
function channelWord(c: string): string {
  const label = channelLabel(c as UsageChannel) ?? c;
  return label === label.toUpperCase() ? label : label.toLowerCase();
}

function useText(channels: string[]): string {
  const words = channels.map(channelWord);
  return words.length ? `${listed(words)} use` : "use";
}

function scopeText(d: Detail): string {
  const parts = [useText(strings(d.channels))];
  const where = whereText(strings(d.territories));
  if (where) parts.push(where);
  if (typeof d.valid_until === "string" && d.valid_until) parts.push(`until ${longDay(d.valid_until)}`);
  else parts.push("with no end date");
  return parts.join(", ");
}

function text(v: unknown): string | null {
  return typeof v === "string" && v.trim() ? v.trim() : null;
}

/** The event as a sentence; `who` is the contributor's name as the screen shows it. */
export function historyLine(ev: AuditEvent, who: string, timeZone?: string): HistoryLine {
  const d: Detail = ev.detail && typeof ev.detail === "object" && !Array.isArray(ev.detail) ? (ev.detail as Detail) : {};
  const line = (sentence: string, quote: string | null = null): HistoryLine => ({
    when: localTime(ev.at, timeZone),
    iso: ev.at,
    sentence,
    quote,
    recordedBy: ev.actor,
  });
  switch (ev.action) {
    case "grant": {
      const via = SOURCES[String(d.evidence_source ?? "")] ?? "";
      const minor = d.age === "minor" ? `, as a minor with ${text(d.guardian) ?? "a guardian"}'s consent` : "";
      return line(`${who} granted ${scopeText(d)}${minor}${via ? `, ${via}` : ""}.`, text(d.evidence));
    }
    case "deny": {
      const via = SOURCES[String(d.evidence_source ?? "")] ?? "";
      return line(`${who} said no${via ? `, ${via}` : ""}.`, text(d.evidence));
    }
    case "revoke": {
      const from = text(d.revoked_on);
      const via = SOURCES[String(d.source ?? "")] ?? "";
      return line(
        `${who} withdrew consent${from ? ` from ${longDay(from)}` : ""}${via ? `, ${via}` : ""}.`,
        text(d.reason),
      );
    }
    case "edit": {
      const after = (d.after ?? {}) as Detail;
      return line(`The grant was changed to ${scopeText(after)}.`, text(d.reason));
    }
    case "request": {
      const usage = (d.usage ?? {}) as Detail;
      return line(`${who} was asked for ${useText(strings(usage.channels))}${whereText(strings(usage.territories)) ? `, ${whereText(strings(usage.territories))}` : ""}.`);
    }
    case "follow_up":
      return line(
        `${who} was reminded of the request${text(d.asked_on) ? ` of ${longDay(String(d.asked_on))}` : ""}.`,
      );
    case "override":
      return line(
        `${text(d.authorised_by) ?? ev.actor} overrode the rights check for the campaign ${text(d.campaign) ?? ""}.`.replace(
          " .",
          ".",
        ),
        text(d.reason),
      );
    case "thank_you":
      return line(`${who} was thanked for being featured.`);
    case "erase":
      return line(`${who}'s personal data was erased at their request.`);
    case "seal":
      return line("The rights log was sealed: every grant as it stood was recorded.");
    default: {
      const rest = describeDetail(ev.detail);
      const action = ev.action.replace(/_/g, " ");
      return line(`${action.charAt(0).toUpperCase()}${action.slice(1)}${rest ? `: ${rest}` : ""}.`);
    }
  }
}

/** The name a history sentence uses for the asset's contributor. */
export function whoOf(c: Contributor | null | undefined): string {
  return c?.name ?? c?.handle ?? c?.email ?? "The contributor";
}

/** Channels the gate never clears while the contributor's age is not established. */
const ADULT_ONLY: UsageChannel[] = ["paid_social", "tv", "out_of_home"];

/** What a grant as filled in would allow, in words, before it is recorded. */
export function scopeSummary(f: GrantForm): string {
  if (f.channels.length === 0) return "Tick the channels they agreed to.";
  const where = whereText(f.territories) || "nowhere yet: name the territories";
  const from = f.valid_from ? `from ${longDay(f.valid_from)}` : "from today";
  const until = f.valid_until ? `until ${longDay(f.valid_until)}` : "with no end date";
  let s = `This allows ${useText(f.channels)}, ${where}, ${from} ${until}.`;
  const adultOnly = f.channels.filter((c) => ADULT_ONLY.includes(c));
  if (f.age === "unknown" && adultOnly.length) {
    const names = listed(adultOnly.map(channelWord));
    s += ` ${names.charAt(0).toUpperCase()}${names.slice(1)} stay blocked until they are known to be an adult.`;
  }
  if (f.age === "minor" && !f.guardian) s += " As a minor's, it clears nothing without a guardian's consent.";
  return s;
}
