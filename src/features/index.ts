// Features: what a feature vector is (spec), extraction on the worker pool, the on-disk cache,
// several layers from one pass, and feature sets per split.

export * from './cache';
export * from './extract';
export * from './folder';
export * from './layers';
export * from './sets';
export * from './spec';
