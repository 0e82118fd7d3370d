// Datasets: the one indexer, layout and naming, manifest, labels, frames from video, validation,
// cleaning, subject split, balancing, numbering, the dataset card, the built-in dataset and the
// webcam-style one (chapter 09).

export * from './balance';
export * from './builtin';
export * from './card';
export * from './clean';
export * from './contact';
export * from './entries';
export * from './frames';
export * from './labels';
export * from './layout';
export * from './manifest';
export * from './naming';
export * from './number';
export * from './split';
export * from './subjects';
export * from './tasks';
export * from './validate';
export * from './video';
export * from './webcam';
export * from './write';
