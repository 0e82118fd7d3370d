// Exported classifiers: metadata, save and load, quantisation, which weight format ships, provenance.

export * from './classifier';
export * from './model-io';
export * from './provenance';
export * from './quantise';
export * from './weight-formats';
