// The libraries opened on this machine, most recent first, by name: the top bar shows a
// library's name and lists these, so nobody has to know or paste a folder path.

export interface RecentLibrary {
  path: string;
  name: string;
}

const KEY = "chorus.recentLibraries";
export const MAX_RECENT = 8;

/** A library's name: its folder's name ("Summer 2026" for /home/me/Chorus/Summer 2026). */
export function libraryName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== "");
  return parts.length ? parts[parts.length - 1] : path;
}

type Store = Pick<Storage, "getItem" | "setItem">;

function storage(): Store | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

/** The remembered libraries; anything malformed in the store is dropped. */
export function recentLibraries(store: Store | null = storage()): RecentLibrary[] {
  let raw: unknown;
  try {
    raw = JSON.parse(store?.getItem(KEY) ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  return named(raw.filter((p): p is string => typeof p === "string" && p.trim() !== "").slice(0, MAX_RECENT));
}

/** Each path with its name; two folders of one name are told apart by the folder
 * they sit in ("Summer (in Lumio)"). */
function named(paths: string[]): RecentLibrary[] {
  const count = new Map<string, number>();
  for (const p of paths) count.set(libraryName(p), (count.get(libraryName(p)) ?? 0) + 1);
  return paths.map((path) => {
    const name = libraryName(path);
    if ((count.get(name) ?? 0) < 2) return { path, name };
    const parent = libraryName(path.replace(/[\\/]+$/, "").replace(/[\\/][^\\/]*$/, ""));
    return { path, name: parent && parent !== path ? `${name} (in ${parent})` : name };
  });
}

/** `path` was just opened: first in the list, once. */
export function rememberLibrary(path: string, store: Store | null = storage()): RecentLibrary[] {
  const paths = [path, ...recentLibraries(store).map((r) => r.path).filter((p) => p !== path)].slice(0, MAX_RECENT);
  try {
    store?.setItem(KEY, JSON.stringify(paths));
  } catch {
    // Not kept: the list is a convenience.
  }
  return named(paths);
}
