// Typed chapter results (one type and one producer per chapter), their files, and the results page.

export * from './common';
export * from './evaluation';
export * from './export';
export * from './files';
export * from './layer-choice';
export * from './page';
export * from './playing';
export * from './setups';
export * from './sweep';
export * from './synthetic-to-real';
export * from './timings';
