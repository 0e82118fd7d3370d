// The kombat library's public API: what the notebooks (`import { ... } from '../dist'`), the CLI
// and the tests use, by concept and from the bottom layer up (src/README.md). The game page imports
// the browser-safe part, ./browser.ts.

export * from './augment';
export * from './backend';
export { runBench } from './bench';
export * from './body';
export * from './config';
// Two modules name a LabelRange: a video's label ranges (data) are the ones a user meets.
export type { LabelRange } from './data';
export * from './data';
export * from './eval';
export * from './export';
export * from './features';
export * from './game/decision';
export * from './image';
export * from './mobilenet';
export * from './notebook';
export * from './pool';
export * from './preprocess';
export * from './report';
export * from './results';
export * from './settings';
export * from './sweep';
export * from './synth';
export * from './train';
export * from './util';
