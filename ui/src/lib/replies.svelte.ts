// Replies imported from e-mail (.eml messages, .mbox archives) or a CSV, whether picked on
// the Rights queue or dropped on the window: the last import's results, shown on the
// Rights queue.

import { api, errorMessage } from "./api";
import { announce } from "./appState.svelte";
import type { ReplyView } from "./bindings";

class Replies {
  last = $state<ReplyView[] | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
}

export const replies = new Replies();

export async function importReplies(paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  replies.busy = true;
  replies.error = null;
  try {
    replies.last = await api.repliesImport(paths);
    announce("library");
  } catch (e) {
    replies.error = errorMessage(e);
  } finally {
    replies.busy = false;
  }
}

/** "3 granted, 1 declined, 2 for a person". */
export function repliesSummary(results: ReplyView[]): string {
  const count = (o: string) => results.filter((r) => r.outcome === o).length;
  const parts = [
    [count("granted"), "granted"],
    [count("denied"), "declined"],
    [count("revoked"), "withdrawn"],
    [count("needs_person"), "for a person"],
    [count("already_imported"), "imported before"],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, w]) => `${n} ${w}`);
  return `${results.length} repl${results.length === 1 ? "y" : "ies"} read: ${parts.join(", ") || "nothing to record"}`;
}
