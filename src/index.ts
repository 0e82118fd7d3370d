// The kombat library's public API: what the notebooks (`import { ... } from '../dist'`), the CLI
// and the tests use, by concept (src/README.md has the layers). The game page imports the
// browser-safe part, ./browser.ts.

export * from './augment';
export * from './backend';
export { runBench } from './bench';
export * from './body';
export * from './config';
// Two modules name a LabelRange: a video's label ranges (data) are the ones a user meets.
export type { LabelRange } from './data';
export * from './data';
export * from './decision';
export * from './eval';
export * from './export';
export * from './features';
export * from './game';
export * from './image';
export * from './mobilenet';
export * from './notebook';
export * from './pool';
export * from './pose';
export * from './preprocess';
export * from './report';
export * from './results';
export * from './serve';
export * from './settings';
export * from './sweep';
export * from './synth';
export * from './train';
export * from './transfer';
export * from './util';
