// Data augmentation: the article's imgaug pipeline in TypeScript, seeded and declarative.

export type { AugmentDatasetOptions, AugmentDatasetResult, AugmentProgress, BadFile } from './dataset';
export { augmentDataset, STATE_FILE } from './dataset';
export type { AffineParams, BorderMode } from './ops';
export * as ops from './ops';
export { BORDER_MODES, IDENTITY_AFFINE } from './ops';
export type { Range } from './params';
export { AugmentParamError } from './params';
export type { Augmenter, AugmenterOf, AugmenterType, Size } from './pipeline';
export {
  applyAugmenter,
  articlePipeline,
  DEFAULT_SIZE,
  describeAugmenter,
  describePipeline,
  leafAugmenters,
  listAugmenters,
  mapPipeline,
  parseSize,
  removeAugmenters,
  updateAugmenters,
  validatePipeline,
} from './pipeline';
export type { VariantOptions } from './variant';
export {
  AUGMENT_VERSION,
  augmentImage,
  augmentVariant,
  augmentVariants,
  DEFAULT_JPEG_QUALITY,
  describeSize,
  ENCODER_ID,
  encodeJpeg,
  frameSize,
  KEEP_ASPECT,
  loadFrame,
  resizeImage,
  type SizePolicy,
  variantRng,
  variantSeed,
} from './variant';
