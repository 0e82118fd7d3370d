// The browser-safe part of the library (no Node modules): what the game page bundles. The same
// preprocessing as training and evaluation, the same body model as the synthetic data, the same
// decision rule as chapter 07's evaluation, the same exported-model loader, metadata check and frame
// encoder (MobileNet or MoveNet's keypoints, as the model declares) as `kombat evaluate`, and the
// game itself. Each line names a module, not a folder entry, where the folder also holds Node-only
// modules.

export * from './body';
export * from './decision';
export * from './export/load';
export * from './export/metadata';
export * from './features/encoder';
export * from './features/kinds';
export * from './game';
export * from './mobilenet/names';
export * from './pose/descriptor';
export * from './pose/detect';
export * from './pose/keypoints';
export * from './pose/network';
export * from './preprocess';
export * from './serve/api';
export { mulberry32, type Rng } from './util/random';
export { median, type Spread, spread } from './util/stats';
