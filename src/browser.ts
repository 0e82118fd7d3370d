// The browser-safe part of the library (no Node modules): what the game page bundles. The same
// preprocessing as training and evaluation, the same body model as the synthetic data, the same
// decision rule as chapter 07's evaluation.

export * from './body';
export * from './game/decision';
export * from './preprocess';
