// The state of one import as its events arrive. Events can come before `ingestStart`
// answers with the job's id, so until that id is known the first job heard from is taken
// as ours (one import runs at a time from this window).

import type { FileResult, IngestProgress, JobFinished, Summary } from "./bindings";

export interface ImportState {
  phase: "idle" | "running" | "finished";
  job: number | null;
  done: number;
  /** Files the walk found; null until the first event. */
  total: number | null;
  results: FileResult[];
  summary: Summary | null;
  cancelled: boolean;
  /** Why the whole import failed, if it did. */
  error: string | null;
}

export const IDLE: ImportState = {
  phase: "idle",
  job: null,
  done: 0,
  total: null,
  results: [],
  summary: null,
  cancelled: false,
  error: null,
};

export function begin(): ImportState {
  return { ...IDLE, phase: "running", results: [] };
}

function ours(state: ImportState, job: number): boolean {
  return state.phase === "running" && (state.job === null || state.job === job);
}

/** `ingestStart` answered with the job id. */
export function started(state: ImportState, job: number): ImportState {
  if (state.phase !== "running" || (state.job !== null && state.job !== job)) return state;
  return { ...state, job };
}

/** Results are appended in place (an import can have tens of thousands of files). */
export function progress(state: ImportState, e: IngestProgress): ImportState {
  if (!ours(state, e.job)) return state;
  if (e.result) state.results.push(e.result);
  return { ...state, job: e.job, done: Math.max(state.done, e.done), total: e.total };
}

export function finished(state: ImportState, e: JobFinished): ImportState {
  if (e.kind !== "ingest" || !ours(state, e.job)) return state;
  return {
    ...state,
    job: e.job,
    phase: "finished",
    summary: e.ingest,
    cancelled: e.cancelled,
    error: e.error,
    done: e.ingest ? Math.max(state.done, e.ingest.files) : state.done,
  };
}

/** The import could not start (the command failed). */
export function failed(message: string): ImportState {
  return { ...IDLE, phase: "finished", results: [], error: message };
}

/** "12 / 17", or "Finding files…" before the walk has counted them. */
export function progressText(state: ImportState): string {
  if (state.total === null) return "Finding files…";
  return `${state.done} / ${state.total}`;
}

/** Share of the work done, 0..1. */
export function fraction(state: ImportState): number {
  if (!state.total) return state.phase === "finished" ? 1 : 0;
  return Math.min(1, state.done / state.total);
}

export function summaryText(s: Summary): string {
  const parts = [`${s.ingested} imported`];
  if (s.duplicate) parts.push(`${s.duplicate} already in the library`);
  if (s.near_duplicate) parts.push(`${s.near_duplicate} near-duplicates flagged`);
  if (s.error) parts.push(`${s.error} could not be imported`);
  if (s.skipped_hidden) parts.push(`${s.skipped_hidden} hidden files skipped`);
  const head = s.cancelled ? "Import cancelled" : "Import finished";
  return `${head}: ${s.files} ${s.files === 1 ? "file" : "files"} — ${parts.join(", ")}.`;
}
