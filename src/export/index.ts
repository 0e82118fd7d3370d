// Exported classifiers: metadata, save and load (one loader for Node and the page), quantisation,
// which weight format ships, provenance.

export * from './classifier';
export * from './load';
export * from './metadata';
export * from './model-io';
export * from './provenance';
export * from './quantise';
export * from './weight-formats';
