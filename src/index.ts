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
