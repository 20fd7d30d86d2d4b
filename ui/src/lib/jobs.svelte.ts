// The render queue, kept outside any screen so previews and exports go on (and stay
// listed) while the person works elsewhere. Fed by the engine's render events; the rows
// are folded by `renderJobs`.

import { api } from "./api";
import type { PieceDoc, PlatformView, Preset, PreviewBytes } from "./bindings";
import { decodeBase64 } from "./growingVideo";
import * as rj from "./renderJobs";

class RenderQueue {
  rows = $state.raw<rj.Jobs>(rj.EMPTY);
  /** The docked queue panel is showing. */
  open = $state(false);
  /** The export folder shown in the export viewer, if it is open. */
  viewing = $state<string | null>(null);
}

export const jobs = new RenderQueue();

export function jobRow(job: number | null): rj.JobRow | null {
  return job === null ? null : (jobs.rows.find((r) => r.job === job) ?? null);
}

/** Subscribes to the engine's render events; returns the unsubscribe. */
export async function listenForJobs(): Promise<() => void> {
  const stops = await Promise.all([
    api.onRenderProgress((e) => (jobs.rows = rj.progressed(jobs.rows, e))),
    api.onJobFinished((e) => (jobs.rows = rj.finished(jobs.rows, e))),
  ]);
  return () => stops.forEach((stop) => stop());
}

export interface PieceRef {
  id: number;
  name: string;
  kind: PieceDoc["kind"];
}

/** Exports the saved piece for these presets and platforms; the queue opens to show it.
 * Throws the engine's sentence if the export cannot start (a piece too long for a
 * platform, a blocked asset). */
export async function startExport(
  piece: PieceRef,
  presets: Preset[],
  platforms: PlatformView[] = [],
): Promise<number> {
  const job = await api.exportStart(
    piece.id,
    presets,
    platforms.map((p) => p.platform),
  );
  jobs.rows = rj.launched(jobs.rows, job, {
    kind: "export",
    pieceId: piece.id,
    pieceName: piece.name,
    pieceKind: piece.kind,
    presets,
    platforms: platforms.map((p) => p.label),
  });
  jobs.open = true;
  return job;
}

/** Makes a campaign's web wall; the queue opens to show it. */
export async function startWall(campaignId: number, campaignName: string): Promise<number> {
  const job = await api.wallStart(campaignId);
  jobs.rows = rj.launched(jobs.rows, job, {
    kind: "export",
    pieceId: null,
    pieceName: `${campaignName}: web wall`,
    pieceKind: null,
    presets: [],
    platforms: ["Web wall"],
  });
  jobs.open = true;
  return job;
}

/** Renders a quick preview of a document as it is now (saved or not); `onBytes` gets
 * the file's bytes in order as the engine writes them, and `onEnd` once it is whole. */
export async function startPreview(
  piece: PieceRef,
  document: PieceDoc,
  onBytes: (bytes: Uint8Array) => void = () => {},
  onEnd: () => void = () => {},
): Promise<number> {
  const job = await api.previewStart(piece.id, document, (m: PreviewBytes) => {
    if (m.base64) onBytes(decodeBase64(m.base64));
    if (m.last) onEnd();
  });
  jobs.rows = rj.launched(jobs.rows, job, {
    kind: "preview",
    pieceId: piece.id,
    pieceName: document.name || piece.name,
    pieceKind: document.kind,
    presets: [document.preset],
  });
  return job;
}

/** Asks the engine to stop; the finished event follows. */
export async function cancelJob(job: number): Promise<void> {
  jobs.rows = rj.cancelling(jobs.rows, job);
  await api.jobCancel(job);
}

export function dismissJob(job: number): void {
  jobs.rows = rj.dismissed(jobs.rows, job);
}

export function clearEndedJobs(): void {
  jobs.rows = rj.withoutEnded(jobs.rows);
}

export function viewExport(folder: string | null): void {
  jobs.viewing = folder;
}

/** Forgets every job (a test, or another library opened). */
export function resetJobs(): void {
  jobs.rows = rj.EMPTY;
  jobs.viewing = null;
  jobs.open = false;
}
