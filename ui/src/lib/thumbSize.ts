// How large the library's thumbnails are: the person's choice, remembered on this machine.

export type ThumbSize = "small" | "medium" | "large";

export const THUMB_SIZES: { value: ThumbSize; label: string }[] = [
  { value: "small", label: "Small" },
  { value: "medium", label: "Medium" },
  { value: "large", label: "Large" },
];

/** A cell's width and its picture's height at each size (thumbnails are 512 px). */
export const CELL: Record<ThumbSize, { width: number; frame: number }> = {
  small: { width: 120, frame: 100 },
  medium: { width: 160, frame: 158 },
  large: { width: 248, frame: 236 },
};

/** The name line under the picture. */
export const LABEL_HEIGHT = 28;

const KEY = "chorus.thumbSize";

function isSize(v: unknown): v is ThumbSize {
  return v === "small" || v === "medium" || v === "large";
}

/** The size last chosen here, or medium. */
export function rememberedThumbSize(store: Pick<Storage, "getItem"> | null = storage()): ThumbSize {
  const v = store?.getItem(KEY);
  return isSize(v) ? v : "medium";
}

export function rememberThumbSize(size: ThumbSize, store: Pick<Storage, "setItem"> | null = storage()): void {
  try {
    store?.setItem(KEY, size);
  } catch {
    // A full or refused store only means the choice is not kept.
  }
}

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}
