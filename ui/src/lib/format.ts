// Small formatting helpers for what the screens print.

import type { AuditEvent, UsageChannel, Contributor, Value } from "./bindings";

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** 7300 → "0:07", 3723000 → "1:02:03". */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** "2024-05-01T10:22:33.123Z" → "2024-05-01 10:22"; a plain date stays as it is. */
export function formatTimestamp(at: string, timeZone?: string): string {
  // An instant (with its zone, as the engine writes them) is shown in the reader's zone;
  // a camera's clock time (no zone) as the camera wrote it.
  if (/(Z|[+-]\d\d:?\d\d)$/.test(at)) return localTime(at, timeZone);
  return at.replace("T", " ").slice(0, 16);
}

/** "30 Nov 2026, 10:12": an instant in `timeZone` (the reader's unless a test says). */
export function localTime(at: string, timeZone?: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
  }).format(date);
}

/** The last part of a path, with either separator. */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== "");
  return parts.length ? parts[parts.length - 1] : path;
}

const CHANNEL_LABELS: Record<UsageChannel, string> = {
  web: "Web",
  social: "Social",
  paid_social: "Paid social",
  tv: "TV",
  out_of_home: "Out of home",
  print: "Print",
  email: "E-mail",
};

export const CHANNELS = Object.keys(CHANNEL_LABELS) as UsageChannel[];

export function channelLabel(c: UsageChannel): string {
  return CHANNEL_LABELS[c];
}

/** "shortlisted" → "Shortlisted", "near_duplicate" → "Near duplicate". */
export function humanize(value: string): string {
  const text = value.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** How to name a contributor in a list: handle, else name, else e-mail. */
export function contributorLabel(c: Contributor): string {
  return c.handle ?? c.name ?? c.email ?? `Contributor ${c.id}`;
}

/** What to type in the search box to find a contributor's assets. */
export function contributorQuery(c: Contributor): string {
  return c.handle ?? c.email ?? c.name ?? "";
}

/** An audit event's detail as one readable line ("channels: web, social; reason: …"). */
export function describeDetail(detail: Value): string {
  if (detail === null || detail === undefined) return "";
  if (Array.isArray(detail)) return detail.map(describeDetail).join(", ");
  if (typeof detail === "object") {
    return Object.entries(detail)
      .filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => `${k.replace(/_/g, " ")}: ${describeDetail(v)}`)
      .join("; ");
  }
  return String(detail);
}

/** Newest first, for history lists. */
export function newestFirst(events: AuditEvent[]): AuditEvent[] {
  return [...events].sort((a, b) => (a.at === b.at ? b.id - a.id : a.at < b.at ? 1 : -1));
}
