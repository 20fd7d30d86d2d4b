// The library's filter sidebar as form values ("" = any), and the engine query they mean.

import type { Browse, Curation, Kind, RightsStatus } from "./bindings";

export type Orientation = "portrait" | "landscape" | "square";

export interface Filters {
  kind: Kind | "";
  orientation: Orientation | "";
  tag: string;
  /** "" or "1".."5" (a select's value). */
  minRating: string;
  curation: Curation | "";
  rights: RightsStatus | "";
  search: string;
}

export const NO_FILTERS: Filters = {
  kind: "",
  orientation: "",
  tag: "",
  minRating: "",
  curation: "",
  rights: "",
  search: "",
};

export const KINDS: Kind[] = ["photo", "clip"];
export const ORIENTATIONS: Orientation[] = ["portrait", "landscape", "square"];
export const CURATIONS: Curation[] = ["new", "shortlisted", "selected", "rejected"];
export const RIGHTS_STATUSES: RightsStatus[] = [
  "unrequested",
  "requested",
  "granted",
  "denied",
  "revoked",
  "expired",
];

export function toBrowse(f: Filters, offset: number, limit: number): Browse {
  const search = f.search.trim();
  const rating = Number.parseInt(f.minRating, 10);
  return {
    kind: f.kind || null,
    tags: f.tag ? [f.tag] : [],
    orientation: f.orientation || null,
    curation: f.curation || null,
    min_rating: Number.isInteger(rating) && rating > 0 ? rating : null,
    search: search || null,
    limit,
    offset,
    rights: f.rights || null,
  };
}

export function isFiltered(f: Filters): boolean {
  return (Object.keys(NO_FILTERS) as (keyof Filters)[]).some((k) => f[k].trim() !== "");
}

/** Two filter states ask the engine the same question. */
export function sameQuery(a: Filters, b: Filters): boolean {
  return JSON.stringify(toBrowse(a, 0, 1)) === JSON.stringify(toBrowse(b, 0, 1));
}
