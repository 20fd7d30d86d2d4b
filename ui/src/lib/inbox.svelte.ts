// New arrivals from the library's inbox folders: counted for the navigation until the
// Inbox screen is seen, and announced so the library grid and the Inbox list refresh.

import { api } from "./api";
import { announce } from "./appState.svelte";
import type { FileResult } from "./bindings";

class InboxState {
  /** Files imported from the inbox since the Inbox screen was last looked at. */
  unseen = $state(0);
  /** Bumped on every arrival, so the Inbox screen reloads. */
  seq = $state(0);
}

export const inbox = new InboxState();

/** Whether a result brought something new into the library. */
export function isNew(result: FileResult): boolean {
  return result.status === "ingested" || result.status === "near_duplicate";
}

export function arrived(result: FileResult): void {
  if (isNew(result)) inbox.unseen += 1;
  inbox.seq += 1;
  announce("import");
}

export function seen(): void {
  inbox.unseen = 0;
}

/** Subscribes to the inbox's arrivals; returns the unsubscribe. */
export async function listenForInbox(): Promise<() => void> {
  return api.onInboxArrival((a) => arrived(a.result));
}
