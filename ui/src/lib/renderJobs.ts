// The render queue's state as engine events arrive: previews and exports, each a row with
// its progress, time left, and how it ended. Events can come before the command that
// started the job has answered with its id (a job refused at once — a blocked asset —
// finishes in milliseconds), so a row is made by whichever is heard first and filled in by
// the rest. Ingest jobs are the Import screen's and are ignored here.

import type { JobFinished, PieceDoc, Preset, RenderProgress } from "./bindings";

export type RenderKind = "preview" | "export";
export type Phase = "waiting" | "running" | "done" | "failed" | "cancelled";

export interface JobRow {
  job: number;
  kind: RenderKind;
  pieceId: number | null;
  pieceName: string | null;
  /** montage, mosaic or still. */
  pieceKind: PieceDoc["kind"] | null;
  presets: Preset[];
  /** The platforms an export makes files for, as labels ("TikTok"). */
  platforms: string[];
  phase: Phase;
  /** 0..1 */
  fraction: number;
  etaMs: number | null;
  /** Cancel was asked for and the job has not ended yet. */
  cancelling: boolean;
  error: string | null;
  /** Absolute path: a preview's file or an export's folder. */
  output: string | null;
  /** A preview's `/file/...` path under the media stream base. */
  outputUrlPath: string | null;
}

export type Jobs = JobRow[];

export const EMPTY: Jobs = [];

export interface Launch {
  kind: RenderKind;
  /** None for a campaign's web wall. */
  pieceId: number | null;
  pieceName: string;
  pieceKind: PieceDoc["kind"] | null;
  presets: Preset[];
  platforms?: string[];
}

function blank(job: number, kind: RenderKind): JobRow {
  return {
    job,
    kind,
    pieceId: null,
    pieceName: null,
    pieceKind: null,
    presets: [],
    platforms: [],
    phase: "waiting",
    fraction: 0,
    etaMs: null,
    cancelling: false,
    error: null,
    output: null,
    outputUrlPath: null,
  };
}

/** Newest first. */
function upsert(jobs: Jobs, job: number, kind: RenderKind, change: (row: JobRow) => JobRow): Jobs {
  const at = jobs.findIndex((r) => r.job === job);
  if (at === -1) return [change(blank(job, kind)), ...jobs].sort((a, b) => b.job - a.job);
  return jobs.map((r, i) => (i === at ? change(r) : r));
}

export function isEnded(row: JobRow): boolean {
  return row.phase === "done" || row.phase === "failed" || row.phase === "cancelled";
}

/** The start command answered with the job's id. */
export function launched(jobs: Jobs, job: number, l: Launch): Jobs {
  return upsert(jobs, job, l.kind, (r) => ({
    ...r,
    kind: l.kind,
    pieceId: l.pieceId,
    pieceName: l.pieceName,
    pieceKind: l.pieceKind,
    presets: [...l.presets],
    platforms: [...(l.platforms ?? [])],
  }));
}

function renderKind(kind: string): RenderKind | null {
  return kind === "preview" || kind === "export" ? kind : null;
}

export function progressed(jobs: Jobs, e: RenderProgress): Jobs {
  const kind = renderKind(e.kind);
  if (kind === null) return jobs;
  return upsert(jobs, e.job, kind, (r) => {
    if (isEnded(r)) return r;
    const f = e.fraction ?? r.fraction;
    return {
      ...r,
      // Piece ids start at 1; a campaign's web wall reports 0 (no piece).
      pieceId: r.pieceId ?? (e.piece_id > 0 ? e.piece_id : null),
      phase: "running",
      fraction: Math.min(1, Math.max(r.fraction, Number.isFinite(f) ? f : 0)),
      etaMs: e.eta_ms,
    };
  });
}

export function finished(jobs: Jobs, e: JobFinished): Jobs {
  const kind = renderKind(e.kind);
  if (kind === null) return jobs;
  return upsert(jobs, e.job, kind, (r) => {
    const phase: Phase = e.cancelled ? "cancelled" : e.error ? "failed" : "done";
    return {
      ...r,
      phase,
      fraction: phase === "done" ? 1 : r.fraction,
      etaMs: null,
      cancelling: false,
      error: phase === "failed" ? e.error : null,
      output: e.output,
      outputUrlPath: e.output_url_path,
    };
  });
}

export function cancelling(jobs: Jobs, job: number): Jobs {
  return jobs.map((r) => (r.job === job && !isEnded(r) ? { ...r, cancelling: true } : r));
}

export function dismissed(jobs: Jobs, job: number): Jobs {
  return jobs.filter((r) => r.job !== job || !isEnded(r));
}

export function withoutEnded(jobs: Jobs): Jobs {
  return jobs.filter((r) => !isEnded(r));
}

/** What the queue lists: every export, and previews while they run (a finished preview
 * plays in its editor). */
export function queued(jobs: Jobs): Jobs {
  return jobs.filter((r) => r.kind === "export" || !isEnded(r));
}

export function activeCount(jobs: Jobs): number {
  return jobs.filter((r) => !isEnded(r)).length;
}

export function percentText(row: JobRow): string {
  return `${Math.round(row.fraction * 100)}%`;
}

/** "about 12 s left", "about 3 min left"; "" while there is no pace to go by. */
export function etaText(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return "";
  if (ms < 1500) return "almost done";
  const s = Math.round(ms / 1000);
  if (s < 90) return `about ${s} s left`;
  return `about ${Math.round(s / 60)} min left`;
}

export function statusText(row: JobRow): string {
  switch (row.phase) {
    case "waiting":
      return row.cancelling ? "Cancelling…" : "Starting…";
    case "running":
      return row.cancelling ? "Cancelling…" : row.kind === "preview" ? "Rendering a preview" : "Exporting";
    case "done":
      return row.kind === "preview" ? "Preview ready" : "Exported";
    case "failed":
      return "Failed";
    case "cancelled":
      return "Cancelled";
  }
}

/** The engine's sentence as a whole sentence: "The export failed: …". */
export function errorText(row: JobRow): string {
  const why = (row.error ?? "").trim().replace(/\.$/, "");
  const what = row.kind === "preview" ? "The preview" : "The export";
  return why ? `${what} failed: ${why}.` : `${what} failed for a reason the engine did not give. Try again.`;
}

export function kindText(row: JobRow): string {
  const what = row.kind === "preview" ? "Preview" : "Export";
  return row.pieceKind ? `${what} · ${row.pieceKind}` : what;
}
