// The kombat library: what the CLI, the notebooks and the game page call.
export { initBackend, patchWasmMatMul, tf } from './backend';
export type { BackendName, Environment } from './backend';
export { decodeImage, ImageError, readImage } from './image/decode';
export type { RgbImage } from './image/decode';
export { rgbTensor, toModelInput } from './preprocess';
export type { InputSize } from './preprocess';
export { DEFAULT_INPUT_SIZE, DEFAULT_LAYER, FeatureExtractor, loadMobileNet, MobileNet } from './mobilenet/model';
export type { LoadOptions, MobileNetInfo, Prediction } from './mobilenet/model';
export { ALPHAS, cachePath, DEFAULT_ALPHA, isCached, modelName, officialUrl, resolveSource } from './mobilenet/source';
export type { Alpha, ModelSource } from './mobilenet/source';
export { extractFiles } from './features/extract';
export type { ExtractResult } from './features/extract';
export { dataDir, modelsDir, projectRoot, reportsDir } from './paths';
// Datasets: indexing, validation, frames from video, cleaning, balancing, split, card, built-in pipeline.
export { indexDataset } from './data/entries';
export type { DatasetEntry, DatasetIndex, DatasetIssue } from './data/entries';
export { validateDataset } from './data/validate';
export { extractFrames } from './data/frames';
export { parseLabels, readLabels } from './data/labels';
export { findDrops } from './data/clean';
export { balanceClasses, balanceSplits, classCounts, classWeights } from './data/balance';
export { numberedNames } from './data/number';
export { writeDataset } from './data/write';
export { cardMarkdown, makeCard, MIN_TRAIN_PER_CLASS, writeCard } from './data/card';
export type { DatasetCard } from './data/card';
export { writeContactSheets } from './data/contact';
export { buildBuiltinDataset, builtinSettings, cleanFrames, extractRecordings, listRecordings, renderBuiltinRecordings, writeBuiltin } from './data/builtin';
export type { BuiltinOptions, BuiltinResult } from './data/builtin';
export * as augment from './augment';
export { augmentDataset, articlePipeline, describePipeline } from './augment';
export type { Augmenter, AugmentDatasetOptions, AugmentDatasetResult } from './augment';
export { encodePng, makeGrid, writeGrid } from './report/grid';
export type { GridOptions } from './report/grid';
export * as body from './body';
export { drawBody, randomSubjects } from './body';
export type { BodyStyle, Pose, Subject, View } from './body';
export { DEFAULT_SYNTH, renderRecordings } from './synth';
export type { AmbiguousMode, RecordingsSummary, RenderOptions } from './synth';
// Training on any dataset folder (what `kombat train` and `kombat features` run).
export { defaultAugmentedDir, folderHyperparams, parseInputSize, parseTask, trainFolder } from './train/folder';
export type { TrainFolderOptions, TrainFolderResult } from './train/folder';
export { cacheFolderFeatures } from './features/folder';
export type { FolderFeaturesResult } from './features/folder';
// Experiments: several layers from one pass (chapter 03), set-ups compared (chapters 03-05).
export { CANDIDATE_LAYERS, cachedLayerFeatures, embedLatency, layerSplitFeatures, MultiLayerExtractor, multiplyAdds } from './features/layers';
export type { CachedLayerFeatures, LayerFeatures } from './features/layers';
export { chooseFeatures, comparisonRows, layerStudy, markdownTable, perClassRows, runSummary, standardError, trend } from './train/compare';
export type { FeatureChoice, InputChoice, LayerStudy, LayerStudyRow, RunSummary } from './train/compare';
