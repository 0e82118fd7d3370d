// Foundations: atomic file writes, seeded randomness, hashes, markdown tables, statistics.

export * from './fs';
export * from './hash';
export * from './markdown';
export * from './random';
export * from './stats';
