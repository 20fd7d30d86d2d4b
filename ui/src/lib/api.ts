// The one door from the UI to the engine. Every component calls `api`, never the
// generated bindings, so a failed command always arrives as an `ApiError` carrying the
// engine's sentence, and tests can substitute this module.

import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  events,
  type Browse,
  type CampaignForm,
  type CommandError,
  type Curation,
  type ErrorKind,
  type FieldColumns,
  type FontRole,
  type GrantForm,
  type InboxArrival,
  type IngestProgress,
  type JobFinished,
  type Layout,
  type PieceDoc,
  type Platform,
  type PreviewBytes,
  type Preset,
  type RenderProgress,
} from "./bindings";

/** What every generated command resolves to. */
export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

export class ApiError extends Error {
  /** What kind of failure, as the engine classed it: the UI branches on this, never on
   * the sentence. */
  readonly kind: ErrorKind;

  constructor(message: string, kind: ErrorKind = "internal") {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
  }
}

/** The data of a successful result; a failed one throws its message as an `ApiError`. */
export function unwrap<T>(result: Result<T, CommandError>): T {
  if (result.status === "ok") return result.data;
  const message = result.error?.message?.trim();
  throw new ApiError(message || "The app could not finish that. Try again.", result.error?.kind ?? "internal");
}

