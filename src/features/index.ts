// Features: the kinds a model may declare (kinds), whole-frame MobileNet's spec, the one frame
// encoder the metadata selects (encoder; local-encoder in Node), extraction on the worker pool
// (MobileNet: extract; kinds with a detector: detection), the on-disk cache, several layers from one
// pass, features of files for any kind (frames), webcam framings, and feature sets per split.

export * from './cache';
export * from './detection';
export * from './encoder';
export * from './extract';
export * from './folder';
export * from './frame-sets';
export * from './frames';
export * from './framings';
export * from './kinds';
export * from './layers';
export * from './local-encoder';
export * from './sets';
export * from './spec';
