// MobileNet v1: its variants and where they are published, where a copy comes from, loading it at
// any input size, extractors cut at any layer (network.ts is the browser-safe part).

export * from './io';
export * from './model';
export * from './names';
export * from './network';
export * from './source';
