// Evaluation: metrics, the game's decision rule as a classifier, thresholds, scoring a folder, playing over time.

export * from './clips';
export * from './evaluate';
export * from './fold';
export * from './folder';
export * from './metrics';
export * from './play';
export * from './thresholds';