/** What to show a person for anything thrown: the engine's sentence, or the error's own. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "string") return e;
  return "Something went wrong. Try again.";
}

async function call<T>(pending: Promise<Result<T, CommandError>>): Promise<T> {
  return unwrap(await pending);
}

type Unlisten = () => void;

export const api = {
  libraryCurrent: () => call(commands.libraryCurrent()),
  libraryOpen: (path: string) => call(commands.libraryOpen(path)),
  assetsBrowse: (query: Browse) => call(commands.assetsBrowse(query)),
  tagsList: () => call(commands.tagsList()),
  assetView: (id: number) => call(commands.assetView(id)),
  assetsTag: (ids: number[], add: string[], remove: string[]) =>
    call(commands.assetsTag(ids, add, remove)),
  assetsRate: (ids: number[], rating: number) => call(commands.assetsRate(ids, rating)),
  assetsCurate: (ids: number[], curation: Curation) => call(commands.assetsCurate(ids, curation)),
  /** Two submissions that look alike are both wanted: they stop being paired. */
  assetsKeepBoth: (a: number, b: number) => call(commands.assetsKeepBoth(a, b)),
  contributorsList: () => call(commands.contributorsList()),
  rightsQueue: () => call(commands.rightsQueue()),
  campaignsList: () => call(commands.campaignsList()),
  campaignCreate: (form: CampaignForm) => call(commands.campaignCreate(form)),
  campaignUpdate: (id: number, form: CampaignForm) => call(commands.campaignUpdate(id, form)),
  campaignsOverview: () => call(commands.campaignsOverview()),
  pieceView: (id: number) => call(commands.pieceView(id)),
  pieceAuto: (campaignId: number, name: string, preset: Preset, seconds: number) =>
    call(commands.pieceAuto(campaignId, name, preset, seconds)),
  pieceCreate: (campaignId: number, document: PieceDoc) =>
    call(commands.pieceCreate(campaignId, document)),
  pieceSave: (id: number, version: number, document: PieceDoc) =>
    call(commands.pieceSave(id, version, document)),
  /** The frame at `atMs` as a base64 JPEG, `width` wide. */
  rightsEvidence: (grantId: number) => call(commands.rightsEvidence(grantId)),
  rightsEvidenceOpen: (grantId: number) => call(commands.rightsEvidenceOpen(grantId)),
  pieceFrame: (pieceId: number, document: PieceDoc, atMs: number, width: number) =>
    call(commands.pieceFrame(pieceId, document, Math.max(0, Math.round(atMs)), Math.round(width))),
  /** Starts decoding the piece's clip shots for the timeline (returns at once). */
  pieceFramesWarm: (pieceId: number, document: PieceDoc, width: number) =>
    call(commands.pieceFramesWarm(pieceId, document, Math.round(width))),
  /** The piece's soundtrack as edited, a base64 WAV. */
  pieceSound: (pieceId: number, document: PieceDoc) => call(commands.pieceSound(pieceId, document)),
  pieceWaveforms: (document: PieceDoc, perSecond: number) => call(commands.pieceWaveforms(document, perSecond)),
  /** Onto item `item` (from 0), or with `null` onto the piece itself. */
  pieceCaptionsFromFile: (id: number, version: number, item: number | null, path: string) =>
    call(commands.pieceCaptionsFromFile(id, version, item, path)),
  beatGrid: () => call(commands.beatGrid()),
  brandView: () => call(commands.brandView()),
  brandSetFont: (role: FontRole, path: string) => call(commands.brandSetFont(role, path)),
  /** `onBytes` gets the preview file's pieces in order as the engine writes them. */
  previewStart: (pieceId: number, document: PieceDoc, onBytes: (piece: PreviewBytes) => void) => {
    const channel = new Channel<PreviewBytes>();
    channel.onmessage = onBytes;
    return call(commands.previewStart(pieceId, document, channel));
  },
  exportStart: (pieceId: number, presets: Preset[], platforms: Platform[]) =>
    call(commands.exportStart(pieceId, presets, platforms)),
  platforms: () => commands.platforms(),
  wallStart: (campaignId: number) => call(commands.wallStart(campaignId)),
  wallLayout: (count: number, layout: Layout, preset: Preset, band: boolean) =>
    call(commands.wallLayout(count, layout, preset, band)),
  exportContents: (folder: string) => call(commands.exportContents(folder)),
  revealExport: (folder: string) => call(commands.revealExport(folder)),
  openMail: (mailto: string) => call(commands.openMail(mailto)),
  rightsRequest: (assetIds: number[], campaignId: number) =>
    call(commands.rightsRequest(assetIds, campaignId)),
  rightsGrant: (form: GrantForm) => call(commands.rightsGrant(form)),
  rightsDeny: (assetIds: number[], contributorId: number | null, evidence: string, source: string) =>
    call(commands.rightsDeny(assetIds, contributorId, evidence, source)),
  rightsRevoke: (assetIds: number[], contributorId: number | null, reason: string) =>
    call(commands.rightsRevoke(assetIds, contributorId, reason)),
  ingestStart: (paths: string[], manifest: string | null, mapping: FieldColumns[] | null) =>
    call(commands.ingestStart(paths, manifest, mapping)),
  formPreview: (path: string, mapping: FieldColumns[] | null) =>
    call(commands.formPreview(path, mapping)),
  repliesImport: (paths: string[]) => call(commands.repliesImport(paths)),
  repliesPending: () => call(commands.repliesPending()),
  repliesResolve: (id: number) => call(commands.repliesResolve(id)),
  rightsUnanswered: () => call(commands.rightsUnanswered()),
  rightsFollowUp: () => call(commands.rightsFollowUp()),
  thankYous: (contributorId: number | null) => call(commands.thankYous(contributorId)),
  thankYouSent: (id: number) => call(commands.thankYouSent(id)),
  rightsVerify: () => call(commands.rightsVerify()),
  rightsExpiring: () => call(commands.rightsExpiring()),
  contributorErasePlan: (id: number) => call(commands.contributorErasePlan(id)),
  contributorErase: (id: number) => call(commands.contributorErase(id)),
  contributorExport: (id: number, out: string | null) =>
    call(commands.contributorExport(id, out)),
  pieceRepair: (id: number) => call(commands.pieceRepair(id)),
  inboxView: () => call(commands.inboxView()),
  inboxSet: (folders: string[]) => call(commands.inboxSet(folders)),
  onInboxArrival: (handler: (a: InboxArrival) => void): Promise<Unlisten> =>
    events.inboxArrival.listen((e) => handler(e.payload)),
  jobCancel: (job: number) => call(commands.jobCancel(job)),
  mediaStreamBase: () => call(commands.mediaStreamBase()),
  onIngestProgress: (handler: (p: IngestProgress) => void): Promise<Unlisten> =>
    events.ingestProgress.listen((e) => handler(e.payload)),
  onJobFinished: (handler: (f: JobFinished) => void): Promise<Unlisten> =>
    events.jobFinished.listen((e) => handler(e.payload)),
  onRenderProgress: (handler: (p: RenderProgress) => void): Promise<Unlisten> =>
    events.renderProgress.listen((e) => handler(e.payload)),
};

export type Api = typeof api;
