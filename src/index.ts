
export { parseTask } from './data/tasks';// The kombat library: what the CLI, the notebooks and the game page call.

export type { AugmentDatasetOptions, AugmentDatasetResult, Augmenter } from './augment';
export * as augment from './augment';
export { articlePipeline, augmentDataset, describePipeline } from './augment';
export type { BackendName, Environment } from './backend';
export { initBackend, patchWasmMatMul, tf } from './backend';
export type { BodyStyle, Pose, Subject, View } from './body';
export * as body from './body';
export { drawBody, randomSubjects } from './body';
export { balanceClasses, balanceSplits, classCounts, classWeights } from './data/balance';
export type { BuiltinOptions, BuiltinResult } from './data/builtin';
export {
  buildBuiltinDataset,
  builtinSettings,
  cleanFrames,
  extractRecordings,
  listRecordings,
  renderBuiltinRecordings,
  writeBuiltin,
} from './data/builtin';
export type { DatasetCard } from './data/card';
export { cardMarkdown, MIN_TRAIN_PER_CLASS, makeCard, writeCard } from './data/card';
export { findDrops } from './data/clean';
export { writeContactSheets } from './data/contact';
export type { DatasetEntry, DatasetIndex, DatasetIssue } from './data/entries';
// Datasets: indexing, validation, frames from video, cleaning, balancing, split, card, built-in pipeline.
export { indexDataset } from './data/entries';
export { extractFrames } from './data/frames';
export { parseLabels, readLabels } from './data/labels';
export { numberedNames } from './data/number';
export { validateDataset } from './data/validate';
export { writeDataset } from './data/write';
export type { ExtractResult } from './features/extract';
export { extractFiles } from './features/extract';
export type { FolderFeaturesResult } from './features/folder';
export { cacheFolderFeatures } from './features/folder';
export type { CachedLayerFeatures, LayerFeatures } from './features/layers';
// Experiments: several layers from one pass (chapter 03), set-ups compared (chapters 03-05).
export {
  CANDIDATE_LAYERS,
  cachedLayerFeatures,
  embedLatency,
  layerSplitFeatures,
  MultiLayerExtractor,
  multiplyAdds,
} from './features/layers';
export type { RgbImage } from './image/decode';
export { decodeImage, ImageError, readImage } from './image/decode';
export type { LoadOptions, MobileNetInfo, Prediction } from './mobilenet/model';
export { DEFAULT_INPUT_SIZE, DEFAULT_LAYER, FeatureExtractor, loadMobileNet, MobileNet } from './mobilenet/model';
export type { Alpha, ModelSource } from './mobilenet/source';
export { ALPHAS, cachePath, DEFAULT_ALPHA, isCached, modelName, officialUrl, resolveSource } from './mobilenet/source';
export { projectRoot, readSettings, settings } from './settings';
export type { InputSize } from './preprocess';
export { rgbTensor, toModelInput } from './preprocess';
export type { GridOptions } from './image/grid';
export { encodePng, makeGrid, writeGrid } from './image/grid';
export type { AmbiguousMode, RecordingsSummary, RenderOptions } from './synth';
export { DEFAULT_SYNTH, renderRecordings } from './synth';
export type { FeatureChoice, InputChoice, LayerStudy, LayerStudyRow, RunSummary } from './train/layer-study';
export {
  chooseFeatures,
  comparisonRows,
  layerStudy,
  markdownTable,
  perClassRows,
  runSummary,
  standardError,
  trend,
} from './train/layer-study';
export type { TrainFolderOptions, TrainFolderResult } from './train/folder';
// Training on any dataset folder (what `kombat train` and `kombat features` run).
export { defaultAugmentedDir, folderHyperparams, parseInputSize, trainFolder } from './train/folder';
