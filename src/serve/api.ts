// What the server tells the page at GET /api/setup: which models it offers and where MobileNet is.
// Types only, shared by the server and the page.

export interface ModelEntry {
  name: string;
  /** Folder URL of the exported model (model.json, weights, metadata.json). */
  url: string;
  task?: string;
  /** Why the folder cannot be used (no metadata.json, bad JSON, ...), found when listing. */
  problem?: string;
}

export interface MobileNetEntry {
  /** 'cache': the server's models/mobilenet cache; 'explicit': MOBILENET_URL; 'official': Google's URL. */
  kind: 'explicit' | 'cache' | 'official';
  /** URL of model.json. */
  url: string;
}

export interface PageSetup {
  models: ModelEntry[];
  defaultModel?: string;
  /** By MobileNet folder name (mobilenet_v1_0.75_224, ...). */
  mobilenet: Record<string, MobileNetEntry>;
  /** URL prefix of the tfjs wasm binaries. */
  wasmPath: string;
  /** True when `kombat serve --mkjs` serves a copy of MK.js at /mk.html. */
  mkjs: boolean;
}

export const BACKENDS = ['wasm', 'webgl', 'cpu'] as const;
export type PageBackend = (typeof BACKENDS)[number];
