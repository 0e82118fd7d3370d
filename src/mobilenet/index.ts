// MobileNet v1: where it comes from, loading it at any input size, extractors cut at any layer.

export * from './io';
export * from './model';
export * from './source';
