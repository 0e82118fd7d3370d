// Data augmentation: the article's imgaug pipeline in TypeScript, seeded and declarative.
export * as ops from './ops';
export { BORDER_MODES, IDENTITY_AFFINE } from './ops';
export type { AffineParams, BorderMode } from './ops';
export { AugmentParamError } from './params';
export type { Range } from './params';
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
export type { Augmenter, AugmenterOf, AugmenterType, Size } from './pipeline';
export {
  AUGMENT_VERSION,
  augmentImage,
  augmentVariant,
  augmentVariants,
  DEFAULT_JPEG_QUALITY,
  encodeJpeg,
  ENCODER_ID,
  loadFrame,
  resizeImage,
  sha256Hex,
  variantRng,
  variantSeed,
} from './variant';
export type { VariantOptions } from './variant';
export { augmentDataset, STATE_FILE, subjectFromFileName } from './dataset';
export type { AugmentDatasetOptions, AugmentDatasetResult, AugmentProgress, BadFile } from './dataset';
