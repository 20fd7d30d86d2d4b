// The running import, kept outside the Import screen so it goes on (and is still shown)
// while the person works elsewhere. Events are folded by `importProgress`; the screen is
// redrawn at most once a frame, since a big import sends one event per file.

import { api, errorMessage } from "./api";
import type { FieldColumns } from "./bindings";
import { announce } from "./appState.svelte";
import * as progress from "./importProgress";

let working: progress.ImportState = progress.IDLE;
let frame: number | null = null;

class Importer {
  /** Replaced (shallowly) on every redraw; not deeply reactive, results can be many. */
  state = $state.raw<progress.ImportState>(progress.IDLE);
  /** Files and folders chosen (picked or dropped) for the next import. */
  queued = $state<string[]>([]);
  /** Files are being dragged over the window. */
  dragging = $state(false);
}

export const importer = new Importer();

function publish(now = false): void {
  const flush = () => {
    frame = null;
    importer.state = working;
  };
  if (now) {
    if (frame !== null) cancelAnimationFrame(frame);
    flush();
  } else if (frame === null) {
    frame = requestAnimationFrame(flush);
  }
}

function apply(next: progress.ImportState, now = false): void {
  working = next;
  publish(now);
}

/** Subscribes to the engine's import events; returns the unsubscribe. */
export async function listenForImports(): Promise<() => void> {
  const stops = await Promise.all([
    api.onIngestProgress((e) => apply(progress.progress(working, e))),
    api.onJobFinished((e) => {
      const before = working;
      apply(progress.finished(working, e), true);
      if (before.phase === "running" && working.phase === "finished") announce("import");
    }),
  ]);
  return () => stops.forEach((stop) => stop());
}

export async function startImport(
  paths: string[],
  manifest: string | null,
  mapping: FieldColumns[] | null = null,
): Promise<void> {
  apply(progress.begin(), true);
  try {
    const job = await api.ingestStart(paths, manifest, mapping);
    importer.queued = [];
    apply(progress.started(working, job), true);
  } catch (e) {
    apply(progress.failed(errorMessage(e)), true);
  }
}

/** Asks the engine to stop; the finished event follows. */
export async function cancelImport(): Promise<void> {
  if (working.job !== null) await api.jobCancel(working.job);
}

export function queuePaths(paths: string[]): void {
  importer.queued = [...new Set([...importer.queued, ...paths])];
}

export function unqueuePath(path: string): void {
  importer.queued = importer.queued.filter((p) => p !== path);
}

export function clearImport(): void {
  apply(progress.IDLE, true);
}
